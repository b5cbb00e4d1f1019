"""The What if? page's controls and its predictions table.

The controls turn widgets into one `Intervention` for the engine
(`playground.probes.interventions.what_if`); the table shows the recorded and the changed
predictions side by side. The charts are `ui.what_if.views`'s. Widget keys are constants here so
tests name them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from charts.labels import VISIBLE_SPACE
from playground import RunConfig
from playground.nn.cells import CELLS
from playground.nn.data import Dataset
from playground.probes.interventions import Clamp, InputChange, Intervention, WhatIf
from ui.core.held_out_strings import string_picker_key

WHAT_IF_EPOCH_KEY = "whatif-epoch"
ITEM_KEY = "whatif-item"
KIND_KEY = "whatif-kind"
STEP_KEY = "whatif-step"
CHAR_KEY = "whatif-char"
LAYER_KEY = "whatif-layer"
DIRECTION_KEY = "whatif-direction"
TARGET_KEY = "whatif-target"
UNIT_KEY = "whatif-unit"
VALUE_KEY = "whatif-value"
WHEN_KEY = "whatif-when"
IMPORTANCE_KEY = "whatif-importance"
TRAJECTORY_KEY = "whatif-trajectory"

CHANGE_INPUT, CLAMP = "Change an input character", "Clamp a unit"
AT_STEP, EVERY_STEP = "at step t only", "at every step"
TARGET_LABELS = {
    "h": "h (hidden state)",
    "c": "c (cell state)",
    "i": "input gate i",
    "f": "forget gate f (0 = forget now, 1 = keep)",
    "g": "candidate g",
    "o": "output gate o",
    "r": "reset gate r",
    "z": "update gate z (1 = keep the old state)",
    "n": "candidate n",
}
SIGMOID_GATES = ("i", "f", "o", "r", "z")  # live in [0, 1]; the others in [-1, 1] (relu's h beyond)

BIDIRECTIONAL_NOTE = (
    "This core is **bidirectional**: its backward direction reads the string from the end, so it "
    "reaches step t *before* the earlier steps. A change at step t therefore alters the backward "
    "states of every step up to t, and the forward states from t on; the output at each step joins "
    "both directions, so the prediction can change on both sides of t."
)


@dataclass(frozen=True)
class View:
    """Which slice of the network the page looks at: one string, one layer and direction."""

    epoch: int
    item: int
    layer: int
    direction: int


def view_controls(epochs: list[int], config: RunConfig, dataset: Dataset, held_out: bool = False) -> View:
    """Epoch, string (of ``dataset``: the held-out pairs when ``held_out``), layer and direction:
    shared by the intervention and the figures."""
    columns = st.columns([3, 1, 1, 1])
    epoch = (
        columns[0].select_slider("Epoch (the weights that epoch's forward pass used)", epochs, key=WHAT_IF_EPOCH_KEY)
        if len(epochs) > 1
        else epochs[0]
    )
    item = (
        columns[1].selectbox(
            "String",
            range(dataset.batch_size),
            key=string_picker_key(ITEM_KEY, held_out),
            format_func=lambda b: repr(dataset.sources[b]),
        )
        if dataset.batch_size > 1
        else 0
    )
    layer = columns[2].selectbox("Layer", range(config.layers), key=LAYER_KEY) if config.layers > 1 else 0
    direction = (
        columns[3].selectbox(
            "Direction", (0, 1), key=DIRECTION_KEY, format_func=lambda d: "backward ←" if d else "forward →"
        )
        if config.bidirectional
        else 0
    )
    return View(epoch, item, layer, direction)


def intervention_controls(config: RunConfig, dataset: Dataset, view: View) -> tuple[Intervention, int | None]:
    """The learner's change, and the step it happens at (None: every step)."""
    chars = dataset.source_chars[view.item]  # the string's own characters: a shorter one has no padding steps
    if st.session_state.get(STEP_KEY, 0) >= len(chars):  # kept from a longer string
        del st.session_state[STEP_KEY]
    kind = st.radio("What to change", (CHANGE_INPUT, CLAMP), horizontal=True, key=KIND_KEY)
    columns = st.columns(4)
    step = columns[0].selectbox(
        "Step t",
        range(len(chars)),
        index=len(chars) // 2,  # the middle: steps on both sides of the change
        key=STEP_KEY,
        format_func=lambda t: f"t={t}: {_shown(chars[t])!r}",
    )
    if kind == CHANGE_INPUT:
        others = [c for c in dataset.vocab.chars if c != chars[step]] or list(dataset.vocab.chars)
        char = columns[1].selectbox(
            f"Feed instead of {_shown(chars[step])!r}", others, key=CHAR_KEY, format_func=lambda c: repr(_shown(c))
        )
        return Intervention(InputChange(view.item, step, char)), step
    cell = CELLS[config.cell]
    targets = ("h", "c", *cell.gate_names) if cell.has_cell_state else ("h", *cell.gate_names)
    target = columns[1].selectbox("Vector", targets, key=TARGET_KEY, format_func=TARGET_LABELS.get)
    unit = columns[2].selectbox("Unit k", range(config.hidden_size), key=UNIT_KEY)
    low = 0.0 if target in SIGMOID_GATES else -1.0
    value = columns[3].slider("Clamp to", low, 1.0, 0.0, 0.05, key=VALUE_KEY)
    when = st.radio("When", (AT_STEP, EVERY_STEP), horizontal=True, key=WHEN_KEY)
    at = step if when == AT_STEP else None
    scope = f"layer {view.layer}" + (f", {'backward' if view.direction else 'forward'}" if config.bidirectional else "")
    st.caption(f"Clamps {target}[{unit}] of {scope} for every string; pick the layer and direction above.")
    return Intervention(clamps=(Clamp(target, view.layer, view.direction, unit, value, at),)), at


def _shown(char: str) -> str:
    return VISIBLE_SPACE if char == " " else char


def predictions_table(result: WhatIf, dataset: Dataset, item: int) -> pd.io.formats.style.Styler:
    """Inputs, target and predictions of both runs, one column per step; what changed is highlighted."""
    original, changed = result.original, result.changed
    rows = {
        "input (original)": original.source_chars[item],
        "input (changed)": changed.source_chars[item],
        "target": dataset.target_chars[item],
        "predicted (original)": tuple(original.predictions[item]),
        "predicted (changed)": tuple(changed.predictions[item]),
    }
    frame = pd.DataFrame(
        [[_shown(c) for c in row] for row in rows.values()],
        index=list(rows),
        columns=[f"t={t}" for t in range(len(dataset.target_chars[item]))],
    )
    highlight = "background-color: #fde0dc; color: #b0281a; font-weight: bold"

    def mark(column: pd.Series) -> list[str]:
        styles = [""] * len(column)
        for changed_row, original_row in ((1, 0), (4, 3)):
            if column.iloc[changed_row] != column.iloc[original_row]:
                styles[changed_row] = highlight
        return styles

    return frame.style.apply(mark, axis=0)
