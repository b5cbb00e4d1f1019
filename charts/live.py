"""Vega-Lite charts for the views that redraw while a network trains.

Streamlit rebuilds a plotly chart from scratch on every update, so a chart redrawn several
times a second blinks (the browser shows it blank while plotly draws it again). A Vega-Lite
chart whose *spec* stays the same and whose *data* changes is updated in place. So each
builder here returns ``(rows, spec)``: the spec depends only on settings fixed for the run,
everything that grows with training is in the rows. The paused and scrubbing views keep the
richer plotly figures of `charts.train` and `charts.loss`.

Vega-Lite draws text as plain text, so typed characters go into the rows as typed
(`charts.labels.plain_char`): HTML-escaped, a typed ``<`` would show as ``&lt;``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from playground.text import split_characters
from playground.trainer import EpochRecord

from .labels import plain_char
from .theme import LINE_COLOUR, OUTLINE_COLOUR, RIGHT_COLOUR, WRONG_COLOUR
from .train import timeline_epochs

Spec = dict[str, Any]


def loss_chart(losses: Sequence[float], solved_epoch: int | None, log_scale: bool) -> tuple[pd.DataFrame, Spec]:
    """Loss per epoch as a line, with the solving epoch as a green point."""
    rows = pd.DataFrame(
        {
            "epoch": range(1, len(losses) + 1),
            "loss": list(losses),
            "solved": [epoch == solved_epoch for epoch in range(1, len(losses) + 1)],
        }
    )
    y = {
        "field": "loss",
        "type": "quantitative",
        "title": "loss",
        "scale": {"type": "log"} if log_scale else {"zero": True},
    }
    spec = {
        "title": "Loss",
        "height": 300,
        "layer": [
            {
                "mark": {"type": "line", "color": LINE_COLOUR},
                "encoding": {"x": {"field": "epoch", "type": "quantitative", "title": "epoch"}, "y": y},
            },
            {
                "transform": [{"filter": "datum.solved"}],
                "mark": {"type": "point", "filled": True, "size": 120, "color": RIGHT_COLOUR},
                "encoding": {
                    "x": {"field": "epoch", "type": "quantitative"},
                    "y": y,
                    "tooltip": [{"field": "epoch", "title": "solved at epoch"}],
                },
            },
        ],
    }
    return rows, spec


def timeline_chart(
    history: Sequence[EpochRecord],
    pair: int,
    vocab: Sequence[str],
    target_indices: Sequence[int],
    solved_epoch: int | None,
    max_rows: int,
) -> tuple[pd.DataFrame, Spec]:
    """Predicted strings of the newest epochs, one row each, every character green when right."""
    targets = [vocab[t] for t in target_indices]
    records = []
    for epoch in timeline_epochs(len(history), max_rows, solved_epoch, None):
        predicted = split_characters(history[epoch - 1].predictions[pair])
        label = f"epoch {epoch}" + (" ✓ solved" if epoch == solved_epoch else "")
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
            "title": None,
            "axis": {"orient": "top", "labelExpr": "'t=' + datum.value", "labelAngle": 0},
        },
        "y": {"field": "row", "type": "ordinal", "title": None, "sort": {"field": "order", "order": "ascending"}},
    }
    spec = {
        "title": "Predictions, epoch by epoch (newest at the bottom)",
        "height": {"step": 22},
        "width": {"step": 34},
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
                "mark": {"type": "text", "color": "white", "fontSize": 14, "font": "monospace"},
                "encoding": {**position, "text": {"field": "char"}},
            },
        ],
    }
    return rows, spec


def probabilities_chart(
    probabilities,
    vocab: Sequence[str],
    input_chars: Sequence[str],
    target_indices: Sequence[int],
) -> tuple[pd.DataFrame, Spec]:
    """Softmax probabilities of one pair (seq, vocab) as step × character cells, targets outlined."""
    records = []
    for step, row in enumerate(probabilities.tolist()):
        for index, p in enumerate(row):
            records.append(
                {
                    "step": f"t={step} {plain_char(input_chars[step])}",
                    "order": step,
                    "char": plain_char(vocab[index]),
                    "p": p,
                    "target": index == target_indices[step],
                }
            )
    rows = pd.DataFrame(records)
    position = {
        "x": {
            "field": "step",
            "type": "ordinal",
            "title": "input character at each step",
            "sort": {"field": "order"},
            "axis": {"labelAngle": 0},
        },
        "y": {"field": "char", "type": "ordinal", "title": "predicted character", "sort": list(map(plain_char, vocab))},
    }
    spec = {
        "title": "Probabilities per step (target outlined)",
        "height": {"step": 28},
        "layer": [
            {
                "mark": {"type": "rect"},
                "encoding": {
                    **position,
                    "color": {
                        "field": "p",
                        "type": "quantitative",
                        "title": "P",
                        "scale": {"domain": [0, 1], "scheme": "blues"},
                    },
                    "stroke": {"condition": {"test": "datum.target", "value": OUTLINE_COLOUR}, "value": None},
                    "strokeWidth": {"condition": {"test": "datum.target", "value": 3}, "value": 0},
                    "tooltip": [{"field": "step"}, {"field": "char"}, {"field": "p", "format": ".3f"}],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 11},
                "encoding": {
                    **position,
                    "text": {"field": "p", "format": ".2f"},
                    "color": {"condition": {"test": "datum.p > 0.5", "value": "white"}, "value": "#333333"},
                },
            },
        ],
    }
    return rows, spec


def hidden_states_chart(hidden, input_chars: Sequence[str], cell=None) -> tuple[pd.DataFrame, Spec]:
    """Hidden (and LSTM cell) states of one pair: a step × unit panel per layer and direction.

    ``hidden`` and ``cell`` are (layers, directions, seq, hidden) for one batch item.
    """
    records = []
    states = [("h", hidden)] + ([("c", cell)] if cell is not None else [])
    for name, tensor in states:
        layers, directions, seq, units = tensor.shape
        for layer in range(layers):
            for direction in range(directions):
                panel = f"layer {layer + 1}{' backward' if direction else ''} · {name}"
                values = tensor[layer, direction].tolist()
                for step in range(seq):
                    for unit in range(units):
                        records.append(
                            {
                                "panel": panel,
                                "step": f"t={step} {plain_char(input_chars[step])}",
                                "order": step,
                                "unit": unit,
                                "value": values[step][unit],
                            }
                        )
    rows = pd.DataFrame(records)
    spec = {
        "title": "Hidden states",
        "facet": {"row": {"field": "panel", "type": "nominal", "title": None}},
        "spec": {
            "height": {"step": 12},
            "width": {"step": 36},
            "mark": {"type": "rect"},
            "encoding": {
                "x": {
                    "field": "step",
                    "type": "ordinal",
                    "title": None,
                    "sort": {"field": "order"},
                    "axis": {"labelAngle": 0},
                },
                "y": {"field": "unit", "type": "ordinal", "title": "unit"},
                "color": {
                    "field": "value",
                    "type": "quantitative",
                    "title": "value",
                    "scale": {"domain": [-1, 1], "scheme": "redblue", "clamp": True},
                },
                "tooltip": [
                    {"field": "panel"},
                    {"field": "step"},
                    {"field": "unit"},
                    {"field": "value", "format": ".3f"},
                ],
            },
        },
    }
    return rows, spec
