"""Figures of the What if? page: the recorded run beside the changed one, and what changed.

Builders take tensors the engine computed (`playground.probes.interventions`) and only draw them.
Both runs share one colour range, so a colour means the same number on either side; the
third panel is their difference, which is where a learner's eye should go first.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from charts.labels import char_label, label_chars, step_labels, text_label
from charts.plotly_figure import epoch_animation_controls, placed_labels, row_px, row_ticks, step_axis, top_title
from charts.theme import DIVERGING, PROBABILITY, SERIES_COLOURS, WRONG_COLOUR

PANEL_PLOT_PX = 200  # the plotting width of one of three panels across the page at 1280 px, about
TRAJECTORY_PLOT_PX = (736, 363)  # the trajectory's plotting area across the page at 1280 px (Chromium, measured)
TRAJECTORY_FONT_PX = 12


def _times(chars: Sequence[str]) -> list[str]:
    return [f"{t}:{char_label(c)}" for t, c in enumerate(chars)]


def state_comparison(
    original: torch.Tensor,
    changed: torch.Tensor,
    original_chars: Sequence[str],
    changed_chars: Sequence[str],
    title: str,
    step: int | None = None,
    reach: float = 1.0,
    width_share: float = 1.0,
) -> go.Figure:
    """(seq, hidden) states of both runs as time × unit heatmaps, then changed − original.

    Time ticks name the character each run fed, so a changed input shows in the axis too;
    ``step`` (the intervened one) is boxed. Both runs are coloured over ±``reach`` (the
    string's states over every layer and direction, as Train colours them), widened only if
    a value shown here goes further. ``width_share`` is the share of its 1280 px width the chart
    is drawn at (a phone's is smaller): its step labels are spaced for it.
    """
    difference = changed - original
    reach = max(reach, original.abs().max().item(), changed.abs().max().item())
    spread = max(difference.abs().max().item(), 1e-6)
    panels = (
        ("original", original, original_chars, reach),
        ("changed", changed, changed_chars, reach),
        # Two lines: on a phone, a third of the width, one line ran into "changed".
        ("changed −<br>original", difference, changed_chars, spread),
    )
    figure = make_subplots(rows=1, cols=3, subplot_titles=[p[0] for p in panels], horizontal_spacing=0.05)
    units = [f"unit {k}" for k in range(original.shape[1])]
    px = row_px(len(units), 18)
    for col, (name, values, chars, scale) in enumerate(panels, start=1):
        figure.add_trace(
            go.Heatmap(
                z=values.T.tolist(),
                x=list(range(len(chars))),
                customdata=[_times(chars)] * len(units),
                y=units,
                colorscale=DIVERGING,
                zmin=-scale,
                zmax=scale,
                showscale=col >= 2,
                colorbar=dict(len=0.9, thickness=10, x=1.0 if col == 3 else 0.64),
                hovertemplate="t=%{customdata}, %{y}: %{z:.4f}<extra>" + name.replace("<br>", " ") + "</extra>",
            ),
            row=1,
            col=col,
        )
        if step is not None:
            figure.add_vrect(x0=step - 0.5, x1=step + 0.5, line=dict(color="black", width=2), row=1, col=col)
        figure.update_xaxes(**step_axis(list(chars), PANEL_PLOT_PX * width_share), row=1, col=col)
        figure.update_yaxes(autorange="reversed", showticklabels=col == 1, row=1, col=col, **row_ticks(units, px))
    figure.update_layout(
        height=156 + round(px * len(units)),
        margin=dict(l=10, r=10, t=86, b=10),
        title=top_title(text_label(title)),
    )
    return figure


def probability_comparison(
    original: torch.Tensor,
    changed: torch.Tensor,
    vocab: Sequence[str],
    original_chars: Sequence[str],
    changed_chars: Sequence[str],
    title: str,
    width_share: float = 1.0,
) -> go.Figure:
    """(seq, vocab) probabilities of both runs, characters down, steps across; the predicted
    (most likely) character of each step is written in its cell, red where the runs disagree.
    ``width_share`` is the share of its 1280 px width the chart is drawn at (a phone's is smaller)."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=["original", "changed"], horizontal_spacing=0.06)
    rows = [char_label(c) for c in vocab]
    px = row_px(len(rows), 20)
    predicted = original.argmax(dim=-1), changed.argmax(dim=-1)
    for col, (values, chars) in enumerate(((original, original_chars), (changed, changed_chars)), start=1):
        picks = predicted[col - 1].tolist()
        disagree = (predicted[0] != predicted[1]).tolist()
        text = [[("●" if picks[t] == v else "") for t in range(values.shape[0])] for v in range(values.shape[1])]
        figure.add_trace(
            go.Heatmap(
                z=values.T.tolist(),
                x=list(range(len(chars))),
                customdata=[step_labels(chars)] * len(rows),
                y=rows,
                zmin=0,
                zmax=1,
                colorscale=PROBABILITY,  # Train's probability scale: a p is the same blue on both pages
                text=text,
                texttemplate="%{text}",  # Plotly picks black or white by the cell's shade
                textfont=dict(size=11),
                showscale=col == 2,
                colorbar=dict(len=0.9, thickness=10),
                hovertemplate="%{customdata}, p(%{y}) = %{z:.3f}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        for t, different in enumerate(disagree):
            if different and col == 2:
                figure.add_vrect(x0=t - 0.5, x1=t + 0.5, line=dict(color=WRONG_COLOUR, width=3), row=1, col=col)
        figure.update_yaxes(
            autorange="reversed", type="category", showticklabels=col == 1, row=1, col=col, **row_ticks(rows, px)
        )
        figure.update_xaxes(**step_axis(list(chars), PANEL_PLOT_PX * 1.5 * width_share), row=1, col=col)
    figure.update_layout(
        height=150 + round(px * len(rows)),
        margin=dict(l=10, r=10, t=70, b=10),
        title=top_title(text_label(title)),
    )
    return figure


def importance_figure(loss_change: torch.Tensor, changed_chars: torch.Tensor, title: str) -> go.Figure:
    """One bar per unit: how much the loss rises with that unit zeroed; hover adds the characters it changes."""
    units = [f"unit {k}" for k in range(loss_change.shape[0])]
    figure = go.Figure(
        go.Bar(
            x=units,
            y=loss_change.tolist(),
            customdata=changed_chars.tolist(),
            marker=dict(color=[WRONG_COLOUR if n else SERIES_COLOURS[0] for n in changed_chars.tolist()]),
            hovertemplate="%{x}: loss %{y:+.4f}, %{customdata} predicted character(s) change<extra></extra>",
        )
    )
    figure.update_xaxes(type="category", tickangle=-45 if len(units) > 16 else 0)
    figure.update_yaxes(title="loss with the unit zeroed − loss", zeroline=True)
    figure.update_layout(
        height=360,
        margin=dict(l=10, r=10, t=50, b=10),
        showlegend=False,
        title=dict(text=text_label(title), font=dict(size=14)),
    )
    return figure


def trajectory_animation(
    epochs: Sequence[int],
    points: torch.Tensor,
    sources: Sequence[Sequence[str]],
    explained: tuple[float, float],
    chosen_epoch: int,
    width_share: float = 1.0,
) -> go.Figure:
    """h_t of every string as a path on two fixed principal axes, one frame per epoch.

    ``points`` is (frames, strings, seq, 2); each path is labelled with the character fed
    at each step where the label stays clear of the others (`placed_labels`; hover names
    every step), and starts at the frame of ``chosen_epoch``. A string shorter than ``seq``
    ends with its characters: the points past it are padding and are not drawn.
    ``width_share`` is the share of its 1280 px width the chart is drawn at (a phone's is smaller).
    """
    real = torch.cat([points[:, item, : len(chars)] for item, chars in enumerate(sources)], dim=1)
    low = real.amin(dim=(0, 1)).tolist()
    high = real.amax(dim=(0, 1)).tolist()
    pad = [max(0.05, 0.08 * (top - bottom)) for bottom, top in zip(low, high)]
    ranges = ((low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1]))
    names = [text_label("".join(chars)) for chars in sources]
    # Several strings get a legend at the right, which takes from the plot's width.
    legend_px = 50 + TRAJECTORY_FONT_PX * 0.65 * label_chars(names) if len(sources) > 1 else 0
    plot_px = (TRAJECTORY_PLOT_PX[0] * width_share - legend_px, TRAJECTORY_PLOT_PX[1])
    labels = [[char_label(c) for c in chars] for chars in sources]
    sizes = [[12] + [7] * (len(chars) - 1) for chars in sources]

    def paths(frame: int) -> list[go.Scatter]:
        xy = [points[frame, item, : len(chars)].tolist() for item, chars in enumerate(sources)]
        # Labels placed apart over every string's points at once: paths cross, and their labels would too.
        text, places = placed_labels(
            [(x, y) for path in xy for x, y in path],
            [label for path in labels for label in path],
            ranges,
            plot_px,
            TRAJECTORY_FONT_PX,
            [size for path in sizes for size in path],
        )
        starts = [sum(map(len, sources[:item])) for item in range(len(sources) + 1)]
        return [
            go.Scatter(
                x=[x for x, _ in xy[item]],
                y=[y for _, y in xy[item]],
                mode="lines+markers+text",
                name=names[item],
                text=text[starts[item] : starts[item + 1]],
                textposition=places[starts[item] : starts[item + 1]],
                textfont=dict(size=TRAJECTORY_FONT_PX),
                customdata=labels[item],
                line=dict(color=SERIES_COLOURS[item % len(SERIES_COLOURS)], width=2),
                marker=dict(size=sizes[item]),
                hovertemplate="t=%{pointNumber}: %{customdata}<extra>%{fullData.name}</extra>",
            )
            for item in range(len(sources))
        ]

    frames = [go.Frame(data=paths(k), name=str(epoch)) for k, epoch in enumerate(epochs)]
    start = list(epochs).index(chosen_epoch) if chosen_epoch in epochs else len(epochs) - 1
    figure = go.Figure(data=paths(start), frames=frames)
    figure.update_xaxes(range=list(ranges[0]), zeroline=True, title=f"PC 1 ({explained[0]:.0%})")
    figure.update_yaxes(range=list(ranges[1]), zeroline=True, title=f"PC 2 ({explained[1]:.0%})")
    figure.update_layout(
        height=560,
        margin=dict(l=10, r=10, t=50, b=110),
        title=dict(text=f"h_t on epoch {chosen_epoch}'s two principal axes (big dot: t=0)", font=dict(size=14)),
        **epoch_animation_controls(list(epochs), start, slider_x=0.2),
    )
    return figure
