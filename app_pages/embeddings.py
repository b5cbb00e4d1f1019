"""Embeddings: each character's learned input vector, and how it drifts while training."""

import streamlit as st

from ui.core.run_summary import show_run_summary
from ui.core.train_here import trained_run
from ui.embeddings.views import embeddings_views, offer_a_learned_encoding

st.title("Embeddings")
trainer = trained_run("embeddings")
show_run_summary()  # after trained_run: a run it starts is shown as trained
if trainer.config.encoding == "onehot":
    offer_a_learned_encoding()
else:
    embeddings_views(trainer)
