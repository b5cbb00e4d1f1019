"""Which strings a page looks inside: the training pairs, or the held-out pairs the run never
trained on (`RunConfig.test_sources`), for What if? and Inside the cell.

A network that memorised its strings can look the same as one that learned the rule on the
strings it trained on; inside a held-out string the difference shows.
"""

from __future__ import annotations

import streamlit as st

from playground import Trainer
from playground.nn.data import Dataset

TRAINING, HELD_OUT = "training pairs", "held-out pairs (never trained on)"


def strings_to_look_at(trainer: Trainer, key: str) -> tuple[Dataset, bool]:
    """The pairs the page shows, and whether they are the held-out ones; the choice is drawn only
    for a run that has held-out pairs."""
    if trainer.test_dataset is None:
        return trainer.dataset, False
    choice = st.radio("Strings", (TRAINING, HELD_OUT), horizontal=True, key=key)
    return (trainer.test_dataset, True) if choice == HELD_OUT else (trainer.dataset, False)


def string_picker_key(key: str, held_out: bool) -> str:
    """The key of a page's string picker for the training or the held-out strings: one widget each,
    so the browser never shows a string of the other list (a keyed selectbox whose options change
    under it kept showing the old list's string as picked)."""
    return f"{key}-held-out" if held_out else key
