"""The trained run the "Look inside" pages inspect, or a one-click way to get one.

Inside-the-cell and Embeddings look at the model trained on the Train page. When there is
none yet, they offer to train a lesson preset right there (well under a second), which also
becomes the Train page's run so every page shows the same model.
"""

from __future__ import annotations

import streamlit as st

from playground import PlaygroundError, Trainer
from playground.presets import DEFAULT_PRESET, PRESETS
from ui.session import get_trainer, new_trainer, set_config


def trained_run(key: str, presets: tuple[str, ...] | None = None) -> Trainer | None:
    """The session's trainer with at least one epoch, or None after offering a preset."""
    trainer = get_trainer()
    if trainer is not None and trainer.epoch > 0:
        return trainer
    names = presets or tuple(PRESETS)
    st.info("No trained model yet. Train one on the **Train** page, or train a lesson preset here.")
    default = DEFAULT_PRESET if DEFAULT_PRESET in names else names[0]
    name = st.selectbox("Preset", names, index=names.index(default), key=f"{key}-preset",
                        format_func=lambda n: PRESETS[n].title)
    st.caption(PRESETS[name].description)
    if st.button("Train this preset here", key=f"{key}-train", type="primary"):
        set_config(PRESETS[name].config)
        try:
            trainer = new_trainer()
            trainer.train()
        except PlaygroundError as error:
            st.error(str(error))
            return None
        st.rerun()
    return None
