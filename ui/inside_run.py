"""The trained run the "Look inside" pages inspect, or a one-click way to get one.

Inside-the-cell and Embeddings look at the model trained on the Train page. When there is
none yet, they offer to train a lesson preset right there (well under a second), which also
becomes the Train page's run so every page shows the same model.
"""

from __future__ import annotations

import streamlit as st

from playground import PlaygroundError, Trainer
from playground.presets import DEFAULT_PRESET, PRESETS
from ui.markdown import escape_markdown
from ui.session import get_trainer, new_trainer, set_config

TRAIN_HERE_SECONDS = 10.0  # presets finish in well under a second; a large custom run stops here


def trained_run(key: str, presets: tuple[str, ...] | None = None) -> Trainer | None:
    """The session's trainer with at least one epoch, or None after offering a preset."""
    trainer = get_trainer()
    if trainer is not None and trainer.epoch > 0:
        return trainer
    names = presets or tuple(PRESETS)
    st.info("No trained model yet. Train one on the **Train** page, or train it or a lesson preset here.")
    if st.button("Train the current settings", key=f"{key}-train-current"):
        _train(None)
    default = DEFAULT_PRESET if DEFAULT_PRESET in names else names[0]
    name = st.selectbox("Preset", names, index=names.index(default), key=f"{key}-preset",
                        format_func=lambda n: PRESETS[n].title)
    st.caption(PRESETS[name].description)
    if st.button("Train this preset here", key=f"{key}-train", type="primary"):
        _train(name)
    return None


def _train(preset: str | None) -> None:
    """Train ``preset`` (or the current settings) to the end, then redraw the page with it."""
    if preset is not None:
        set_config(PRESETS[preset].config)
    try:
        new_trainer().train(max_seconds=TRAIN_HERE_SECONDS)
    except PlaygroundError as error:
        st.error(escape_markdown(str(error)))  # it may quote the typed strings
        return
    st.rerun()
