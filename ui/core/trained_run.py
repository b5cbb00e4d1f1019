"""The trained run the "Look inside" pages inspect, or a one-click way to get one.

Inside the cell, What if? and Embeddings look at the model trained on the Train page. When there is
none yet, they offer to train the current settings or a lesson preset right there
(`ui.core.train_here`), which also becomes the Train page's run so every page shows the same model.
"""

from __future__ import annotations

import streamlit as st

from playground import Trainer
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from ui.core.session import get_trainer
from ui.core.train_here import start_training, training_here


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
