"""Embeddings: each character's learned input vector, and how it drifts while training."""

import pandas as pd
import streamlit as st

from charts.embeddings import drift_animation, encoding_heatmap
from charts.labels import plain_char
from playground.config import ENCODING_LABELS
from playground.projection import encoding_drift, lookup_equivalence
from ui.draw import draw_plotly
from ui.followed import start_at_shown_epoch
from ui.inside_run import trained_run
from ui.markdown import escape_markdown, inline_code
from ui.run_summary import show_run_summary
from ui.session import get_config
from ui.state import EMBEDDINGS_FOLLOWED_EPOCH
from ui.train_here import start_training

SWITCH_KEY = "embeddings-switch"
EPOCH_KEY = "embeddings-epoch"


def switch_and_train() -> None:
    """Button callback: the current settings with the chosen encoding, trained as the session's run."""
    start_training(get_config().with_changes(encoding=st.session_state[SWITCH_KEY]))


st.title("Embeddings")
trainer = trained_run("embeddings")
if trainer is None:
    st.stop()
show_run_summary()  # after trained_run: a run it starts is shown as trained
config, vocab = trainer.config, trainer.dataset.vocab

if config.encoding == "onehot":
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
    st.button("Switch and train", type="primary", key="embeddings-switch-train", on_click=switch_and_train)
    st.stop()

stored = (
    "nn.Embedding.weight (vocab × dim) rows"
    if config.encoding == "embedding"
    else "the columns of nn.Linear(vocab, dim, bias=False).weight (dim × vocab)"
)
st.caption(
    f"Input encoding: {ENCODING_LABELS[config.encoding]}; each character's vector is {stored}. "
    f"{trainer.epoch} epoch(s) recorded."
)

main, side = st.columns([1.6, 1], gap="large")
with main:
    drift = encoding_drift(trainer)
    draw_plotly(st, drift_animation(drift, vocab.chars), "embeddings-drift", "embeddings-drift")
    st.caption(
        "Press Play or drag the slider under the chart to watch the characters drift. All epochs are "
        "projected on the same axes (PCA of the last epoch's vectors, by SVD in torch; each axis's "
        "largest entry made positive), so movement is the vectors changing, not the axes."
    )
    kept = trainer.detailed_epochs
    start_at_shown_epoch(trainer, EPOCH_KEY, EMBEDDINGS_FOLLOWED_EPOCH)  # opens at the epoch the Train page shows
    epoch = (
        st.select_slider("Epoch of the matrix below and of the lookup tables", kept, key=EPOCH_KEY)
        if len(kept) > 1
        else kept[0]
    )
    matrix = trainer.encoding_matrix(epoch)
    draw_plotly(st, encoding_heatmap(matrix, vocab.chars, epoch), "embeddings-heatmap", "embeddings-matrix")
with side:
    st.subheader("One-hot × W = row lookup")
    index = st.selectbox(
        "Character", range(len(vocab)), format_func=lambda i: plain_char(vocab.chars[i]), key="embeddings-char"
    )
    demo = lookup_equivalence(matrix, vocab.chars, index)
    dims = [f"dim {k}" for k in range(matrix.shape[1])]
    order = inline_code("".join(map(plain_char, vocab.chars)))
    st.markdown(f"One-hot vector of {escape_markdown(plain_char(demo.char))} (vocabulary order {order}):")
    st.dataframe(
        pd.DataFrame([demo.onehot.int().tolist()], columns=[plain_char(c) for c in vocab.chars]), hide_index=True
    )
    st.markdown(
        "`nn.Linear(vocab, dim, bias=False)` stores the matrix transposed; `linear(onehot)` "
        f"multiplies by it and picks out column {index}:"
    )
    st.dataframe(
        pd.DataFrame(demo.linear_weight.tolist(), index=dims, columns=[plain_char(c) for c in vocab.chars])
        .style.format("{:.3f}")
        .highlight_between(subset=[plain_char(demo.char)], color="#fde68a"),
        height=min(400, 38 + 35 * len(dims)),
    )
    st.dataframe(
        pd.DataFrame(
            {
                "linear(onehot)": demo.via_linear.tolist(),
                f"W[{index}] row": demo.via_row.tolist(),
                f"embedding({index})": demo.via_embedding.tolist(),
            },
            index=dims,
        ).style.format("{:.4f}"),
        height=min(400, 38 + 35 * len(dims)),
    )
    st.metric("max |difference| of the three", f"{demo.max_abs_diff:.1e}")
    st.caption(
        "nn.Embedding skips the multiplication and reads the row directly: same numbers, "
        "no vocab-sized one-hot vector, no multiply-by-zero."
    )
