"""The Shapes page's picture: a recurrent module unrolled over time, box by box."""

from __future__ import annotations

import plotly.graph_objects as go

from playground.nn.cells import CELLS
from playground.probes.shapes import ShapeSpec

DIRECTION_COLOURS = ("#1f77b4", "#d62728")
STAGGER_FROM = 6  # steps; more, and the output labels alternate between two heights


def unrolled_diagram(spec: ShapeSpec) -> go.Figure:
    """Boxes for every (layer, direction, time step), arrows for what feeds what."""
    directions = spec.num_directions
    rows = spec.layers * directions
    figure = go.Figure()
    name = CELLS[spec.module].short

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
        figure.add_trace(
            go.Scatter(
                x=arrow_x,
                y=arrow_y,
                mode="lines+markers",
                line=dict(color=colour, width=1.5),
                marker=dict(symbol="arrow", angleref="previous", size=sizes, color=colour),
                hoverinfo="skip",
                showlegend=False,
            )
        )
    figure.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=labels,
            textfont=dict(size=10, color="white"),
            marker=dict(symbol="square", size=44, color=colours),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    figure.add_trace(
        go.Scatter(
            x=list(range(spec.seq_len)),
            y=[-0.35] * spec.seq_len,
            mode="text",
            text=[f"x<sub>{t}</sub>" for t in range(spec.seq_len)],
            showlegend=False,
            hoverinfo="skip",
        )
    )
    staggered = spec.seq_len > STAGGER_FROM  # "output[10]" is wider than a step: alternate two heights
    figure.add_trace(
        go.Scatter(
            x=list(range(spec.seq_len)),
            y=[rows + (1.35 if staggered and t % 2 else 1.0) for t in range(spec.seq_len)],
            mode="text",
            text=[f"output[{t}]" for t in range(spec.seq_len)],
            showlegend=False,
            hoverinfo="skip",
        )
    )
    figure.update_xaxes(visible=False, range=[-1, spec.seq_len])
    figure.update_yaxes(visible=False, range=[-0.8, rows + (1.7 if staggered else 1.4)])
    figure.update_layout(
        annotations=annotations,
        height=110 + 75 * rows,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        title=dict(
            text=f"Unrolled: {spec.layers} layer(s) × {directions} direction(s) × {spec.seq_len} steps",
            font=dict(size=14),
        ),
    )
    return figure
