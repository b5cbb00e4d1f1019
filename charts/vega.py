"""What every live Vega-Lite chart shares: the ``Spec`` type, a title drawn as the Plotly figures
draw theirs, tick labels named by index and the time-step axis.

The Train page draws its views in Vega-Lite while a run can go on: Streamlit rebuilds a Plotly
chart from nothing on every update, which blinks, but updates a Vega-Lite chart in place when
only its rows change. So each live builder returns ``(rows, spec)``, the spec fixed for the run,
and sits beside its Plotly twin, whose look it copies so that the chart turns into itself when
the run ends (`charts.loss`, `charts.train.predictions`, `charts.train.probabilities`,
`charts.train.hidden_states`). Vega-Lite draws plain text, so typed characters go in as typed
(`charts.labels.plain_char`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from charts.labels import numbered_steps, plain_char, step_name
from charts.plotly_figure import CHAR_TICK_PX
from charts.theme import FONT_FAMILY, MONOSPACE

Spec = dict[str, Any]
VEGA_STEP_TICK_PX = 40  # "t=10" at 13 px: Vega draws both label lines in one size (Plotly's numbers are smaller)


def vega_title(text: str) -> dict[str, Any]:
    """A title as the plotly figures draw theirs: bold, top left."""
    return {"text": text, "anchor": "start", "fontSize": 15, "fontWeight": "bold", "font": FONT_FAMILY}


def vega_label_expr(labels: Sequence[Sequence[str]]) -> str:
    """A Vega expression naming tick ``datum.value`` (an index) by ``labels[index]``: each
    label a list of lines. JSON string literals are valid Vega string literals, so typed
    characters need no escaping of our own."""
    return f"{json.dumps([list(label) for label in labels], ensure_ascii=False)}[datum.value]"


def vega_step_axis(input_chars: Sequence[str], plot_px: float) -> dict[str, Any]:
    """The plotly charts' time-step axis (`charts.plotly_figure.step_axis`) in Vega-Lite: the
    character over ``t=N``, horizontal, numbers (and, when characters would touch, characters)
    only every few steps."""
    steps = len(input_chars)
    numbered = set(numbered_steps(steps, plot_px, VEGA_STEP_TICK_PX))
    every_char = plot_px / max(steps, 1) >= CHAR_TICK_PX
    labels = [
        [plain_char(char) if every_char or t in numbered else "", step_name(t) if t in numbered else ""]
        for t, char in enumerate(input_chars)
    ]
    return {
        "labelExpr": vega_label_expr(labels),
        "labelAngle": 0,
        "labelFont": MONOSPACE,
        "labelFontSize": 13,
        "labelOverlap": False,  # the labels were chosen not to overlap; Vega's own culling drops every other
    }
