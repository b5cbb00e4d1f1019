"""The class overlay: every student's loss curve on one chart, for the teacher's dashboard.

One thin line per student (their latest saved run, its curve thinned by the class store), named in
its hover label and at its end, on a log loss axis so that a class whose students are orders of
magnitude apart stays readable; the solving epoch of a solved run is a dot on its line. No legend:
thirty names would bury the chart, and the table above it names each student's numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from charts.labels import text_label
from charts.loss import log_axis_ticks
from charts.plotly_figure import assemble
from charts.theme import LIGHT, SERIES_COLOURS, ChartTheme


@dataclass(frozen=True)
class StudentCurve:
    """A student's name, their run's ``(epoch, loss)`` points and the epoch that solved it (if any)."""

    name: str
    points: Sequence[tuple[int, float]]
    solved_epoch: int | None = None


def class_loss_figure(curves: Sequence[StudentCurve], height: int = 360, theme: ChartTheme = LIGHT) -> go.Figure:
    """Loss against epoch, one thin line per student with a curve, on a log axis."""
    data: list[dict[str, Any]] = []
    for index, curve in enumerate(curve for curve in curves if curve.points):
        name = text_label(curve.name)
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        epochs, losses = [epoch for epoch, _ in curve.points], [loss for _, loss in curve.points]
        data.append(
            dict(
                type="scatter",
                x=epochs,
                y=losses,
                mode="lines",
                name=name,
                line=dict(color=colour, width=1.2),
                opacity=0.8,
                hovertemplate=f"{name}<br>epoch %{{x}}<br>loss %{{y:.4f}}<extra></extra>",
            )
        )
        data.append(  # the name at the line's end: no legend to match colours against
            dict(
                type="scatter",
                x=epochs[-1:],
                y=losses[-1:],
                mode="text",
                text=[name],
                textposition="top left",
                textfont=dict(color=colour, size=11),
                hoverinfo="skip",
            )
        )
        solved = [loss for epoch, loss in curve.points if epoch == curve.solved_epoch]
        if solved:
            data.append(
                dict(
                    type="scatter",
                    x=[curve.solved_epoch],
                    y=solved[:1],
                    mode="markers",
                    marker=dict(color=colour, size=7),
                    hovertemplate=f"{name} solved it<br>epoch %{{x}}<extra></extra>",
                )
            )
    losses = [loss for curve in curves for _, loss in curve.points]
    layout = {
        "xaxis": dict(title=dict(text="epoch")),
        "yaxis": dict(title=dict(text="loss (log scale)"), type="log", **log_axis_ticks(losses)),
        "margin": {"l": 70},
    }
    return assemble(data, layout, "Loss of each student's latest run", height, theme)
