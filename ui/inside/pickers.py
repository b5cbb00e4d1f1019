"""Inside the cell's pickers: which epoch, layer, direction, batch item, unit and time step.

Only the pickers a run needs are drawn (a layer picker for more than one layer, a direction
picker for a bidirectional core, an item picker for a batch), in one row; the epoch opens
where the Train page shows (`start_inside_epoch`, below).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from charts.labels import direction_name, layer_name, plain_char, step_name
from playground import Trainer
from playground.nn.data import Dataset
from ui.core.held_out_strings import string_picker_key
from ui.core.shown_epoch import start_at_shown_epoch
from ui.inside.state import INSIDE_EPOCH_KEY, INSIDE_FOLLOWED_EPOCH


@dataclass(frozen=True)
class InsidePick:
    """The one step of one unit the page looks at, and the picked item's characters."""

    epoch: int
    layer: int
    direction: int
    item: int
    unit: int
    step: int
    chars: tuple[str, ...]


def inside_pickers(trainer: Trainer, dataset: Dataset, held_out: bool = False) -> InsidePick:
    """Draw the pickers for the run's ``dataset`` (its training pairs, or its held-out ones when
    ``held_out``); what they pick."""
    config = trainer.config
    choices = (
        ["epoch"]
        + (["layer"] if config.layers > 1 else [])
        + (["direction"] if config.bidirectional else [])
        + (["item"] if dataset.batch_size > 1 else [])
        + ["unit"]
    )
    row = dict(zip(choices, st.columns([3] + [1] * (len(choices) - 1))))
    kept = trainer.detailed_epochs
    start_inside_epoch(trainer)  # opens at the epoch the Train page shows
    epoch = (
        row["epoch"].select_slider("Epoch (weights used by that epoch's forward pass)", kept, key=INSIDE_EPOCH_KEY)
        if len(kept) > 1
        else kept[0]
    )
    layer = (
        row["layer"].selectbox("Layer", range(config.layers), key="inside-layer", format_func=layer_name)
        if "layer" in row
        else 0
    )
    direction = (
        row["direction"].selectbox("Direction", (0, 1), key="inside-direction", format_func=direction_name)
        if "direction" in row
        else 0
    )
    item = (
        row["item"].selectbox(
            "Batch item",
            range(dataset.batch_size),
            key=string_picker_key("inside-item", held_out),
            format_func=lambda b: repr(dataset.sources[b]),
        )
        if "item" in row
        else 0
    )
    unit = row["unit"].selectbox("Unit", range(config.hidden_size), key="inside-unit")
    chars = dataset.source_chars[item]  # the item's own characters: its padding has no step to show
    if st.session_state.get("inside-step", 0) >= len(chars):  # kept from a longer item
        del st.session_state["inside-step"]
    step = st.select_slider(
        "Time step t (input character)",
        options=range(len(chars)),
        key="inside-step",
        format_func=lambda t: f"{step_name(t)} ({plain_char(chars[t])})",
    )
    return InsidePick(epoch, layer, direction, item, unit, step, chars)


def start_inside_epoch(trainer: Trainer, state: Any = None) -> None:
    """Inside the cell opens at the epoch the Train page shows."""
    start_at_shown_epoch(trainer, INSIDE_EPOCH_KEY, INSIDE_FOLLOWED_EPOCH, state)
