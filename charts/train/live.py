"""Vega-Lite charts for the views that redraw while a network trains.

Streamlit rebuilds a plotly chart from scratch on every update, so a chart redrawn several
times a second blinks (the browser shows it blank while plotly draws it again). A Vega-Lite
chart whose *spec* stays the same and whose *data* changes is updated in place. So each
builder here returns ``(rows, spec)``: the spec depends only on settings fixed for the run,
everything that grows with training is in the rows. The live predictions timeline is here; the
other live views sit beside their plotly twins (`charts.train.probabilities`,
`charts.train.hidden_states`; the loss curve in `charts.live_loss`). A paused run keeps these
charts, the epoch scrubber driving them; a finished run's views are the plotly figures, and these
charts copy their look (titles, headers, step labels, colour scales, fonts), so that when the run
ends a learner sees each chart turn into itself rather than into another chart.

Vega-Lite draws text as plain text, so typed characters go into the rows as typed
(`charts.labels.plain_char`): HTML-escaped, a typed ``<`` would show as ``&lt;``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from charts.labels import plain_char, step_name, step_stride
from charts.plotly_figure import CHAR_TICK_PX
from charts.theme import (
    FONT_FAMILY,
    MONOSPACE,
    RIGHT_COLOUR,
    WRONG_COLOUR,
)
from charts.train.layout import (
    ROW_HEIGHT,
    WRONG_MARK,
    WRONG_MARK_OFFSET,
    WRONG_MARK_PX,
    timeline_epochs,
)
from playground.nn.text import split_characters
from playground.run.epoch_record import EpochRecord

Spec = dict[str, Any]
COLUMN_PX = 34  # one predicted character's cell in the live predictions timeline
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
    stride = step_stride(steps, plot_px, VEGA_STEP_TICK_PX)
    every_char = plot_px / max(steps, 1) >= CHAR_TICK_PX
    labels = [
        [plain_char(char) if every_char or t % stride == 0 else "", step_name(t) if t % stride == 0 else ""]
        for t, char in enumerate(input_chars)
    ]
    return {
        "labelExpr": vega_label_expr(labels),
        "labelAngle": 0,
        "labelFont": MONOSPACE,
        "labelFontSize": 13,
        "labelOverlap": False,  # the labels were chosen not to overlap; Vega's own culling drops every other
    }


def timeline_chart(
    history: Sequence[EpochRecord],
    pair: int,
    vocab: Sequence[str],
    target_indices: Sequence[int],
    solved_epoch: int | None,
    max_rows: int,
    shown_epoch: int | None = None,
) -> tuple[pd.DataFrame, Spec]:
    """Predicted strings of the newest epochs, one row each, every character green when right,
    vermillion with a ✗ when wrong; the target characters head the columns and the shown epoch
    (a paused run's scrubber) is marked ▶, as in the plotly figure."""
    targets = [vocab[t] for t in target_indices]
    records = []
    for epoch in timeline_epochs(len(history), max_rows, solved_epoch, shown_epoch):
        predicted = split_characters(history[epoch - 1].predictions[pair])
        label = f"epoch {epoch}" + (" ✓ solved" if epoch == solved_epoch else "")
        label = f"▶ {label}" if epoch == shown_epoch else label
        for step, (char, target) in enumerate(zip(predicted, targets)):
            records.append(
                {
                    "row": label,
                    "order": epoch,
                    "step": step,
                    "char": plain_char(char),
                    "target": plain_char(target),
                    "right": char == target,
                }
            )
    rows = pd.DataFrame(records)
    position = {
        "x": {
            "field": "step",
            "type": "ordinal",
            "title": "target",
            "axis": {
                "orient": "top",
                "labelExpr": vega_label_expr([[plain_char(t)] for t in targets]),
                "labelAngle": 0,
                "labelFont": MONOSPACE,
                "labelFontSize": 13,
            },
        },
        "y": {"field": "row", "type": "ordinal", "title": None, "sort": {"field": "order", "order": "ascending"}},
    }
    spec = {
        "title": vega_title("Predictions, epoch by epoch"),
        "height": {"step": ROW_HEIGHT},
        "width": {"step": COLUMN_PX},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
                "encoding": {
                    **position,
                    "color": {
                        "field": "right",
                        "type": "nominal",
                        "legend": None,
                        "scale": {"domain": [True, False], "range": [RIGHT_COLOUR, WRONG_COLOUR]},
                    },
                    "tooltip": [{"field": "row"}, {"field": "char", "title": "predicted"}, {"field": "target"}],
                },
            },
            {
                "mark": {"type": "text", "color": "white", "fontSize": 15, "font": MONOSPACE},
                "encoding": {**position, "text": {"field": "char"}},
            },
            {  # the second cue, as in the plotly figure: a wrong cell's corner mark
                "transform": [{"filter": "!datum.right"}],
                "mark": {
                    "type": "text",
                    "text": WRONG_MARK,
                    "color": "white",
                    "fontSize": WRONG_MARK_PX,
                    "dx": round(WRONG_MARK_OFFSET[0] * COLUMN_PX),
                    "dy": round(WRONG_MARK_OFFSET[1] * ROW_HEIGHT),
                },
                "encoding": position,
            },
        ],
    }
    return rows, spec
