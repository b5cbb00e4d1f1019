"""Pages follow the Train page's epoch: a page's epoch slider opens where Train shows.

A learner who rewinds the Train page to epoch 12 and opens Inside the cell, What if? or
Embeddings expects epoch 12; in between, the learner's own choice on that page stays.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground import Trainer
from ui.core.state import TRAIN_SHOWN_EPOCH, SessionKey


def train_shown_epoch(trainer: Trainer) -> int:
    """The epoch the Train page shows for ``trainer`` (its scrubber's), else the newest one."""
    shown = TRAIN_SHOWN_EPOCH.get()
    if shown is not None and shown[0] == id(trainer) and 1 <= shown[1] <= trainer.epoch:
        return shown[1]
    return trainer.epoch


def start_at_shown_epoch(
    trainer: Trainer, slider_key: str, followed: SessionKey[tuple[int, int] | None], state: Any = None
) -> None:
    """Put a page's epoch slider (``slider_key``) where the Train page shows, whenever that moved
    (or the slider forgot its value on another page); in between, the learner's own choice stays.
    ``followed`` remembers the (run, epoch) the slider last started from."""
    state = st.session_state if state is None else state
    shown = (id(trainer), train_shown_epoch(trainer))
    if followed.get(state) != shown or slider_key not in state:
        followed.set(shown, state)
        state[slider_key] = trainer.nearest_detailed_epoch(shown[1])
