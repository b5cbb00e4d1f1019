"""Training the session's run from a page other than Train, with the same live mechanism.

Inside the cell, What if?, Embeddings and Share & export offer to train right there. Their buttons
start the Train page's own run (`ui.core.session.TRAIN_RUN_ELSEWHERE`: the same run, at full
speed, as these pages show only its progress), so the run goes in CPU-time slices and takes
turns with other sessions like any other; while it goes, the page shows its progress and a
Pause button instead of its content, and it becomes the Train page's run.
"""

from __future__ import annotations

import streamlit as st

from playground import RunConfig
from ui.core.live_run import show_progress
from ui.core.session import TRAIN_RUN_ELSEWHERE, new_trainer, set_config
from ui.core.turns import taking_turns


@taking_turns  # a button callback runs before app.py takes its turn
def start_training(config: RunConfig | None = None) -> None:
    """Button callback: make ``config`` (or the current settings) the session's run and start it."""
    if config is not None:
        set_config(config)
    TRAIN_RUN_ELSEWHERE.start_after(new_trainer)


def training_here(key: str) -> bool:
    """Train this script run's slice of the session's run, if it is going, and show its
    progress with a Pause button; True while it goes (the page then shows nothing else).
    A run that stopped on an error says why."""
    TRAIN_RUN_ELSEWHERE.advance()
    if not TRAIN_RUN_ELSEWHERE.going():
        TRAIN_RUN_ELSEWHERE.show_error()
        return False
    st.button("Pause", key=f"{key}-pause", icon=":material/pause:", on_click=TRAIN_RUN_ELSEWHERE.stop)
    TRAIN_RUN_ELSEWHERE.show(lambda trainer: show_progress(trainer, running=True), lambda: None)
    return True
