"""Plotly figures of the Embeddings page: each character's input vector, and its drift while training."""

from __future__ import annotations

import plotly.graph_objects as go
import torch

from charts.labels import char_label
from charts.plotly_figure import annotated_heatmap, epoch_animation_controls, placed_labels
from playground.probes.projection import DriftFrames

DRIFT_PLOT_PX = (745, 336)  # the drift chart's plotting area across the page at 1280 px (Chromium, measured)
LABEL_FONT_PX = 16
MARKER_PX = 12


def encoding_heatmap(matrix: torch.Tensor, chars: tuple[str, ...], epoch: int) -> go.Figure:
    """(vocab, features): one row per character."""
    figure = go.Figure(
        annotated_heatmap(
            matrix.detach(),
            [f"dim {k}" for k in range(matrix.shape[1])],
            [char_label(c) for c in chars],
            legend="value",
        )
    )
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_layout(
        height=120 + 30 * len(chars),
        margin=dict(l=10, r=10, t=50, b=10),
        title=dict(text=f"Each character's input vector at epoch {epoch}", font=dict(size=14)),
    )
    return figure


def drift_animation(drift: DriftFrames, chars: tuple[str, ...], width_share: float = 1.0) -> go.Figure:
    """Characters as points on two fixed principal axes, one frame per recorded epoch; each
    frame's labels placed apart (`charts.plotly_figure.placed_labels`), so none covers another
    character or its point. ``width_share`` is the share of its 1280 px width the chart is drawn
    at (a phone's is smaller)."""
    points = drift.points
    low = points.amin(dim=(0, 1)).tolist()
    high = points.amax(dim=(0, 1)).tolist()
    pad = [max(0.1, 0.1 * (top - bottom)) for bottom, top in zip(low, high)]
    ranges = ((low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1]))
    labels = [char_label(c) for c in chars]
    plot_px = (DRIFT_PLOT_PX[0] * width_share, DRIFT_PLOT_PX[1])

    def scatter(frame: int) -> go.Scatter:
        xs, ys = points[frame, :, 0].tolist(), points[frame, :, 1].tolist()
        text, places = placed_labels(
            list(zip(xs, ys)), labels, ranges, plot_px, LABEL_FONT_PX, [MARKER_PX] * len(chars)
        )
        return go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=text,
            textposition=places,
            customdata=labels,
            textfont=dict(size=LABEL_FONT_PX),
            marker=dict(size=MARKER_PX, color=list(range(len(chars))), colorscale="Turbo"),
            hovertemplate="%{customdata}: (%{x:.3f}, %{y:.3f})<extra></extra>",
        )

    frames = [go.Frame(data=[scatter(k)], name=str(epoch)) for k, epoch in enumerate(drift.epochs)]
    last = len(drift.epochs) - 1
    figure = go.Figure(data=[scatter(last)], frames=frames)
    share = drift.projection.explained
    figure.update_xaxes(
        range=list(ranges[0]),
        zeroline=True,
        title=f"PC 1 ({share[0]:.0%} of the last epoch's variance)",
    )
    figure.update_yaxes(range=list(ranges[1]), zeroline=True, title=f"PC 2 ({share[1]:.0%})")
    figure.update_layout(
        height=520,
        margin=dict(l=10, r=10, t=40, b=10),
        showlegend=False,
        title=dict(text="Characters on the last epoch's two principal axes", font=dict(size=14)),
        **epoch_animation_controls(list(drift.epochs), last, slider_x=0.34),
    )
    figure.update_layout(margin=dict(b=110))
    return figure
