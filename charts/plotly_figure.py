"""Assembling a Plotly figure that carries its own look, and the one toolbar every chart gets.

A figure is assembled as plain data and layout dicts and validated once by ``go.Figure``:
Plotly's incremental helpers (``make_subplots``, ``update_xaxes``, ``add_shape``) validate on
every call and cost several times more, which matters when the Train page redraws its views
several times a second.

Axes that carry characters use numeric positions with tick labels, never categories: a string
like "hello" repeats "l", and a categorical axis would silently merge the two steps.

Each figure asks up front for the margins its labels need, so that the browser draws it
once: Plotly grows a margin that is too small (automargin) by drawing the whole chart a second
time, so the pixel widths below are slight over-estimates of label widths in the app's fonts,
calibrated in Chromium; tests/browser checks that the Train page's charts keep the margins
they ask for.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

import plotly.graph_objects as go
import torch

from charts.labels import label_chars, numbered_steps, step_labels
from charts.theme import (
    DIVERGING,
    MONOSPACE,
    OUTLINE_COLOUR,
    ChartTheme,
    axis_defaults,
    diverging_colorbar,
    symmetric_bound,
)

TEXT_PX = 7.5  # per character of 12 px Source Sans, bold included
MONO_PX = 8  # per character of 13 px monospace
Y_TITLE_PX = 44  # a y-axis title: its standoff and one rotated line of 14 px text
AXIS_NAME = re.compile(r"[xy]axis\d*")


def assemble(
    data: list[dict[str, Any]], layout: dict[str, Any], title: str, height: int, theme: ChartTheme
) -> go.Figure:
    """Assemble a figure that carries its whole look (see `charts.theme`): no template, axes
    fitted to their labels, and a ``datarevision`` that changes exactly when the figure does,
    so the browser's second pass over an unchanged figure costs nothing. ``title`` is drawn
    as given: escape typed text in it with `charts.labels`."""
    margin = {"l": 10, "r": 10, "t": 44, "b": 10, **layout.get("margin", {})}
    full = {
        "title": theme.title(title),
        "height": height,
        "showlegend": False,
        "uirevision": "keep",  # keep the learner's zoom while the chart redraws during training
        **theme.layout(),
        **{
            name: _with_axis_defaults(name, value) if AXIS_NAME.fullmatch(name) else value
            for name, value in layout.items()
        },
        "margin": {side: math.ceil(px) for side, px in margin.items()} | {"pad": 8},
    }
    full["datarevision"] = hashlib.sha1(json.dumps([data, full], sort_keys=True).encode()).hexdigest()
    figure = go.Figure(data=data, layout=full)
    figure.layout.template = None  # Plotly would otherwise embed its default template
    return figure


def carries_own_look(figure: go.Figure) -> bool:
    """Whether ``figure`` was built by `assemble`, so Streamlit's theme must stay off for it.

    Only `assemble` sets a ``datarevision``; the other builders rely on Streamlit's theme.
    """
    return figure.layout.datarevision is not None


def toolbar_config(file_name: str, always_shown: bool = True) -> dict[str, Any]:
    """Plotly's toolbar for every chart: no logo, no lasso or box selection (the charts select
    nothing), no zoom buttons, and a PNG download named after the figure. It is always shown, so learners find the
    download, except over charts too narrow to hold it beside their title: those show it on hover."""
    return {
        "displayModeBar": True if always_shown else "hover",
        "displaylogo": False,
        # Zoom in/out and autoscale repeat what dragging and Reset do; without them the toolbar
        # leaves room for a half-width chart's title beside it.
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "zoomIn2d", "zoomOut2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": file_name, "scale": 2},
    }


def _with_axis_defaults(name: str, axis: dict[str, Any]) -> dict[str, Any]:
    defaults = axis_defaults(name)
    merged = {**defaults, **axis}
    if axis.get("title", {}) is not None:  # a title of None means no title at all
        merged["title"] = {**defaults["title"], **axis.get("title", {})}
    return merged


def top_title(text: str, size: int = 14) -> dict[str, Any]:
    """A title at the very top of a figure that takes Streamlit's theme, clear of what sits above
    the plot under it (subplot titles, a legend): Plotly centres a title in the top margin, where
    a two-line subplot title or a legend wrapped on a phone reached it."""
    return dict(text=text, font=dict(size=size), y=1, yref="container", yanchor="top", pad=dict(t=12))


def char_axis(labels: list[str], **extra: Any) -> dict[str, Any]:
    """An axis of numeric positions labelled with (already escaped) characters."""
    return dict(
        tickvals=list(range(len(labels))),
        ticktext=labels,
        showgrid=False,
        tickfont=dict(family=MONOSPACE, size=13),
        **extra,
    )


CHAR_TICK_PX = 12  # one monospace character and a gap
STEP_TICK_PX = 30  # "t=63" in subscript and a gap


def step_axis(input_chars: list[str], plot_px: float, **extra: Any) -> dict[str, Any]:
    """A time-step axis whose labels never overlap in a plot about ``plot_px`` wide.

    Labels stay horizontal. Every step shows its character while characters fit, and every
    few steps their number (`charts.labels.numbered_steps`); when even characters would touch,
    only every few steps is labelled (hover names every step)."""
    steps = len(input_chars)
    shown = numbered_steps(steps, plot_px, STEP_TICK_PX)
    labels = step_labels(input_chars, numbered=shown)
    if plot_px / max(steps, 1) >= CHAR_TICK_PX:
        return char_axis(labels, tickangle=0, **extra)
    return dict(
        tickvals=shown,
        ticktext=[labels[t] for t in shown],
        showgrid=False,
        tickangle=0,
        tickfont=dict(family=MONOSPACE, size=13),
        **extra,
    )


# Where a point's label may go, nearest first, as Plotly's textposition and as the label box's
# corner offset from the marker's centre in label widths and heights (screen y runs down).
LABEL_PLACES = {
    "top center": (-0.5, -1.0),
    "bottom center": (-0.5, 0.0),
    "middle right": (0.0, -0.5),
    "middle left": (-1.0, -0.5),
    "top right": (0.0, -1.0),
    "top left": (-1.0, -1.0),
    "bottom right": (0.0, 0.0),
    "bottom left": (-1.0, 0.0),
}
LABEL_PAD_PX = 3  # around a label's box: Plotly's own offset from the marker, and a gap


def placed_labels(
    points: list[tuple[float, float]],
    labels: list[str],
    ranges: tuple[tuple[float, float], tuple[float, float]],
    plot_px: tuple[float, float],
    font_px: float,
    marker_px: list[float],
) -> tuple[list[str], list[str]]:
    """Point labels that stay apart and off other points' markers: each point in turn gets the
    first place around its marker (`LABEL_PLACES`) where its label, in a plot about ``plot_px``
    (width, height) over the axis ``ranges``, covers no label placed before, no other marker
    and stays inside the plot; a label with no such place is left out (hover still names its
    point). Returns the labels to draw (blank where left out) and each one's textposition."""
    (x0, x1), (y0, y1) = ranges
    width, height = plot_px

    def centre(x: float, y: float) -> tuple[float, float]:
        return (x - x0) / (x1 - x0 or 1) * width, (y1 - y) / (y1 - y0 or 1) * height

    centres = [centre(x, y) for x, y in points]
    markers = [(cx - r, cy - r, cx + r, cy + r) for (cx, cy), r in zip(centres, (px / 2 for px in marker_px))]
    placed: list[tuple[float, float, float, float]] = []
    texts, places = [], []
    for index, ((cx, cy), label) in enumerate(zip(centres, labels)):
        box_w = label_chars([label]) * font_px * 0.65 + 2 * LABEL_PAD_PX
        box_h = font_px * 1.25 + 2 * LABEL_PAD_PX
        reach = marker_px[index] / 2
        for place, (dx, dy) in LABEL_PLACES.items():
            # The box sits just off the marker's edge on the place's side (centred on the others).
            left = cx + dx * box_w + (reach if dx == 0 else -reach if dx == -1 else 0)
            top = cy + dy * box_h + (reach if dy == 0 else -reach if dy == -1 else 0)
            box = (left, top, left + box_w, top + box_h)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            others = [m for k, m in enumerate(markers) if k != index]
            if inside and not any(_touch(box, other) for other in placed + others):
                placed.append(box)
                texts.append(label)
                places.append(place)
                break
        else:
            texts.append("")
            places.append("top center")
    return texts, places


def _touch(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


ROWS_PX = 720  # the most a heatmap's rows may take: 256 units of 26 px were a 6,800 px chart
ROW_LABEL_PX = 18  # one 12 px row label: its box is about 17 px tall


def row_px(rows: int, preferred: float) -> float:
    """Pixels per heatmap row: ``preferred`` while the rows fit `ROWS_PX`, thinner beyond (down to
    a line of colour; hover names every row), so the largest model stays a chart, not a page."""
    return max(0.4, min(preferred, ROWS_PX / max(rows, 1)))


def row_ticks(labels: list[str], px: float, label_px: float = ROW_LABEL_PX) -> dict[str, Any]:
    """Tick labels for rows (or columns) ``px`` apart: every one's while labels ``label_px`` long
    fit, else every few ones' (hover still names each)."""
    stride = max(1, math.ceil(label_px / max(px, 0.1)))
    return dict(tickvals=labels[::stride], ticktext=labels[::stride])


def outline(x: float, y: float, xref: str = "x", yref: str = "y") -> dict[str, Any]:
    """A heavy box around one heatmap cell."""
    return dict(
        type="rect",
        xref=xref,
        yref=yref,
        x0=x - 0.5,
        x1=x + 0.5,
        y0=y - 0.5,
        y1=y + 0.5,
        line=dict(color=OUTLINE_COLOUR, width=3),
    )


def annotated_heatmap(
    values: torch.Tensor,
    x: list[str],
    y: list[str],
    digits: int = 2,
    legend: str | None = None,
    numbers: bool = True,
) -> go.Heatmap:
    """A heatmap of a small tensor on the one diverging scale, each value written in its cell
    (left blank when large, or when ``numbers`` is False: cells too narrow for them). ``legend``
    titles the scale's colour bar; None hides it (a page whose small matrices sit side by side
    shows the legend once)."""
    text_values = values.tolist()
    show_text = numbers and values.numel() <= 400
    bound = symmetric_bound(values.abs().max().item() if values.numel() else 0.0)
    return go.Heatmap(
        z=text_values,
        x=x,
        y=y,
        colorscale=DIVERGING,
        zmin=-bound,
        zmax=bound,
        text=[[f"{v:.{digits}f}" for v in row] for row in text_values] if show_text else None,
        texttemplate="%{text}" if show_text else None,
        textfont=dict(size=10),
        hovertemplate="%{y}, %{x}: %{z:.4f}<extra></extra>",
        showscale=legend is not None,
        colorbar=diverging_colorbar(legend or "", bound, len=0.9),
    )


def epoch_animation_controls(epochs: list[int], active: int, slider_x: float) -> dict[str, Any]:
    """Layout entries for a figure with one animation frame per epoch (frames named by epoch):
    Play / Pause buttons bottom left, and an epoch slider from ``slider_x`` to the right edge.

    The buttons say their names in plain letters: a ⏸ glyph is missing from many system fonts
    (headless Chromium on Debian drew it as an empty box), and the figure's font has none."""
    return dict(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                showactive=False,
                x=0,
                y=-0.2,
                xanchor="left",
                yanchor="top",
                pad=dict(t=0, r=10),
                buttons=[
                    dict(
                        label="Play",
                        method="animate",
                        args=[
                            None,
                            dict(frame=dict(duration=150, redraw=True), fromcurrent=False, transition=dict(duration=0)),
                        ],
                    ),
                    dict(
                        label="Pause", method="animate", args=[[None], dict(frame=dict(duration=0), mode="immediate")]
                    ),
                ],
            )
        ],
        sliders=[
            dict(
                active=active,
                currentvalue=dict(prefix="epoch "),
                x=slider_x,
                len=1 - slider_x,
                y=-0.12,
                steps=[
                    dict(
                        label=str(epoch),
                        method="animate",
                        args=[[str(epoch)], dict(mode="immediate", frame=dict(duration=0, redraw=True))],
                    )
                    for epoch in epochs
                ],
            )
        ],
    )
