"""Vega-Lite charts for the views that redraw while a network trains.

Streamlit rebuilds a plotly chart from scratch on every update, so a chart redrawn several
times a second blinks (the browser shows it blank while plotly draws it again). A Vega-Lite
chart whose *spec* stays the same and whose *data* changes is updated in place. So each
builder here returns ``(rows, spec)``: the spec depends only on settings fixed for the run,
everything that grows with training is in the rows (the live hidden states sit beside their
plotly twin in `charts.hidden_states`). The paused and scrubbing views are the plotly figures
of `charts.train` and `charts.loss`, and these charts copy their look (titles,
headers, step labels, colour scales, fonts), so that when training stops a learner sees each
chart turn into itself rather than into another chart.

Vega-Lite draws text as plain text, so typed characters go into the rows as typed
(`charts.labels.plain_char`): HTML-escaped, a typed ``<`` would show as ``&lt;``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from playground.text import split_characters
from playground.trainer import EpochRecord

from .labels import plain_char, step_name, step_stride
from .plotly_figure import CHAR_TICK_PX
from .theme import (
    FONT_FAMILY,
    GHOST_COLOUR,
    LINE_COLOUR,
    MONOSPACE,
    OUTLINE_COLOUR,
    RIGHT_COLOUR,
    WRONG_COLOUR,
    vega_probability_scale,
)
from .train_layout import (
    MARKERS_UP_TO,
    ROW_HEIGHT,
    WRONG_MARK,
    WRONG_MARK_OFFSET,
    WRONG_MARK_PX,
    numbers_fit,
    timeline_epochs,
)

Spec = dict[str, Any]
COLUMN_PX = 34  # one predicted character's cell in the live predictions timeline
VEGA_STEP_TICK_PX = 40  # "t=10" at 13 px: Vega draws both label lines in one size (Plotly's numbers are smaller)
LIVE_LOSS_POINTS = 400  # at most, about, in a live loss curve (`drawn_epochs`)
LIVE_PROBABILITIES_PX = 240  # the live probabilities' plotting width in half the page at 1280 px, about


def vega_title(text: str) -> dict[str, Any]:
    """A title as the plotly figures draw theirs: bold, top left."""
    return {"text": text, "anchor": "start", "fontSize": 15, "fontWeight": "bold", "font": FONT_FAMILY}


def _label_expr(labels: Sequence[Sequence[str]]) -> str:
    """A Vega expression naming tick ``datum.value`` (an index) by ``labels[index]``: each
    label a list of lines. JSON string literals are valid Vega string literals, so typed
    characters need no escaping of our own."""
    return f"{json.dumps([list(label) for label in labels], ensure_ascii=False)}[datum.value]"


def step_axis(input_chars: Sequence[str], plot_px: float) -> dict[str, Any]:
    """The plotly charts' time-step axis (`charts.plotly_figure.step_axis`) in Vega-Lite: the
    character over ``t=N``, horizontal, numbers (and, when characters would touch, characters)
    only every few steps."""
    steps = len(input_chars)
    stride = step_stride(steps, plot_px, VEGA_STEP_TICK_PX)
    every_char = plot_px / max(steps, 1) >= CHAR_TICK_PX
    labels = [
        [plain_char(char) if every_char or t % stride == 0 else "", step_name(t) if t % stride == 0 else ""]
        for t, char in enumerate(input_chars)
    ]
    return {
        "labelExpr": _label_expr(labels),
        "labelAngle": 0,
        "labelFont": MONOSPACE,
        "labelFontSize": 13,
        "labelOverlap": False,  # the labels were chosen not to overlap; Vega's own culling drops every other
    }


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
) -> tuple[pd.DataFrame, Spec]:
    """Loss per epoch as a line (a point per epoch up to `MARKERS_UP_TO`), the solving epoch a
    dashed green rule, the shown epoch (a paused run's scrubber) circled, and a previous run's
    losses (``ghost``) a faint grey line behind. All of these are rows, so a run going, paused
    and scrubbed is one spec, updated in place. A long run's curve keeps the lowest and highest
    loss of each stretch of epochs (`LIVE_LOSS_POINTS` in all), so a spike still shows."""
    count = len(losses)
    kept = drawn_epochs(losses, {1, count, solved_epoch, shown_epoch})
    ghost_kept = drawn_epochs(ghost, {1, len(ghost)})
    rows = pd.DataFrame(
        {
            "epoch": [*kept, *ghost_kept],
            "loss": [losses[e - 1] for e in kept] + [ghost[e - 1] for e in ghost_kept],
            "solved": [epoch == solved_epoch for epoch in kept] + [False] * len(ghost_kept),
            "shown": [epoch == shown_epoch for epoch in kept] + [False] * len(ghost_kept),
            "ghost": [False] * len(kept) + [True] * len(ghost_kept),
            "marked": [count <= MARKERS_UP_TO] * len(kept) + [False] * len(ghost_kept),
        }
    )
    x = {"field": "epoch", "type": "quantitative", "title": "epoch"}
    y = {
        "field": "loss",
        "type": "quantitative",
        "title": "loss (log scale)" if log_scale else "loss",
        "scale": {"type": "log"} if log_scale else {"zero": True},
    }
    spec = {
        "title": vega_title("Loss"),
        "height": 330 - 44 - 70,  # the plotly figure's height less its title and x-axis margins
        "layer": [
            {
                "transform": [{"filter": "datum.ghost"}],
                "mark": {"type": "line", "color": GHOST_COLOUR, "strokeWidth": 2},
                "encoding": {"x": x, "y": y, "tooltip": [{"field": "epoch", "title": "previous run, epoch"}]},
            },
            {
                "transform": [{"filter": "!datum.ghost"}],
                "mark": {"type": "line", "color": LINE_COLOUR},
                "encoding": {"x": x, "y": y},
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
                "transform": [{"filter": "datum.shown"}],
                "mark": {"type": "point", "size": 170, "filled": False, "color": OUTLINE_COLOUR, "strokeWidth": 2},
                "encoding": {"x": x, "y": y, "tooltip": [{"field": "epoch", "title": "shown: epoch"}]},
            },
        ],
    }
    return rows, spec


def timeline_chart(
    history: Sequence[EpochRecord],
    pair: int,
    vocab: Sequence[str],
    target_indices: Sequence[int],
    solved_epoch: int | None,
    max_rows: int,
    shown_epoch: int | None = None,
) -> tuple[pd.DataFrame, Spec]:
    """Predicted strings of the newest epochs, one row each, every character green when right,
    vermillion with a ✗ when wrong; the target characters head the columns and the shown epoch
    (a paused run's scrubber) is marked ▶, as in the plotly figure."""
    targets = [vocab[t] for t in target_indices]
    records = []
    for epoch in timeline_epochs(len(history), max_rows, solved_epoch, shown_epoch):
        predicted = split_characters(history[epoch - 1].predictions[pair])
        label = f"epoch {epoch}" + (" ✓ solved" if epoch == solved_epoch else "")
        label = f"▶ {label}" if epoch == shown_epoch else label
        for step, (char, target) in enumerate(zip(predicted, targets)):
            records.append(
                {
                    "row": label,
                    "order": epoch,
                    "step": step,
                    "char": plain_char(char),
                    "target": plain_char(target),
                    "right": char == target,
                }
            )
    rows = pd.DataFrame(records)
    position = {
        "x": {
            "field": "step",
            "type": "ordinal",
            "title": "target",
            "axis": {
                "orient": "top",
                "labelExpr": _label_expr([[plain_char(t)] for t in targets]),
                "labelAngle": 0,
                "labelFont": MONOSPACE,
                "labelFontSize": 13,
            },
        },
        "y": {"field": "row", "type": "ordinal", "title": None, "sort": {"field": "order", "order": "ascending"}},
    }
    spec = {
        "title": vega_title("Predictions, epoch by epoch"),
        "height": {"step": ROW_HEIGHT},
        "width": {"step": COLUMN_PX},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
                "encoding": {
                    **position,
                    "color": {
                        "field": "right",
                        "type": "nominal",
                        "legend": None,
                        "scale": {"domain": [True, False], "range": [RIGHT_COLOUR, WRONG_COLOUR]},
                    },
                    "tooltip": [{"field": "row"}, {"field": "char", "title": "predicted"}, {"field": "target"}],
                },
            },
            {
                "mark": {"type": "text", "color": "white", "fontSize": 15, "font": MONOSPACE},
                "encoding": {**position, "text": {"field": "char"}},
            },
            {  # the second cue, as in the plotly figure: a wrong cell's corner mark
                "transform": [{"filter": "!datum.right"}],
                "mark": {
                    "type": "text",
                    "text": WRONG_MARK,
                    "color": "white",
                    "fontSize": WRONG_MARK_PX,
                    "dx": round(WRONG_MARK_OFFSET[0] * COLUMN_PX),
                    "dy": round(WRONG_MARK_OFFSET[1] * ROW_HEIGHT),
                },
                "encoding": position,
            },
        ],
    }
    return rows, spec


def probabilities_chart(
    probabilities,
    vocab: Sequence[str],
    input_chars: Sequence[str],
    target_indices: Sequence[int],
) -> tuple[pd.DataFrame, Spec]:
    """Softmax probabilities of one pair (seq, vocab) as step × character cells, targets outlined."""
    records = []
    for step, row in enumerate(probabilities.tolist()):
        for index, p in enumerate(row):
            records.append(
                {
                    "step": f"{step_name(step)} {plain_char(input_chars[step])}",
                    "order": step,
                    "char": plain_char(vocab[index]),
                    "p": p,
                    "target": index == target_indices[step],
                }
            )
    rows = pd.DataFrame(records)
    written = numbers_fit(len(input_chars), len(vocab))  # as the plotly figure: numbers only while they fit
    position = {
        "x": {
            "field": "order",
            "type": "ordinal",
            "title": "input character at each step (target outlined)",
            "axis": step_axis(input_chars, LIVE_PROBABILITIES_PX),
        },
        "y": {"field": "char", "type": "ordinal", "title": "predicted character", "sort": list(map(plain_char, vocab))},
    }
    layers: list[Spec] = [
        {
            "mark": {"type": "rect"},
            "encoding": {
                **position,
                "color": {"field": "p", "type": "quantitative", "title": "P", "scale": vega_probability_scale()},
                "stroke": {"condition": {"test": "datum.target", "value": OUTLINE_COLOUR}, "value": None},
                "strokeWidth": {"condition": {"test": "datum.target", "value": 3}, "value": 0},
                "tooltip": [{"field": "step"}, {"field": "char"}, {"field": "p", "format": ".3f"}],
            },
        }
    ]
    if written:
        layers.append(
            {
                "mark": {"type": "text", "fontSize": 9},
                "encoding": {
                    **position,
                    "text": {"field": "p", "format": ".2f"},
                    "color": {"condition": {"test": "datum.p > 0.5", "value": "white"}, "value": "#333333"},
                },
            }
        )
    spec = {
        "title": vega_title("Probabilities per step"),
        "height": {"step": min(24, 720 / max(len(vocab), 1))},
        "layer": layers,
    }
    return rows, spec
