"""The Shapes page's picture: a recurrent module unrolled over time, box by box."""

from __future__ import annotations

import plotly.graph_objects as go

from playground.nn.cells import CELLS
from playground.probes.shapes import ShapeSpec

DIRECTION_COLOURS = ("#1f77b4", "#d62728")
# The diagram's plotting width in its column of the Shapes page at 1280 px (Chromium, measured):
# boxes, their labels and the output labels are sized for the room a step gets of it.
DIAGRAM_PLOT_PX = 510
BOX_PX = 44  # a box's side, at most: a narrower step gets a smaller box, so boxes never touch
BOX_GAP_PX = 12  # between boxes, for the arrow from one to the next
BOX_FONT_PX = 10
ARROW_HEAD_PX = 8
OUTPUT_LABEL_PX = 66  # "output[11]" at 12 px, and a gap
OUTPUT_AT = 1.1  # the output labels' height above the top row, in rows
STAGGER = 0.5  # in rows: two heights of output labels, their text 16 px tall, a row 40 px or more


def unrolled_diagram(spec: ShapeSpec, width_share: float = 1.0) -> go.Figure:
    """Boxes for every (layer, direction, time step), arrows for what feeds what.
    ``width_share`` is the share of its 1280 px width the chart is drawn at (a phone's is
    smaller): boxes and labels are sized for it."""
    directions = spec.num_directions
    rows = spec.layers * directions
    figure = go.Figure()
    name = CELLS[spec.module].short

    def y_of(layer: int, direction: int) -> float:
        return 1 + layer * directions + direction

    step_px = DIAGRAM_PLOT_PX * width_share / (spec.seq_len + 1)
    box = min(BOX_PX, step_px - BOX_GAP_PX)
    named = box >= len(name) * BOX_FONT_PX * 0.55 + 4  # "RNNCell" overflows a small box: its title says it
    staggered = step_px < OUTPUT_LABEL_PX  # "output[10]" is wider than a step: alternate two heights
    top = rows + OUTPUT_AT + 0.3 + (STAGGER if staggered else 0)
    height = 110 + 75 * rows
    row_px = (height - 40) / (top + 0.8)  # the plot's height (less the margins) over the y range
    # Arrows run from box edge to box edge, in axis units, so no arrowhead hides under a box's label.
    edge_x, edge_y = (box / 2 + 1) / step_px, (box / 2 + 1) / row_px

    annotations: list[dict] = []
    arrows: dict[str, tuple[list, list, list]] = {}  # colour -> x, y, marker sizes (one trace each: fast)

    def arrow(x0: float, y0: float, x1: float, y1: float, colour: str) -> None:
        xs_, ys_, sizes = arrows.setdefault(colour, ([], [], []))
        xs_ += [x0, x1, None]
        ys_ += [y0, y1, None]
        sizes += [0, ARROW_HEAD_PX, 0]

    xs, ys, labels, colours = [], [], [], []
    for layer in range(spec.layers):
        for direction in range(directions):
            y = y_of(layer, direction)
            colour = DIRECTION_COLOURS[direction]
            for t in range(spec.seq_len):
                xs.append(t)
                ys.append(y)
                labels.append(f"{name + '<br>' if named else ''}l{layer}{'←' if direction else '→'}")
                colours.append(colour)
            steps = range(spec.seq_len - 1, 0, -1) if direction else range(spec.seq_len - 1)
            offset = -edge_x if direction else edge_x  # the backward direction points left
            for t in steps:
                arrow(t + offset, y, t + (-1 if direction else 1) - offset, y, colour)
            # h₀ just outside the first box of its direction (the last one, backward), whatever its size.
            annotations.append(
                dict(
                    x=spec.seq_len - 1 if direction else 0,
                    y=y,
                    xanchor="left" if direction else "right",
                    xshift=(box / 2 + 4) * (1 if direction else -1),
                    text="h₀",
                    showarrow=False,
                    font=dict(color=colour),
                )
            )
            # every direction of a layer feeds every direction of the layer above
            if layer + 1 < spec.layers:
                for above in range(directions):
                    for t in range(spec.seq_len):
                        arrow(t, y + edge_y, t, y_of(layer + 1, above) - edge_y, "#999")
    for t in range(spec.seq_len):
        for direction in range(directions):
            arrow(t, -0.05, t, y_of(0, direction) - edge_y, "#999")
        arrow(t, rows + edge_y, t, rows + OUTPUT_AT - 0.35, "#555")
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
            textfont=dict(size=BOX_FONT_PX, color="white"),
            marker=dict(symbol="square", size=box, color=colours),
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
    figure.add_trace(
        go.Scatter(
            x=list(range(spec.seq_len)),
            y=[rows + OUTPUT_AT + (STAGGER if staggered and t % 2 else 0) for t in range(spec.seq_len)],
            mode="text",
            text=[f"output[{t}]" for t in range(spec.seq_len)],
            showlegend=False,
            hoverinfo="skip",
        )
    )
    figure.update_xaxes(visible=False, range=[-1, spec.seq_len])
    figure.update_yaxes(visible=False, range=[-0.8, top])
    figure.update_layout(
        annotations=annotations,
        height=height,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        title=dict(
            text=f"Unrolled: {spec.layers} layer(s) × {directions} direction(s) × {spec.seq_len} steps",
            font=dict(size=14),
        ),
    )
    return figure
