"""Training the session's run from a page other than Train, and the trained run the look-inside pages need.

Inside the cell, What if?, Embeddings and Share & export offer to train right there. Their buttons
start the Train page's own run (`ui.core.session.TRAIN_RUN_ELSEWHERE`: the same run, at full
speed, as these pages show only its progress), so the run goes in CPU-time slices and takes
turns with other sessions like any other; while it goes, the page shows its progress and a
Pause button instead of its content, and it becomes the Train page's run. Inside the cell, What if?
and Embeddings need a trained run to show anything: `trained_run` returns it, or offers to train
the current settings or a lesson preset right here.
"""

from __future__ import annotations

import streamlit as st

from playground import RunConfig, Trainer
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from ui.core.live_run import show_progress
from ui.core.script_turns import taking_turns
from ui.core.session import TRAIN_RUN_ELSEWHERE, get_trainer, new_trainer, set_config


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


def trained_run(key: str) -> Trainer:
    """The session's trainer with at least one epoch. Otherwise the page shows the run training
    here, or offers to train one, and stops: nothing below can be drawn without a trained run."""
    if training_here(key):
        st.stop()
    trainer = get_trainer()
    if trainer is not None and trainer.epoch > 0:
        return trainer
    names = tuple(PRESETS)
    st.info("No trained model yet. Train one on the **Train** page, or train it or a lesson preset here.")
    st.button("Train the current settings", key=f"{key}-train-current", on_click=start_training)
    name = st.selectbox(
        "Preset", names, index=names.index(DEFAULT_PRESET), key=f"{key}-preset", format_func=lambda n: PRESETS[n].title
    )
    st.caption(PRESETS[name].description)
    st.button("Train this preset here", key=f"{key}-train", type="primary", on_click=_train_preset, args=(key,))
    st.stop()


def _train_preset(key: str) -> None:
    """Button callback: start training the preset the selectbox shows."""
    start_training(PRESETS[st.session_state[f"{key}-preset"]].config)
