"""The gradient norm of each epoch's update, before and after clipping (Gradient flow page)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from charts.loss import log_axis_ticks
from charts.plotly_figure import top_title
from charts.theme import SERIES_COLOURS, WRONG_COLOUR


def gradient_norm_figure(
    epochs: Sequence[int], before: Sequence[float], after: Sequence[float], max_norm: float
) -> go.Figure:
    """Both norms per epoch on a log axis (an exploding gradient grows by orders of magnitude),
    with the clipping threshold as a dashed line when clipping is on."""
    figure = go.Figure(
        [
            go.Scatter(
                x=list(epochs),
                y=list(before),
                name="before clipping",
                mode="lines+markers",
                line=dict(color=SERIES_COLOURS[1]),
                hovertemplate="epoch %{x}: ‖g‖ = %{y:.3g}<extra>before</extra>",
            ),
            go.Scatter(
                x=list(epochs),
                y=list(after),
                name="after clipping (what the update used)",
                mode="lines+markers",
                line=dict(color=SERIES_COLOURS[0], dash="dash"),
                hovertemplate="epoch %{x}: ‖g‖ = %{y:.3g}<extra>after</extra>",
            ),
        ]
    )
    if max_norm > 0:
        figure.add_hline(
            y=max_norm,
            line=dict(color=WRONG_COLOUR, dash="dot"),
            annotation_text=f"clip_grad_norm = {max_norm:g}",
            annotation_position="top left",
        )
    figure.update_xaxes(title="epoch")
    shown = [*before, *after, *([max_norm] if max_norm > 0 else [])]
    # Plotly's default log ticks label the 2s to 9s between powers of ten by their first digit,
    # which crowd each other and read out of order ("2, 1, 5, 2").
    figure.update_yaxes(title="‖gradient of all weights‖", type="log", **log_axis_ticks(shown))
    figure.update_layout(
        height=340,
        margin=dict(l=10, r=10, t=80, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        title=top_title("Gradient norm of each update"),
    )
    return figure
