"""The one loss curve: loss against epoch for one run (Train, Share & export) or several
named runs side by side (Compare, Gradient flow), and the log-axis ticks other charts share.

Two renderings of one curve, drawn alike: `loss_figure` (Plotly) wherever a run has ended, and
`loss_chart` (Vega-Lite rows and a fixed spec, `charts.vega`) while a Train run can go on."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from charts.labels import text_label
from charts.plotly_figure import TEXT_PX, Y_TITLE_PX, assemble
from charts.theme import (
    BATCH_COLOUR,
    GHOST_COLOUR,
    LIGHT,
    LINE_COLOUR,
    OUTLINE_COLOUR,
    RIGHT_COLOUR,
    SERIES_COLOURS,
    SERIES_DASHES,
    TEST_COLOUR,
    ChartTheme,
)
from charts.train.layout import MARKERS_UP_TO
from charts.vega import Spec, vega_title


@dataclass(frozen=True)
class LossRun:
    """One run's losses (epoch 1 first), its name in the legend and the epoch that solved it."""

    losses: Sequence[float]
    solved_epoch: int | None = None
    name: str = ""
    colour: str | None = None  # a colour of its own; else the run's place in `SERIES_COLOURS`
    ghost: bool = False  # a previous run kept for comparison: a faint line behind the others, no legend
    test_losses: Sequence[float] = ()  # the held-out pairs' loss per epoch, if the run has any
    best_epoch: int | None = None  # the epoch of the lowest held-out loss, marked when early stopping is on
    batch_losses: Sequence[Sequence[float]] = ()  # each epoch's loss per optimizer step, in mini-batches


TRAIN_SERIES, TEST_SERIES = "training pairs", "held-out pairs"  # the two curves of a run with held-out pairs
# A run in mini-batches: the loss of each optimizer step a thin faint line, their mean per epoch the line.
BATCH_SERIES, MEAN_SERIES = "each batch", "epoch mean"
# At most this many batch points in a loss chart, evenly thinned beyond. The story preset makes 4 an
# epoch, 400 in all; a 20 000-character text in windows of 2 and batches of 1 makes 10 000 an epoch, and
# the live chart, redrawn several times a second, could not keep up with millions (as `LIVE_LOSS_POINTS`);
# a few hundred faint points already show how far the batches' losses stray from their mean.
BATCH_POINTS = 600


def batch_points(batch_losses: Sequence[Sequence[float]]) -> tuple[list[float], list[float]]:
    """The x positions and losses of each batch of a run in mini-batches: batch b of B in epoch e at
    e - 1 + (b + 1) / B, so the last batch meets the epoch's mean (at e). Every batch up to
    `BATCH_POINTS`, else every k-th, evenly. None for a run of one batch an epoch."""
    epochs = [(epoch, losses) for epoch, losses in enumerate(batch_losses, start=1) if len(losses) > 1]
    stride = max(1, math.ceil(sum(len(losses) for _, losses in epochs) / BATCH_POINTS))
    x, y, step = [], [], 0  # the run's step count before each epoch: every stride-th step is kept
    for epoch, losses in epochs:
        for batch in range(-step % stride, len(losses), stride):  # only the kept ones: a live chart's turn
            x.append(epoch - 1 + (batch + 1) / len(losses))
            y.append(losses[batch])
        step += len(losses)
    return x, y


def loss_figure(
    runs: Sequence[LossRun],
    selected_epoch: int | None = None,
    log_scale: bool = False,
    total_epochs: int | None = None,
    title: str = "Loss",
    height: int = 330,
    theme: ChartTheme = LIGHT,
) -> go.Figure:
    """Loss against epoch (1-based), the shown epoch circled and the solving epoch marked.

    Ghost runs (a learner's previous run) are faint grey lines under the others and do not
    count as runs of their own. One run is drawn with a marker per epoch and its solving
    epoch as a dashed line across the chart. Several runs are a legend of coloured, dashed
    curves (curves that coincide stay visible), each solving epoch a star on its own curve.
    ``total_epochs`` caps the x range at the whole run; until then the axis runs a quarter
    beyond the newest epoch, so a 2000-epoch run is readable from its first epochs on.
    """
    ghosts = [run for run in runs if run.ghost]
    runs = [run for run in runs if not run.ghost]
    total_or_upper = total_epochs or max((len(run.losses) for run in runs), default=1)
    several = len(runs) > 1 or any(run.name for run in runs)
    held_out = any(run.test_losses for run in runs)
    batches = not several and any(batch_points(run.batch_losses)[0] for run in runs)
    data: list[dict[str, Any]] = [line for ghost in ghosts for line in _ghost_lines(ghost)]
    shapes, annotations = [], []
    for index, run in enumerate(runs):
        losses = list(run.losses)
        name = text_label(run.name)
        colour = (run.colour or SERIES_COLOURS[index % len(SERIES_COLOURS)]) if several else LINE_COLOUR
        series = f"{TRAIN_SERIES}<br>" if held_out else ""
        if several:
            data.append(
                dict(
                    type="scatter",
                    x=list(range(1, len(losses) + 1)),
                    y=losses,
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    line=dict(color=colour, width=2.5, dash=SERIES_DASHES[index % len(SERIES_DASHES)]),
                    hovertemplate=f"{name}<br>epoch %{{x}}<br>loss %{{y:.4f}}<extra></extra>",
                )
            )
        else:
            if batches:
                data.append(_batch_line(run))
            data.append(
                dict(
                    type="scatter",
                    x=list(range(1, len(losses) + 1)),
                    y=losses,
                    mode="lines+markers" if len(losses) <= MARKERS_UP_TO else "lines",
                    line=dict(color=colour, width=2),
                    marker=dict(size=5),
                    name=MEAN_SERIES if batches else TRAIN_SERIES,
                    showlegend=held_out or batches,
                    hovertemplate=f"{series}epoch %{{x}}<br>loss %{{y:.4f}}<extra></extra>",
                )
            )
        if run.test_losses:
            data.append(_test_line(run, name if several else "", colour if several else TEST_COLOUR))
        if run.best_epoch is not None and 1 <= run.best_epoch <= len(run.test_losses):
            data.append(_best_marker(run, name, colour if several else TEST_COLOUR))
        if selected_epoch is not None and 1 <= selected_epoch <= len(losses):
            data.append(
                dict(
                    type="scatter",
                    x=[selected_epoch],
                    y=[losses[selected_epoch - 1]],
                    mode="markers",
                    marker=dict(size=13, color="rgba(0,0,0,0)", line=dict(color=OUTLINE_COLOUR, width=2)),
                    cliponaxis=False,  # the newest epoch sits on the right edge: circle it whole
                    hovertemplate="shown: epoch %{x}<br>loss %{y:.4f}<extra></extra>",
                    showlegend=False,
                    **({"legendgroup": name} if several else {}),
                )
            )
        solved = run.solved_epoch
        if solved is None or not 1 <= solved <= len(losses):
            continue
        if several:
            data.append(_solved_star(name, solved, losses[solved - 1], colour))
        else:
            shapes.append(
                dict(
                    type="line",
                    xref="x",
                    yref="paper",
                    x0=solved,
                    x1=solved,
                    y0=0,
                    y1=1,
                    line=dict(color=RIGHT_COLOUR, dash="dash", width=2),
                )
            )
            annotations.append(
                dict(
                    xref="x",
                    yref="paper",
                    x=solved,
                    y=1,
                    xanchor="left" if solved < 0.6 * total_or_upper else "right",  # clear of the right edge
                    yanchor="top",
                    showarrow=False,
                    text=f" solved at {solved}" if solved < 0.6 * total_or_upper else f"solved at {solved} ",
                    font=dict(color=RIGHT_COLOUR),
                )
            )
    longest = max((len(run.losses) for run in runs), default=0)
    upper = max(longest + longest // 4, 10)
    if total_epochs:
        upper = min(upper, total_epochs)
    upper = max(upper, longest, 2)
    layout: dict[str, Any] = dict(
        xaxis=dict(title=dict(text="epoch"), range=[0 if batches else 0.5, upper + 0.5]),  # epoch 1's batches
        yaxis=dict(
            title=dict(text="loss (log scale)" if log_scale else "loss"),
            type="log" if log_scale else "linear",
            **(log_ticks(runs) if log_scale else {}),
        ),
        shapes=shapes,
        annotations=annotations,
        # Linear ticks read like "0.05" or "12.5"; log ticks like "0.002".
        margin=dict(l=8 + TEXT_PX * (5 if log_scale else 4) + Y_TITLE_PX, r=8 + 4 * len(str(upper)), b=70),
    )
    if several or held_out or batches:
        # The legend sits in a bottom margin of its own, under the axis title.
        layout |= dict(
            showlegend=True, legend=dict(orientation="h", x=0, xanchor="left", yref="container", y=0, yanchor="bottom")
        )
        layout["margin"]["b"] = 100
    return assemble(data, layout, title, height, theme)


MAX_LOG_TICKS = 8  # labels on a log axis a few hundred pixels tall that stay apart
# Under this many decades Plotly labels a log axis itself, fully ("0.35, 0.4, 0.45"). From a
# decade on it labels the 2s and 5s by their first digit alone ("2, 0.1, 5, 2" for 0.2, 0.1, 0.05,
# 0.02), and from about half of one its evenly spaced labels crowd at the top of the axis.
OWN_LOG_TICKS_FROM = 0.5
MANTISSAS_UP_TO = 1.5  # decades over which the 2s and 5s are labelled too; beyond, powers of ten
MANTISSAS = ((1, 2, 5), (1, 1.5, 2, 3, 5, 7))  # the second where the first labels fewer than two values


def log_axis_ticks(values: Sequence[float]) -> dict[str, Any]:
    """A log axis's ticks for ``values``, each labelled with its whole value so that they read in
    order top to bottom (`log_tick_text`): 1, 2 and 5 times each power of ten (more where those
    label fewer than two of the values' range) up to `MANTISSAS_UP_TO` decades, powers of ten
    beyond, every second, third... over more than `MAX_LOG_TICKS` decades (an exploding
    gradient). Under `OWN_LOG_TICKS_FROM` decades, Plotly's own ticks, which label whole values
    there; ``exponentformat`` makes them read as ours do."""
    positive = [value for value in values if value > 0 and math.isfinite(value)]
    if not positive:
        return {}
    low, high = math.log10(min(positive)), math.log10(max(positive))
    if high - low < OWN_LOG_TICKS_FROM:
        return dict(exponentformat="e")
    first, last = math.floor(low), math.ceil(high)
    if high - low < MANTISSAS_UP_TO:
        for mantissas in MANTISSAS:
            ticks = [mantissa * 10.0**power for power in range(first, last + 1) for mantissa in mantissas]
            if sum(low <= math.log10(tick) <= high for tick in ticks) >= 2:
                break
    else:
        every = max(1, math.ceil((high - low) / MAX_LOG_TICKS))
        ticks = [10.0**power for power in range(first, last + 1) if power % every == 0]
    # Only the ticks the data reach, and the powers of ten just beyond (the range is padded).
    ticks = [tick for tick in ticks if first <= math.log10(tick) <= last]
    return dict(tickmode="array", tickvals=ticks, ticktext=[log_tick_text(tick) for tick in ticks])


def log_tick_text(value: float) -> str:
    """A log-axis tick as a learner reads it: "0.002", "0.5", "20" and "5000" from a thousandth to
    ten thousand, "1e-5" and "2e6" (as Python prints them, shorter) beyond."""
    if 1e-3 <= value < 1e4:
        return f"{value:.4f}".rstrip("0").rstrip(".")
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def log_ticks(runs: Sequence[LossRun]) -> dict[str, Any]:
    """Ticks of a log-scale loss axis that never collide and read in order (`log_axis_ticks`)."""
    drawn = [loss for run in runs for losses in (run.losses, run.test_losses) for loss in losses]
    return log_axis_ticks(drawn + [loss for run in runs for loss in batch_points(run.batch_losses)[1]])


def _ghost_lines(run: LossRun) -> list[dict[str, Any]]:
    """A previous run's curves, faint grey: its training loss solid, its held-out loss dotted."""
    name = text_label(run.name or "previous run")
    return [
        dict(
            type="scatter",
            x=list(range(1, len(losses) + 1)),
            y=list(losses),
            mode="lines",
            showlegend=False,
            line=dict(color=GHOST_COLOUR, width=2, dash=dash),
            hovertemplate=f"{name}{series}<br>epoch %{{x}}<br>loss %{{y:.4f}}<extra></extra>",
        )
        for losses, dash, series in ((run.losses, "solid", ""), (run.test_losses, "dot", f", {TEST_SERIES}"))
        if losses
    ]


def _batch_line(run: LossRun) -> dict[str, Any]:
    """A run's loss at each optimizer step (`batch_points`): a thin faint line behind its epoch means,
    a band as wide as the batches' losses differ."""
    x, y = batch_points(run.batch_losses)
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="lines",
        name=BATCH_SERIES,
        line=dict(color=BATCH_COLOUR, width=1),
        hovertemplate=f"{BATCH_SERIES}<br>epoch %{{x:.2f}}<br>loss %{{y:.4f}}<extra></extra>",
    )


def _test_line(run: LossRun, name: str, colour: str) -> dict[str, Any]:
    """A run's held-out loss: its own colour beside the training loss, or dotted in the run's colour
    among several runs."""
    label = f"{name}, {TEST_SERIES}" if name else TEST_SERIES
    return dict(
        type="scatter",
        x=list(range(1, len(run.test_losses) + 1)),
        y=list(run.test_losses),
        mode="lines",
        name=label,
        legendgroup=name or TEST_SERIES,
        line=dict(color=colour, width=2.5 if name else 2, dash="dot" if name else "solid"),
        hovertemplate=f"{label}<br>epoch %{{x}}<br>loss %{{y:.4f}}<extra></extra>",
    )


def _best_marker(run: LossRun, name: str, colour: str) -> dict[str, Any]:
    """The epoch of the lowest held-out loss, where early stopping keeps the run's best."""
    epoch = run.best_epoch
    return dict(
        type="scatter",
        x=[epoch],
        y=[run.test_losses[epoch - 1]],
        mode="markers",
        legendgroup=name or TEST_SERIES,
        showlegend=False,
        marker=dict(symbol="diamond", size=12, color=colour, line=dict(color=OUTLINE_COLOUR, width=1)),
        hovertemplate=f"{name + ': ' if name else ''}lowest held-out loss at epoch {epoch}<extra></extra>",
    )


def _solved_star(name: str, epoch: int, loss: float, colour: str) -> dict[str, Any]:
    return dict(
        type="scatter",
        x=[epoch],
        y=[loss],
        mode="markers",
        legendgroup=name,
        showlegend=False,
        marker=dict(symbol="star", size=14, color=colour, line=dict(color="black", width=1)),
        hovertemplate=f"{name}<br>solved at epoch {epoch}<extra></extra>",
    )


LIVE_LOSS_POINTS = 400  # at most, about, in a live loss curve (`drawn_epochs`)


def drawn_epochs(losses: Sequence[float], always: set[int | None]) -> list[int]:
    """The epochs (1-based) a loss curve draws: all up to `LIVE_LOSS_POINTS`, else each stretch's
    lowest and highest loss, and the epochs in ``always`` (first, last, solved, shown).

    The live chart is redrawn several times a second: with every one of 2000 epochs, the browser
    was busy all the time and a Pause click waited for it (bench/live_page.py). A curve 330 px
    wide cannot show more points than this anyway."""
    count = len(losses)
    if count <= LIVE_LOSS_POINTS:
        return list(range(1, count + 1))
    stretch = math.ceil(count / (LIVE_LOSS_POINTS // 2))
    kept = {e for e in always if e is not None and 1 <= e <= count}
    for start in range(0, count, stretch):
        chunk = range(start, min(start + stretch, count))
        kept.add(1 + min(chunk, key=losses.__getitem__))
        kept.add(1 + max(chunk, key=losses.__getitem__))
    return sorted(kept)


def loss_chart(
    losses: Sequence[float],
    solved_epoch: int | None,
    log_scale: bool,
    shown_epoch: int | None = None,
    ghost: Sequence[float] = (),
    test_losses: Sequence[float] = (),
    ghost_test: Sequence[float] = (),
    best_epoch: int | None = None,
    batch_losses: Sequence[Sequence[float]] | None = None,
) -> tuple[pd.DataFrame, Spec]:
    """Loss per epoch as a line (a point per epoch up to `MARKERS_UP_TO`), the solving epoch a
    dashed green rule, the shown epoch (a paused run's scrubber) circled, and a previous run's
    losses (``ghost``) a faint grey line behind. With held-out pairs, their loss (``test_losses``)
    is a second line in its own colour, with a legend, and ``best_epoch`` (early stopping's) a
    diamond on it. All of these are rows, so a run going, paused and scrubbed is one spec, updated
    in place. A long run's curve keeps the lowest and highest loss of each stretch of epochs
    (`LIVE_LOSS_POINTS` in all), so a spike still shows. A run in mini-batches (``batch_losses``
    given, even before its first epoch, so that its spec stays one) adds each step's loss as a thin
    faint line (`batch_points`) behind the line, now its epochs' means; a legend names the two."""
    count = len(losses)
    always = {1, count, solved_epoch, shown_epoch}
    parts = [
        (TRAIN_SERIES, False, losses, drawn_epochs(losses, always)),
        (TEST_SERIES, False, test_losses, drawn_epochs(test_losses, always | {best_epoch})),
        (TRAIN_SERIES, True, ghost, drawn_epochs(ghost, {1, len(ghost)})),
        (TEST_SERIES, True, ghost_test, drawn_epochs(ghost_test, {1, len(ghost_test)})),
    ]
    rows = pd.DataFrame(
        {
            "epoch": [e for *_, kept in parts for e in kept],
            "loss": [values[e - 1] for _, _, values, kept in parts for e in kept],
            "series": [series for series, _, _, kept in parts for _ in kept],
            "solved": [not g and s == TRAIN_SERIES and e == solved_epoch for s, g, _, kept in parts for e in kept],
            "shown": [not g and s == TRAIN_SERIES and e == shown_epoch for s, g, _, kept in parts for e in kept],
            "best": [not g and s == TEST_SERIES and e == best_epoch for s, g, _, kept in parts for e in kept],
            "ghost": [g for _, g, _, kept in parts for _ in kept],
            "marked": [not g and s == TRAIN_SERIES and count <= MARKERS_UP_TO for s, g, _, kept in parts for _ in kept],
        }
    )
    batches = batch_losses is not None
    if batches:
        rows.loc[~rows["ghost"] & (rows["series"] == TRAIN_SERIES), "series"] = MEAN_SERIES
        x_batches, y_batches = batch_points(batch_losses)
        flags = {column: False for column in ("solved", "shown", "best", "ghost", "marked")}
        points = pd.DataFrame({"epoch": x_batches, "loss": y_batches, "series": BATCH_SERIES, **flags})
        rows = pd.concat([rows, points], ignore_index=True)
    x = {"field": "epoch", "type": "quantitative", "title": "epoch"}
    y = {
        "field": "loss",
        "type": "quantitative",
        "title": "loss (log scale)" if log_scale else "loss",
        "scale": {"type": "log"} if log_scale else {"zero": True},
    }
    series = {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": [TRAIN_SERIES, TEST_SERIES], "range": [LINE_COLOUR, TEST_COLOUR]},
        "legend": {"orient": "bottom", "title": None} if test_losses else None,
    }
    lines_filter = "!datum.ghost"
    batch_layers = []
    if batches:
        shown = [(MEAN_SERIES, LINE_COLOUR), (TEST_SERIES, TEST_COLOUR), (BATCH_SERIES, BATCH_COLOUR)]
        shown = [(name, colour) for name, colour in shown if test_losses or name != TEST_SERIES]
        series["scale"] = {"domain": [name for name, _ in shown], "range": [colour for _, colour in shown]}
        # Inside the plot's top right, which a falling loss leaves empty: under it, the legend took
        # half of the short live chart's height (the chart is 216 px with its axes and title).
        series["legend"] = {"orient": "top-right", "title": None, "direction": "horizontal"}
        lines_filter = f"!datum.ghost && datum.series !== '{BATCH_SERIES}'"
        batch_layers = [
            {
                "transform": [{"filter": f"datum.series === '{BATCH_SERIES}'"}],
                "mark": {"type": "line", "strokeWidth": 1},
                "encoding": {"x": x, "y": y, "color": series},
            }
        ]
    spec = {
        "title": vega_title("Loss"),
        "height": 330 - 44 - 70,  # the plotly figure's height less its title and x-axis margins
        "layer": [
            *(
                {
                    "transform": [{"filter": f"datum.ghost && datum.series === '{name}'"}],
                    "mark": {"type": "line", "color": GHOST_COLOUR, "strokeWidth": 2, "strokeDash": dash},
                    "encoding": {
                        "x": x,
                        "y": y,
                        "tooltip": [{"field": "epoch", "title": f"previous run, {name}, epoch"}],
                    },
                }
                for name, dash in ((TRAIN_SERIES, [1, 0]), (TEST_SERIES, [2, 3]))
            ),
            *batch_layers,
            {
                "transform": [{"filter": lines_filter}],
                "mark": {"type": "line"},
                "encoding": {"x": x, "y": y, "color": series},
            },
            {
                "transform": [{"filter": "datum.marked"}],
                "mark": {"type": "point", "size": 25, "filled": True, "color": LINE_COLOUR},
                "encoding": {"x": x, "y": y},
            },
            {
                "transform": [{"filter": "datum.solved"}],
                "mark": {"type": "rule", "color": RIGHT_COLOUR, "strokeDash": [6, 4], "strokeWidth": 2},
                "encoding": {"x": x, "tooltip": [{"field": "epoch", "title": "solved at epoch"}]},
            },
            {
                "transform": [{"filter": "datum.best"}],
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "size": 110,
                    "filled": True,
                    "color": TEST_COLOUR,
                    "stroke": OUTLINE_COLOUR,
                },
                "encoding": {"x": x, "y": y, "tooltip": [{"field": "epoch", "title": "lowest held-out loss at epoch"}]},
            },
            {
                "transform": [{"filter": "datum.shown"}],
                "mark": {"type": "point", "size": 170, "filled": False, "color": OUTLINE_COLOUR, "strokeWidth": 2},
                "encoding": {"x": x, "y": y, "tooltip": [{"field": "epoch", "title": "shown: epoch"}]},
            },
        ],
    }
    return rows, spec
