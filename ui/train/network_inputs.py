"""What the network receives: the vocabulary, the index tensors and the one-hot vectors.

The tensors are drawn only when the learner turns on their toggle: an expander's content is sent
and drawn even while it is collapsed, and the one-hot chart (plotly.js) and the two data grids
were most of what a first visit's browser had to load (docs/performance.md, bench/first_visit.py).
"""

from __future__ import annotations

import streamlit as st

from charts.train.onehot import onehot_figure
from playground import RunConfig
from playground.nn.data import PAD_SOURCE, PAD_TARGET, Dataset
from playground.nn.text import visible
from ui.core.draw import chart_theme, draw_plotly
from ui.core.markdown import escape_markdown

ENCODING_NOTES = {
    "onehot": "fed to the core as is",
    "embedding": "nn.Embedding picks the same rows of its weight by index, without building it",
    "linear": "multiplied by the nn.Linear weight to give the core's input",
}
SHOW_TENSORS_KEY = "network_inputs_show"


def network_inputs(dataset: Dataset, config: RunConfig) -> None:
    """The vocabulary as a caption, and the tensors built from the strings in an expander."""
    vocab = dataset.vocab.chars
    st.caption(
        f"**Vocabulary** ({len(vocab)} characters, index → character): "
        + " · ".join(f"{i} → **{escape_markdown(visible(c)) if c.strip() else '␣'}**" for i, c in enumerate(vocab))
    )
    if not st.toggle("What the network receives: indices and one-hot tensors", key=SHOW_TENSORS_KEY):
        return
    import pandas as pd  # here, not at the top: a page that never shows the grids never imports it

    with st.container(border=True):
        steps = [f"t={t}" for t in range(dataset.seq_len)]
        rows = [f"pair {b + 1}" for b in range(dataset.batch_size)]
        left, right = st.columns(2)

        def grid(indices: list[list[int]]) -> pd.DataFrame:  # a pair's padding shown as empty cells
            cut = [row[:length] + [None] * (len(row) - length) for row, length in zip(indices, dataset.lengths)]
            return pd.DataFrame(cut, index=rows, columns=steps, dtype="Int64")

        left.markdown(f"**Source indices** `{tuple(dataset.source_indices.shape)}` (batch, seq)")
        left.dataframe(grid(dataset.source_indices.tolist()))
        right.markdown(f"**Target indices** `{tuple(dataset.target_indices.shape)}` (batch, seq)")
        right.dataframe(grid(dataset.target_indices.tolist()))
        if dataset.padded:
            st.caption(
                f"The pairs differ in length, so the shorter ones are padded to {dataset.seq_len} steps: the cells "
                f"shown as None hold {PAD_SOURCE} in the source tensor and {PAD_TARGET} in the target tensor, which "
                "the loss ignores. The network runs each pair only up to its own length: the padding is no character."
            )
        st.markdown(
            f"**One-hot input** `{tuple(dataset.source_onehot.shape)}` "
            f"(batch, seq, vocab), pair 1; {ENCODING_NOTES[config.encoding]}."
        )
        draw_plotly(
            st,
            onehot_figure(
                dataset.source_onehot[0, : dataset.lengths[0]], vocab, dataset.source_chars[0], chart_theme()
            ),
            "train_onehot_chart",
            "train-onehot",
        )
