"""Plotly figures of the Inside-the-cell page: one step's terms, its weights, the gates over time.

Builders take tensors already computed elsewhere and only draw them, so every number a
figure shows is one a test has checked. Titles are plain text (they may quote a typed
character) and are escaped here.
"""

from __future__ import annotations

import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from charts.labels import char_label, step_name, text_label
from charts.plotly_figure import TEXT_PX, annotated_heatmap, row_px, row_ticks, step_axis, top_title
from charts.theme import DIVERGING, GATE, diverging_colorbar, symmetric_bound

INSIDE_PLOT_PX = 560  # the plotting width of a full-width chart on a wide page at 1280 px, about
MATRIX_PLOT_PX = 180  # the plotting width of a weight matrix in its three-eighths of that page, about
TERM_NUMBER_PX = 30  # a cell's width that holds "-0.419" at 10 px
TERM_HEAD_PX = 50  # a term's heading ("W_hi·h"), at 11 px, and a gap


def terms_figure(labels: list[str], columns: list[torch.Tensor], title: str, width_share: float = 1.0) -> go.Figure:
    """Each term of the equation as one column of a heatmap, one row per hidden unit. Drawn
    narrower than at 1280 px (``width_share`` below 1: a phone), cells too narrow for their
    numbers are left blank and only every few terms is headed (hover names each)."""
    values = torch.stack(columns, dim=1)
    units = [f"unit {k}" for k in range(values.shape[0])]
    # Horizontal labels, a sum broken before its "+": rotated, LSTM's sixteen terms overlapped.
    heads = [text_label(label).replace("+", "<br>+") for label in labels]
    cell_px = INSIDE_PLOT_PX * width_share / len(labels)
    numbers = cell_px >= TERM_NUMBER_PX
    figure = go.Figure(
        annotated_heatmap(values, list(range(len(labels))), units, digits=3, legend="value", numbers=numbers)
    )
    px = row_px(len(units), 26)
    figure.update_yaxes(autorange="reversed", **row_ticks(units, px))
    # At 1280 px every heading fits (tests/browser reads them); narrower, every few.
    headed = row_ticks(list(range(len(labels))), cell_px, TERM_HEAD_PX) if width_share < 1 else {}
    every = headed.get("tickvals", list(range(len(labels))))
    figure.update_xaxes(
        side="top", tickangle=0, tickvals=every, ticktext=[heads[k] for k in every], tickfont=dict(size=11)
    )
    figure.update_layout(
        height=140 + round(px * len(units)),
        margin=dict(l=10, r=10, t=80, b=10),
        title=top_title(text_label(title)),  # y=0.99 of a short chart put half the title above it
    )
    return figure


def matrix_figure(
    matrix: torch.Tensor, title: str, x: list[str] | None = None, y: list[str] | None = None
) -> go.Figure:
    """A small annotated heatmap of a weight matrix or vector."""
    matrix = matrix.detach()
    if matrix.dim() == 1:
        matrix = matrix.unsqueeze(1)
    x = x or [str(k) for k in range(matrix.shape[1])]
    y = y or [str(k) for k in range(matrix.shape[0])]
    figure = go.Figure(annotated_heatmap(matrix, x, y))
    px = row_px(matrix.shape[0], 22)
    figure.update_yaxes(autorange="reversed", type="category", **row_ticks(y, px))
    figure.update_xaxes(
        type="category", side="top", **row_ticks(x, MATRIX_PLOT_PX / len(x), TEXT_PX * max(map(len, x)) + 6)
    )
    figure.update_layout(
        height=110 + round(px * matrix.shape[0]),
        margin=dict(l=10, r=10, t=60, b=10),
        title=top_title(text_label(title), size=13),
    )
    return figure


def sequence_heatmaps(
    panels: dict[str, torch.Tensor],
    chars: tuple[str, ...],
    step: int | None = None,
    title: str = "",
    reach: dict[str, float] | None = None,
    width_share: float = 1.0,
) -> go.Figure:
    """Time × unit heatmaps side by side (gates over the whole sequence); marks ``step``.

    States use the one diverging scale, ±1 like Train's hidden states (wider only where a cell
    state leaves [−1, 1]); sigmoid gates, which live in [0, 1], use a sequential scale of their own.
    ``reach`` gives a panel's colour range where it must match another page's: Train colours a
    string's states over all its layers and directions, so one layer's panel alone would
    otherwise paint the same c in another shade. ``width_share`` is the share of its 1280 px width the
    chart is drawn at (a phone's is smaller): its step labels are spaced for it."""
    names = list(panels)
    figure = make_subplots(rows=1, cols=len(names), subplot_titles=names, horizontal_spacing=0.04)
    plot_px = INSIDE_PLOT_PX * width_share / len(names)
    hover = [f"{step_name(t)} ({char_label(c)})" for t, c in enumerate(chars)]
    for col, name in enumerate(names, start=1):
        values = panels[name].detach()
        bounded = name in ("i", "f", "o", "r", "z")  # sigmoid gates live in [0, 1]
        bound = 1.0 if bounded else (reach or {}).get(name, symmetric_bound(values.abs().max().item()))
        figure.add_trace(
            go.Heatmap(
                z=values.T.tolist(),
                x=list(range(len(chars))),
                y=[f"unit {k}" for k in range(values.shape[1])],
                customdata=[hover] * values.shape[1],
                colorscale=GATE if bounded else DIVERGING,
                zmin=0 if bounded else -bound,
                zmax=bound,
                showscale=name == "h",  # the legend of the states' scale; c's own range is said in the caption
                hovertemplate="%{customdata}, %{y}: %{z:.3f}<extra>" + name + "</extra>",
                colorbar=diverging_colorbar("h", bound, len=0.9),
            ),
            row=1,
            col=col,
        )
        if step is not None:
            figure.add_vrect(x0=step - 0.5, x1=step + 0.5, line=dict(color="black", width=2), row=1, col=col)
        figure.update_xaxes(**step_axis(list(chars), plot_px), row=1, col=col)
    units = [f"unit {k}" for k in range(next(iter(panels.values())).shape[1])]
    px = row_px(len(units), 18)
    figure.update_yaxes(autorange="reversed", **row_ticks(units, px))
    for col in range(1, len(names) + 1):
        figure.update_yaxes(showticklabels=col == 1, row=1, col=col)
    figure.update_layout(
        height=150 + round(px * len(units)),
        margin=dict(l=10, r=10, t=60, b=10),
        title=dict(text=text_label(title), font=dict(size=14)),
    )
    return figure
