"""The hidden (and cell) states of one pair: a panel per layer, a column per direction,
units × steps, on the one diverging scale (`charts.theme`). Two renderers of one chart: the
Plotly figure of a finished run (or of a paused one too large to draw live), and its live
Vega-Lite twin (rows and a fixed spec, `charts.vega`), both sized by `charts.train.layout`,
so the chart a learner watched turns into itself when training stops.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import torch

from charts.labels import layer_name, plain_char, step_name
from charts.plotly_figure import TEXT_PX, Y_TITLE_PX, assemble, step_axis
from charts.theme import (
    DIVERGING,
    LIGHT,
    ChartTheme,
    diverging_colorbar,
    vega_diverging_scale,
)
from charts.train.layout import (
    FULL_FIGURE_PX,
    HALF_FIGURE_PX,
    MIN_PANEL_PX,
    PANEL_GAP_PX,
    colour_bound,
    unit_px,
)
from charts.vega import Spec, vega_step_axis, vega_title

H_BAR_PX = 76  # the right margin for h's colour bar
C_BAR_PX = 48  # and beside it for c's, anchored to the figure's right edge ("−8.74"; Chromium)
# The live chart's own room besides its panels, the unit axis and the legend (measured): wider
# with a cell state, whose legend is titled "h; c over its own ±max".
LIVE_CHROME_PX = {False: 120, True: 170}
LIVE_PANEL_GAP_PX = 16


def _axis_suffix(index: int) -> str:
    return "" if index == 1 else str(index)


def _state_colours(name: str, bound: float, bar_px: float, **place: object) -> dict:
    """One state's colour axis: the diverging scale over ±``bound``, its bar ``bar_px`` tall from the top."""
    return dict(
        colorscale=DIVERGING,
        cmid=0,
        cmin=-bound,
        cmax=bound,
        colorbar=diverging_colorbar(name, bound, len=bar_px, lenmode="pixels", y=1, yanchor="top", **place),
    )


def hidden_state_figure(
    hidden: torch.Tensor,
    input_chars: Sequence[str],
    cell: torch.Tensor | None = None,
    epoch: int | None = None,
    theme: ChartTheme = LIGHT,
    figure_px: float = HALF_FIGURE_PX,
) -> go.Figure:
    """Hidden (and LSTM cell) states of one pair: a unit × time-step panel per layer,
    direction and kind.

    ``hidden`` and ``cell`` are (layers, directions, seq, hidden) for one batch item; each
    panel's z is the (hidden, seq) transpose. Both kinds use the one diverging scale
    (`charts.theme.DIVERGING`): hidden states over ±1 (tanh, so a colour means the same at
    every epoch and on every page), unbounded cell states over their own range, each with
    its legend. ``figure_px`` is about the figure's width: step labels are spaced for the
    width a panel gets of it, so they never run together.
    """
    layers, directions, seq_len, units = hidden.shape
    panels = [(d, kind) for kind in (["h", "c"] if cell is not None else ["h"]) for d in range(directions)]
    columns = len(panels)
    gap_x = 0.06
    width = (1 - gap_x * (columns - 1)) / columns
    panel_px = max(MIN_PANEL_PX, unit_px(units, layers) * units)
    plot_height = layers * panel_px + (layers - 1) * PANEL_GAP_PX
    height, gap_y = panel_px / plot_height, PANEL_GAP_PX / plot_height
    data, layout, annotations = [], {}, []
    ranges = {"h": colour_bound(hidden), "c": colour_bound(cell) if cell is not None else 1.0}
    right = H_BAR_PX if cell is None else H_BAR_PX + C_BAR_PX  # the colour bars: h's, and c's beside it
    left = 20 + TEXT_PX * len(str(units - 1)) + Y_TITLE_PX
    x_axis = step_axis(list(input_chars), (figure_px - left - right) * width)
    for layer in range(layers):
        for column, (d, kind) in enumerate(panels):
            index = layer * columns + column + 1
            suffix = _axis_suffix(index)
            values = (hidden if kind == "h" else cell)[layer, d].detach().float()
            data.append(
                dict(
                    type="heatmap",
                    z=values.T.tolist(),
                    x=list(range(seq_len)),
                    y=list(range(units)),
                    xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}",
                    xgap=1 if seq_len <= 32 else 0,
                    ygap=1 if unit_px(units, layers) >= 6 else 0,
                    coloraxis="coloraxis" if kind == "h" else "coloraxis2",
                    hovertemplate=f"t=%{{x}}, unit %{{y}}: {kind} = %{{z:.3f}}<extra></extra>",
                )
            )
            x0 = round(column * (width + gap_x), 6)
            top = round(1 - layer * (height + gap_y), 6)
            layout[f"xaxis{suffix}"] = {
                **x_axis,
                "domain": [x0, min(1.0, round(x0 + width, 6))],
                "anchor": f"y{suffix}",
            }
            layout[f"yaxis{suffix}"] = dict(
                domain=[max(0.0, round(top - height, 6)), top],
                anchor=f"x{suffix}",
                autorange="reversed",
                showgrid=False,
                showticklabels=column == 0,
                title=dict(text="unit") if column == 0 else None,
            )
            annotations.append(
                dict(
                    xref="paper",
                    yref="paper",
                    x=x0 + width / 2,
                    y=top,
                    xanchor="center",
                    yanchor="bottom",
                    align="center",
                    showarrow=False,
                    text=f"{layer_name(layer, d, directions)}<br>{'hidden h' if kind == 'h' else 'cell c'}",
                    font=dict(size=12),
                )
            )
    # Each legend spans the whole plot: beside each other, not stacked, so neither is squashed.
    bar_px = min(plot_height, 320)
    layout["coloraxis"] = _state_colours("h", ranges["h"], bar_px, x=1, xanchor="left")
    if cell is not None:
        # At the figure's right edge, inside the margin, whatever the width: beside h's, never on it.
        layout["coloraxis2"] = _state_colours("c", ranges["c"], bar_px, x=1, xref="container", xanchor="right")
    layout["annotations"] = annotations
    layout["margin"] = dict(l=left, r=right, t=80, b=64)
    title = "Hidden states" + (f", epoch {epoch}" if epoch is not None else "")
    return assemble(data, layout, title, round(plot_height) + 80 + 64, theme)


def hidden_states_chart(hidden, input_chars: Sequence[str], cell=None) -> tuple[pd.DataFrame, Spec]:
    """Hidden (and LSTM cell) states of one pair, laid out as the plotly figure: a row of
    panels per layer, a column per direction and kind, on the one diverging scale.

    ``hidden`` and ``cell`` are (layers, directions, seq, hidden) for one batch item. As in the
    plotly figure, cell states are coloured over their own range: the rows carry each value's
    ``shade`` (the value over its kind's range), so the spec stays fixed while c's range grows.
    """
    records = []
    ranges = {name: colour_bound(tensor) for name, tensor in [("h", hidden), ("c", cell)] if tensor is not None}
    states = [("h", hidden)] + ([("c", cell)] if cell is not None else [])
    layers, directions, seq, units = hidden.shape
    for name, tensor in states:
        for layer in range(layers):
            for direction in range(directions):
                values = tensor[layer, direction].tolist()
                for step in range(seq):
                    for unit in range(units):
                        records.append(
                            {
                                "panel": f"{layer_name(layer, direction, directions)} · {name}",
                                "step": f"{step_name(step)} {plain_char(input_chars[step])}",
                                "order": step,
                                "unit": unit,
                                "value": values[step][unit],
                                "shade": values[step][unit] / ranges[name],
                            }
                        )
    rows = pd.DataFrame(records)
    columns = directions * len(states)
    # Laid out as Train lays out the finished chart: in half the page up to two panels a layer, else across it.
    figure_px = HALF_FIGURE_PX if columns <= 2 else FULL_FIGURE_PX
    panel_width = (figure_px - LIVE_CHROME_PX[cell is not None] - LIVE_PANEL_GAP_PX * (columns - 1)) / columns
    row_px = unit_px(units, layers)
    panel_height = max(MIN_PANEL_PX, row_px * units)
    x = {"field": "order", "type": "ordinal", "title": None, "axis": vega_step_axis(input_chars, panel_width)}
    colour = {
        "field": "shade",
        "type": "quantitative",
        "title": "h" if cell is None else ["h; c over", "its own ±max"],
        "scale": vega_diverging_scale(1.0),
        "legend": {"values": [-1, 0, 1], "labelExpr": "datum.value > 0 ? '+' + datum.label : datum.label"},
    }
    tooltip = [{"field": "panel"}, {"field": "step"}, {"field": "unit"}, {"field": "value", "format": ".3f"}]

    def panel(layer: int, direction: int, name: str, first: bool) -> Spec:
        where = f"{layer_name(layer, direction, directions)} · {name}"
        return {
            "title": {
                "text": [layer_name(layer, direction, directions), "hidden h" if name == "h" else "cell c"],
                "fontSize": 12,
                "fontWeight": "normal",
                "anchor": "middle",
            },
            "transform": [{"filter": {"field": "panel", "equal": where}}],
            "width": panel_width,
            "height": panel_height,
            "mark": {"type": "rect"},
            "encoding": {
                "x": x,
                "y": {
                    "field": "unit",
                    "type": "ordinal",
                    "title": "unit" if first else None,
                    "axis": {"labelOverlap": True, "labels": first, "ticks": False},
                },
                "color": colour,
                "tooltip": tooltip,
            },
        }

    # A grid of concatenated panels, not a facet: Streamlit drops a faceted chart's title and legend.
    spec = {
        "title": vega_title("Hidden states"),
        "spacing": PANEL_GAP_PX / 3,
        "vconcat": [
            {
                "spacing": LIVE_PANEL_GAP_PX,
                "hconcat": [
                    panel(layer, direction, name, column == 0)
                    for column, (name, direction) in enumerate(
                        (name, direction) for name, _ in states for direction in range(directions)
                    )
                ],
            }
            for layer in range(layers)
        ],
    }
    return rows, spec
