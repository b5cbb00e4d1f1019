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
    with the clipping threshold as a dotted line, named in the legend, when clipping is on."""
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
        # Named in the legend: add_hline's own label went to 10^threshold (an annotation's y on a
        # log axis is a log10) and stretched the axis to reach it; on the line, it sat on the
        # clipped norms' markers.
        line = dict(color=WRONG_COLOUR, dash="dot")
        figure.add_hline(y=max_norm, line=line)
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=line, name=f"clip_grad_norm = {max_norm:g}"))
    figure.update_xaxes(title="epoch")
    shown = [*before, *after, *([max_norm] if max_norm > 0 else [])]
    # Plotly's default log ticks label the 2s to 9s between powers of ten by their first digit,
    # which crowd each other and read out of order ("2, 1, 5, 2").
    figure.update_yaxes(title="‖gradient of all weights‖", type="log", **log_axis_ticks(shown))
    figure.update_layout(
        height=380,
        # The legend in a bottom margin of its own, under the axis title: above the plot, wrapped
        # on a phone's width, it reached the title.
        margin=dict(l=10, r=10, t=50, b=120),
        legend=dict(orientation="h", x=0, xanchor="left", yref="container", y=0, yanchor="bottom"),
        title=top_title("Gradient norm of each update"),
    )
    return figure
