"""The Train page's Write panel: what a trained network wrote, one step at a time.

Two Vega-Lite charts (rows and a spec, `charts.vega`): a step's likeliest next characters as bars,
and the top layer's hidden state as it writes. Vega-Lite, not Plotly, because the learner moves
a step slider through the text: the bars' spec stays the same and only their rows change, so the
browser updates them in place; the panel sits under the finished run's Plotly figures and adds
no redraw of its own to theirs.

The written character is marked in a purple that is neither the predictions' right green nor
their wrong red: drawing a character is neither; the page's caption says what the colour means,
and the bar's text says "written" too, so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import torch

from charts.labels import numbered_steps, plain_char, step_name
from charts.plotly_figure import CHAR_TICK_PX
from charts.theme import MONOSPACE, OUTLINE_COLOUR, vega_diverging_scale
from charts.train.layout import colour_bound
from charts.vega import VEGA_STEP_TICK_PX, Spec, vega_label_expr, vega_title
from playground.run.sampling import WrittenStep

DRAWN_COLOUR = "#6a3d9a"  # the written character's bar: a purple, apart from right green and wrong red
OTHER_COLOUR = "#b9b9c3"  # the other likeliest characters
BAR_ROW_PX = 26
WINDOW_STEPS = 30  # steps of the hidden state drawn around the chosen one: a 500-character text stays readable
HIDDEN_PLOT_PX = 400  # the heatmap's plotting width in two thirds of the page at 1280 px (measured, about)
HIDDEN_ROWS_PX = 240  # the heatmap's height, units shared out


def likeliest_chart(step: WrittenStep, position: int) -> tuple[pd.DataFrame, Spec]:
    """Step ``position``'s likeliest next characters, likeliest on top, the model's probability
    as the bar; the one written highlighted and labelled."""
    rows = pd.DataFrame(
        [
            {
                "rank": rank,
                "char": plain_char(candidate.char),
                "p": candidate.probability,
                "drawn_from": candidate.drawn_from,
                "written": candidate.char == step.char,
                "label": f"{candidate.probability:.2f}" + (" written" if candidate.char == step.char else ""),
            }
            for rank, candidate in enumerate(step.likeliest)
        ]
    )
    y = {
        "field": "rank",
        "type": "ordinal",
        "title": None,
        "axis": {
            "labelExpr": vega_label_expr([[plain_char(candidate.char)] for candidate in step.likeliest]),
            "labelFont": MONOSPACE,
            "labelFontSize": 15,
            "ticks": False,
        },
    }
    x = {"field": "p", "type": "quantitative", "title": "probability", "scale": {"domain": [0, 1]}}
    tooltip = [
        {"field": "char", "title": "character"},
        {"field": "p", "title": "the network's probability", "format": ".3f"},
        {"field": "drawn_from", "title": "its chance in the draw", "format": ".3f"},
    ]
    spec = {
        "title": vega_title(f"Likeliest after {step_name(position)}"),
        "height": {"step": BAR_ROW_PX},
        "layer": [
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "y": y,
                    "x": x,
                    "color": {"condition": {"test": "datum.written", "value": DRAWN_COLOUR}, "value": OTHER_COLOUR},
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 12},
                "encoding": {
                    "y": y,
                    "x": x,
                    "text": {"field": "label"},
                    "fontWeight": {"condition": {"test": "datum.written", "value": "bold"}, "value": "normal"},
                },
            },
        ],
    }
    return rows, spec


def hidden_window(length: int, position: int, window: int = WINDOW_STEPS) -> range:
    """The steps drawn: up to ``window`` of them, the chosen ``position`` inside."""
    start = min(max(0, position - window // 2), max(0, length - window))
    return range(start, min(length, start + window))


def writing_hidden_chart(
    hidden: torch.Tensor, read_chars: Sequence[str], position: int, width_share: float = 1.0
) -> tuple[pd.DataFrame, Spec]:
    """The top layer's hidden state at each step of the writing (steps × units, the diverging
    scale), around step ``position``, which is outlined.

    ``hidden`` is (length, units) as `playground.run.sampling.Sample` keeps it; ``read_chars[t]``
    is the character the network had just read at step t (the prime's last, then each written one);
    ``width_share`` is the share of its 1280 px width the chart gets (`ui.core.narrow_screens`), for
    step labels spaced for their room."""
    steps = hidden_window(len(read_chars), position)
    values = hidden[steps.start : steps.stop].tolist()
    units = len(values[0]) if values else 0
    rows = pd.DataFrame(
        [
            {
                "order": t - steps.start,
                "step": f"{step_name(t)} {plain_char(read_chars[t])}",
                "unit": unit,
                "value": value,
                "chosen": t == position,
            }
            for t, row in zip(steps, values)
            for unit, value in enumerate(row)
        ]
    )
    plot_px = HIDDEN_PLOT_PX * width_share
    numbered = set(numbered_steps(len(steps), plot_px, VEGA_STEP_TICK_PX))
    every_char = plot_px / max(len(steps), 1) >= CHAR_TICK_PX
    # The axis counts from the window's first step; its labels name the steps themselves.
    labels = [
        [plain_char(read_chars[t]) if every_char or i in numbered else "", step_name(t) if i in numbered else ""]
        for i, t in enumerate(steps)
    ]
    axis = {"labelExpr": vega_label_expr(labels), "labelAngle": 0, "labelFont": MONOSPACE, "labelOverlap": False}
    position_px = {"field": "order", "type": "ordinal", "title": "character just read", "axis": axis}
    unit_y = {"field": "unit", "type": "ordinal", "title": "unit", "axis": {"labelOverlap": True, "ticks": False}}
    spec = {
        "title": vega_title("Hidden state as it writes (top layer)"),
        "height": HIDDEN_ROWS_PX if units > 8 else 24 * max(units, 1),
        "layer": [
            {
                "mark": {"type": "rect"},
                "encoding": {
                    "x": position_px,
                    "y": unit_y,
                    "color": {
                        "field": "value",
                        "type": "quantitative",
                        "title": "h",
                        "scale": vega_diverging_scale(colour_bound(hidden)),
                    },
                    "tooltip": [{"field": "step"}, {"field": "unit"}, {"field": "value", "format": ".3f"}],
                },
            },
            {
                "transform": [{"filter": "datum.chosen"}, {"filter": "datum.unit == 0"}],
                "mark": {"type": "rect", "filled": False, "stroke": OUTLINE_COLOUR, "strokeWidth": 2},
                "encoding": {"x": position_px},  # no y: the rectangle spans the chart's height
            },
        ],
    }
    return rows, spec
