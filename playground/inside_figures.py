"""Plotly figures for the "Look inside" pages: shapes, cell equations, embeddings, gradients.

Builders take tensors already computed elsewhere and only draw them, so every number a
figure shows is one a test has checked.
"""

from __future__ import annotations

import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from .projection import DriftFrames
from .shapes import ShapeSpec

DIRECTION_COLOURS = ("#1f77b4", "#d62728")
CELL_COLOURS = {"rnn": "#d62728", "lstm": "#1f77b4", "gru": "#2ca02c", "rnncell": "#9467bd"}
DIVERGING = "RdBu_r"


def unrolled_diagram(spec: ShapeSpec) -> go.Figure:
    """Boxes for every (layer, direction, time step), arrows for what feeds what."""
    directions = spec.num_directions
    rows = spec.layers * directions
    figure = go.Figure()
    name = {"rnncell": "RNNCell", "rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}[spec.module]

    def y_of(layer: int, direction: int) -> float:
        return 1 + layer * directions + direction

    annotations: list[dict] = []
    arrows: dict[str, tuple[list, list, list]] = {}  # colour -> x, y, marker sizes (one trace each: fast)

    def arrow(x0: float, y0: float, x1: float, y1: float, colour: str) -> None:
        xs_, ys_, sizes = arrows.setdefault(colour, ([], [], []))
        xs_ += [x0, x1, None]
        ys_ += [y0, y1, None]
        sizes += [0, 11, 0]

    xs, ys, labels, colours = [], [], [], []
    for layer in range(spec.layers):
        for direction in range(directions):
            y = y_of(layer, direction)
            colour = DIRECTION_COLOURS[direction]
            for t in range(spec.seq_len):
                xs.append(t)
                ys.append(y)
                labels.append(f"{name}<br>l{layer}{'←' if direction else '→'}")
                colours.append(colour)
            steps = range(spec.seq_len - 1, 0, -1) if direction else range(spec.seq_len - 1)
            offset = -0.28 if direction else 0.28  # the backward direction points left
            for t in steps:
                arrow(t + offset, y, t + (-1 if direction else 1) - offset, y, colour)
            start = spec.seq_len - 0.4 if direction else -0.6
            annotations.append(dict(x=start, y=y, text="h₀", showarrow=False, font=dict(color=colour)))
            # every direction of a layer feeds every direction of the layer above
            if layer + 1 < spec.layers:
                for above in range(directions):
                    for t in range(spec.seq_len):
                        arrow(t, y + 0.25, t, y_of(layer + 1, above) - 0.25, "#999")
    for t in range(spec.seq_len):
        for direction in range(directions):
            arrow(t, -0.05, t, y_of(0, direction) - 0.25, "#999")
        arrow(t, rows + 0.25, t, rows + 0.75, "#555")
    for colour, (arrow_x, arrow_y, sizes) in arrows.items():
        figure.add_trace(go.Scatter(
            x=arrow_x, y=arrow_y, mode="lines+markers", line=dict(color=colour, width=1.5),
            marker=dict(symbol="arrow", angleref="previous", size=sizes, color=colour),
            hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers+text", text=labels, textfont=dict(size=10, color="white"),
        marker=dict(symbol="square", size=44, color=colours), hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Scatter(
        x=list(range(spec.seq_len)), y=[-0.35] * spec.seq_len, mode="text",
        text=[f"x<sub>{t}</sub>" for t in range(spec.seq_len)], showlegend=False, hoverinfo="skip"))
    figure.add_trace(go.Scatter(
        x=list(range(spec.seq_len)), y=[rows + 1.05] * spec.seq_len, mode="text",
        text=[f"output[{t}]" for t in range(spec.seq_len)], showlegend=False, hoverinfo="skip"))
    figure.update_xaxes(visible=False, range=[-1, spec.seq_len])
    figure.update_yaxes(visible=False, range=[-0.8, rows + 1.4])
    figure.update_layout(
        annotations=annotations,
        height=110 + 75 * rows, margin=dict(l=10, r=10, t=30, b=10), plot_bgcolor="white",
        title=dict(text=f"Unrolled: {spec.layers} layer(s) × {directions} direction(s) × {spec.seq_len} steps",
                   font=dict(size=14)),
    )
    return figure


def _annotated_heatmap(values: torch.Tensor, x: list[str], y: list[str], digits: int = 2,
                       zmid: float | None = 0.0, colorscale: str = DIVERGING) -> go.Heatmap:
    text_values = values.tolist()
    show_text = values.numel() <= 400
    return go.Heatmap(
        z=text_values, x=x, y=y, colorscale=colorscale, zmid=zmid,
        text=[[f"{v:.{digits}f}" for v in row] for row in text_values] if show_text else None,
        texttemplate="%{text}" if show_text else None, textfont=dict(size=10),
        hovertemplate="%{y}, %{x}: %{z:.4f}<extra></extra>", showscale=False,
    )


def terms_figure(labels: list[str], columns: list[torch.Tensor], title: str) -> go.Figure:
    """Each term of the equation as one column of a heatmap, one row per hidden unit."""
    values = torch.stack(columns, dim=1)
    units = [f"unit {k}" for k in range(values.shape[0])]
    figure = go.Figure(_annotated_heatmap(values, labels, units, digits=3))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(side="top", tickangle=0 if len(labels) <= 6 else -30)
    figure.update_layout(height=140 + 26 * len(units), margin=dict(l=10, r=10, t=80, b=10),
                         title=dict(text=title, font=dict(size=14), y=0.99))
    return figure


def matrix_figure(matrix: torch.Tensor, title: str, x: list[str] | None = None,
                  y: list[str] | None = None) -> go.Figure:
    """A small annotated heatmap of a weight matrix or vector."""
    matrix = matrix.detach()
    if matrix.dim() == 1:
        matrix = matrix.unsqueeze(1)
    x = x or [str(k) for k in range(matrix.shape[1])]
    y = y or [str(k) for k in range(matrix.shape[0])]
    figure = go.Figure(_annotated_heatmap(matrix, x, y))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(type="category", side="top")
    figure.update_layout(height=110 + 22 * matrix.shape[0], margin=dict(l=10, r=10, t=60, b=10),
                         title=dict(text=title, font=dict(size=13), y=0.98))
    return figure


def sequence_heatmaps(panels: dict[str, torch.Tensor], chars: tuple[str, ...], step: int | None = None,
                      title: str = "") -> go.Figure:
    """Time × unit heatmaps side by side (gates over the whole sequence); marks ``step``."""
    names = list(panels)
    figure = make_subplots(rows=1, cols=len(names), subplot_titles=names, horizontal_spacing=0.04)
    times = [f"{t}:{c}" for t, c in enumerate(chars)]
    for col, name in enumerate(names, start=1):
        values = panels[name].detach()
        bounded = name in ("i", "f", "o", "r", "z")  # sigmoid gates live in [0, 1]
        reach = 1.0 if bounded else max(1.0, values.abs().max().item())  # c_t can leave [-1, 1]
        figure.add_trace(go.Heatmap(
            z=values.T.tolist(), x=times, y=[f"unit {k}" for k in range(values.shape[1])],
            colorscale="Viridis" if bounded else DIVERGING, zmin=0 if bounded else -reach, zmax=reach,
            showscale=not bounded and col == len(names), hovertemplate="t=%{x}, %{y}: %{z:.3f}<extra>" + name + "</extra>",
            colorbar=dict(len=0.9, thickness=12)), row=1, col=col)
        if step is not None:
            figure.add_vrect(x0=step - 0.5, x1=step + 0.5, line=dict(color="black", width=2), row=1, col=col)
        figure.update_yaxes(autorange="reversed", showticklabels=col == 1, row=1, col=col)
    units = next(iter(panels.values())).shape[1]
    figure.update_layout(height=120 + 18 * units, margin=dict(l=10, r=10, t=60, b=10),
                         title=dict(text=title, font=dict(size=14)))
    return figure


def encoding_heatmap(matrix: torch.Tensor, chars: tuple[str, ...], epoch: int) -> go.Figure:
    """(vocab, features): one row per character."""
    figure = go.Figure(_annotated_heatmap(
        matrix.detach(), [f"dim {k}" for k in range(matrix.shape[1])], [repr(c) for c in chars]))
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_layout(height=120 + 30 * len(chars), margin=dict(l=10, r=10, t=50, b=10),
                         title=dict(text=f"Each character's input vector at epoch {epoch}", font=dict(size=14)))
    return figure


def drift_animation(drift: DriftFrames, chars: tuple[str, ...]) -> go.Figure:
    """Characters as points on two fixed principal axes, one frame per recorded epoch."""
    points = drift.points
    low = points.amin(dim=(0, 1)).tolist()
    high = points.amax(dim=(0, 1)).tolist()
    pad = [max(0.1, 0.1 * (h - l)) for l, h in zip(low, high)]
    labels = [repr(c)[1:-1] or " " for c in chars]

    def scatter(frame: int) -> go.Scatter:
        return go.Scatter(
            x=points[frame, :, 0].tolist(), y=points[frame, :, 1].tolist(), mode="markers+text",
            text=labels, textposition="top center", textfont=dict(size=16),
            marker=dict(size=12, color=list(range(len(chars))), colorscale="Turbo"),
            hovertemplate="%{text}: (%{x:.3f}, %{y:.3f})<extra></extra>")

    frames = [go.Frame(data=[scatter(k)], name=str(epoch)) for k, epoch in enumerate(drift.epochs)]
    last = len(drift.epochs) - 1
    figure = go.Figure(data=[scatter(last)], frames=frames)
    share = drift.projection.explained
    figure.update_xaxes(range=[low[0] - pad[0], high[0] + pad[0]], zeroline=True,
                        title=f"PC 1 ({share[0]:.0%} of the last epoch's variance)")
    figure.update_yaxes(range=[low[1] - pad[1], high[1] + pad[1]], zeroline=True,
                        title=f"PC 2 ({share[1]:.0%})")
    figure.update_layout(
        height=520, margin=dict(l=10, r=10, t=40, b=10), showlegend=False,
        title=dict(text="Characters on the last epoch's two principal axes", font=dict(size=14)),
        updatemenus=[dict(type="buttons", direction="left", showactive=False, x=0, y=-0.2, xanchor="left",
                          yanchor="top", pad=dict(t=0, r=10),
                          buttons=[dict(label="▶ Play", method="animate",
                                        args=[None, dict(frame=dict(duration=150, redraw=True),
                                                         fromcurrent=False, transition=dict(duration=0))]),
                                   dict(label="⏸ Pause", method="animate",
                                        args=[[None], dict(frame=dict(duration=0), mode="immediate")])])],
        sliders=[dict(active=last, currentvalue=dict(prefix="epoch "), x=0.34, len=0.66, y=-0.12,
                      steps=[dict(label=str(epoch), method="animate",
                                  args=[[str(epoch)], dict(mode="immediate", frame=dict(duration=0, redraw=True))])
                             for epoch in drift.epochs])],
    )
    figure.update_layout(margin=dict(b=110))
    return figure


def gradient_flow_figure(curves: dict[str, torch.Tensor], epochs: dict[str, int],
                         chars: tuple[str, ...]) -> go.Figure:
    """‖∂L/∂h_t‖ against t for each cell, log y axis."""
    figure = go.Figure()
    steps = [f"{t}:{c}" for t, c in enumerate(chars)]
    for cell, curve in curves.items():
        figure.add_trace(go.Scatter(
            x=list(range(len(curve))), y=curve.tolist(), mode="lines+markers",
            name=f"{cell.upper()} (epoch {epochs[cell]})", line=dict(color=CELL_COLOURS[cell], width=2),
            customdata=steps, hovertemplate="t=%{customdata}: %{y:.2e}<extra>" + cell.upper() + "</extra>"))
    figure.update_yaxes(type="log", title="‖∂L/∂hₜ‖ (log scale)", exponentformat="power")
    figure.update_xaxes(title="time step t (input character)", tickmode="array",
                        tickvals=list(range(len(chars))), ticktext=steps)
    figure.update_layout(height=430, margin=dict(l=10, r=10, t=40, b=10),
                         legend=dict(orientation="h", y=1.08, x=0),
                         title=dict(text="Gradient reaching each hidden state", font=dict(size=14), y=0.98))
    return figure


def loss_curves_figure(losses: dict[str, list[float]]) -> go.Figure:
    figure = go.Figure()
    for cell, values in losses.items():
        figure.add_trace(go.Scatter(x=list(range(1, len(values) + 1)), y=values, mode="lines",
                                    name=cell.upper(), line=dict(color=CELL_COLOURS[cell])))
    figure.update_yaxes(type="log", title="loss")
    figure.update_xaxes(title="epoch")
    figure.update_layout(height=300, margin=dict(l=10, r=10, t=30, b=10),
                         legend=dict(orientation="h", y=1.12, x=0))
    return figure
