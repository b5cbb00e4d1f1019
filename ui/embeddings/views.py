"""The Embeddings page's views: the learned encoding matrix, its drift over the epochs, and why
one-hot has none (with a one-click switch to a learned encoding, trained as the session's run)."""

from __future__ import annotations

import streamlit as st

from charts.embeddings import drift_animation, encoding_heatmap
from playground import Trainer
from playground.probes.projection import encoding_drift
from playground.run.config import ENCODING_LABELS
from ui.core.draw import draw_plotly
from ui.core.narrow_screens import width_share
from ui.core.session import get_config
from ui.core.shown_epoch import start_at_shown_epoch
from ui.core.train_here import start_training
from ui.embeddings.lookup_demo import lookup_demo
from ui.embeddings.state import EMBEDDINGS_FOLLOWED_EPOCH

SWITCH_KEY = "embeddings-switch"
EMBEDDINGS_EPOCH_KEY = "embeddings-epoch"


def _switch_and_train() -> None:
    """Button callback: the current settings with the chosen encoding, trained as the session's run."""
    start_training(get_config().with_changes(encoding=st.session_state[SWITCH_KEY]))


def offer_a_learned_encoding() -> None:
    """One-hot vectors are fixed columns of the identity: say so and offer to switch and train."""
    st.warning(
        "This run feeds **one-hot vectors**: each character is a fixed column of the identity "
        "matrix, so there is no learned encoding matrix to look at."
    )
    st.radio(
        "Switch the input encoding to",
        ("embedding", "linear"),
        horizontal=True,
        format_func=ENCODING_LABELS.get,
        key=SWITCH_KEY,
    )
    st.button("Switch and train", type="primary", key="embeddings-switch-train", on_click=_switch_and_train)


def embeddings_views(trainer: Trainer) -> None:
    """Where the vectors are stored, their drift, the matrix at an epoch and its lookup, one under another."""
    config, vocab = trainer.config, trainer.dataset.vocab
    stored = (
        "nn.Embedding.weight (vocab × dim) rows"
        if config.encoding == "embedding"
        else "the columns of nn.Linear(vocab, dim, bias=False).weight (dim × vocab)"
    )
    st.caption(
        f"Input encoding: {ENCODING_LABELS[config.encoding]}; each character's vector is {stored}. "
        f"{trainer.epoch} epoch(s) recorded."
    )

    # One column: beside the charts, the lookup tables had a third of the page and hid their columns.
    drift = encoding_drift(trainer)
    draw_plotly(st, drift_animation(drift, vocab.chars, width_share()), "embeddings-drift", "embeddings-drift")
    st.caption(
        "Press Play or drag the slider under the chart to watch the characters drift. All epochs are "
        "projected on the same axes (PCA of the last epoch's vectors, by SVD in torch; each axis's "
        "largest entry made positive), so movement is the vectors changing, not the axes."
    )
    kept = trainer.detailed_epochs
    start_at_shown_epoch(trainer, EMBEDDINGS_EPOCH_KEY, EMBEDDINGS_FOLLOWED_EPOCH)  # opens at the epoch Train shows
    epoch = (
        st.select_slider("Epoch of the matrix below and of the lookup tables", kept, key=EMBEDDINGS_EPOCH_KEY)
        if len(kept) > 1
        else kept[0]
    )
    matrix = trainer.encoding_matrix(epoch)
    draw_plotly(st, encoding_heatmap(matrix, vocab.chars, epoch), "embeddings-heatmap", "embeddings-matrix")
    lookup_demo(matrix, vocab.chars)
