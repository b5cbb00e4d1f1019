"""The Gradient flow page's figures: the gradient reaching each hidden state, and the runs' losses."""

from __future__ import annotations

import plotly.graph_objects as go
import torch

from charts.labels import char_label, step_name
from charts.loss import LossRun, log_axis_ticks, loss_figure
from charts.plotly_figure import step_axis
from charts.theme import LIGHT, ChartTheme
from playground.nn.cells import CELLS

FLOW_PLOT_PX = 700  # the plotting width of a full-width chart at 1280 px, about


def gradient_flow_figure(curves: dict[str, torch.Tensor], epochs: dict[str, int], chars: tuple[str, ...]) -> go.Figure:
    """‖∂L/∂h_t‖ against t for each cell, log y axis."""
    figure = go.Figure()
    steps = [f"{step_name(t)} ({char_label(c)})" for t, c in enumerate(chars)]
    for cell, curve in curves.items():
        figure.add_trace(
            go.Scatter(
                x=list(range(len(curve))),
                y=curve.tolist(),
                mode="lines+markers",
                name=f"{CELLS[cell].short} (epoch {epochs[cell]})",
                line=dict(color=CELLS[cell].colour, width=2),
                customdata=steps,
                hovertemplate="%{customdata}: %{y:.2e}<extra>" + CELLS[cell].short + "</extra>",
            )
        )
    values = [value for curve in curves.values() for value in curve.tolist()]
    figure.update_yaxes(type="log", title="‖∂L/∂hₜ‖ (log scale)", **log_axis_ticks(values))
    figure.update_xaxes(**step_axis(list(chars), FLOW_PLOT_PX, title="time step t (input character)"))
    figure.update_layout(
        height=430,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", y=1.08, x=0),
        title=dict(text="Gradient reaching each hidden state", font=dict(size=14), y=0.98),
    )
    return figure


def cells_loss_figure(
    losses: dict[str, list[float]],
    solved: dict[str, int | None],
    total_epochs: int | None = None,
    theme: ChartTheme = LIGHT,
) -> go.Figure:
    """Each cell's loss per epoch on a log axis, in the cell's colour, a star where it solved the task."""
    runs = [LossRun(values, solved[cell], CELLS[cell].short, CELLS[cell].colour) for cell, values in losses.items()]
    return loss_figure(runs, log_scale=True, total_epochs=total_epochs, title="Loss per epoch", height=300, theme=theme)
