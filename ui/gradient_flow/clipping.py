"""The Gradient flow page's clipping section: the Train page's run, its gradient norm before and after clipping."""

from __future__ import annotations

import math

import streamlit as st

from charts.clipping import gradient_norm_figure
from playground.lessons.presets import PRESETS
from ui.core.draw import draw_plotly
from ui.core.session import get_trainer

CLIPPING_PRESET = "clipped-relu"


def clipping_section() -> None:
    """Draw the section; it explains itself when the Train page has no run yet."""
    st.subheader("Gradient clipping")
    trainer = get_trainer()
    records = [r for r in trainer.history if not math.isnan(r.grad_norm)] if trainer is not None else []
    if not records:
        st.info(
            "Train a run on the **Train** page to see its gradient norm here, for example the preset "
            f"**{PRESETS[CLIPPING_PRESET].title}**, which explodes without clipping."
        )
        return
    max_norm = trainer.config.clip_grad_norm
    draw_plotly(
        st,
        gradient_norm_figure(
            [r.epoch for r in records], [r.grad_norm for r in records], [r.clipped_grad_norm for r in records], max_norm
        ),
        "gradient-flow-clipping",
        "gradient-norm",
    )
    clipped = sum(r.grad_norm > r.clipped_grad_norm for r in records)
    state = (
        f"Clipping is on at norm {max_norm:g}: {clipped} of {len(records)} updates were scaled down to it."
        if max_norm > 0
        else "Clipping is off (Train page, Advanced: 'Clip gradient norm'), so both lines are the same."
    )
    st.caption(
        f"The Train page's run. {state} torch.nn.utils.clip_grad_norm_ rescales the gradient of all "
        "weights together when its norm exceeds the threshold, so the direction of the update is kept "
        "and only its size is capped: an exploding gradient (relu, a large learning rate) can no "
        "longer throw the weights to infinity."
    )
