"""The one place that knows how a session stores its experiment.

Every page reads and writes the current `RunConfig` and `Trainer` through these functions,
so that a model trained on the Train page is the one the other pages look inside, and a
changed setting always discards the stale run.
"""

from __future__ import annotations

import streamlit as st

from playground import RunConfig, Trainer
from playground.presets import DEFAULT_PRESET, PRESETS

CONFIG_KEY = "run_config"
TRAINER_KEY = "trainer"


def get_config() -> RunConfig:
    if CONFIG_KEY not in st.session_state:
        st.session_state[CONFIG_KEY] = PRESETS[DEFAULT_PRESET].config
    return st.session_state[CONFIG_KEY]


def set_config(config: RunConfig) -> None:
    """Store ``config``; a different config drops the current run so nothing stale trains."""
    if st.session_state.get(CONFIG_KEY) != config:
        st.session_state[CONFIG_KEY] = config
        st.session_state.pop(TRAINER_KEY, None)


def get_trainer() -> Trainer | None:
    return st.session_state.get(TRAINER_KEY)


def use_trainer(trainer: Trainer) -> None:
    """Make ``trainer`` (e.g. a run loaded from a file) the session's run, with its config."""
    set_config(trainer.config)
    st.session_state[TRAINER_KEY] = trainer


def new_trainer() -> Trainer:
    """A fresh run of the current config; raises `PlaygroundError` for invalid settings."""
    trainer = Trainer(get_config())
    use_trainer(trainer)
    return trainer
