"""Embeddings' side panel: one-hot × W is a row lookup, shown with the run's own matrix.

The same character's vector three ways (nn.Linear on its one-hot vector, row W[i], and
nn.Embedding(i)) with the largest difference between them, so the learner sees why
nn.Embedding can skip the multiplication.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
import torch

from charts.labels import plain_char
from playground.probes.projection import lookup_equivalence
from ui.core.markdown import escape_markdown, inline_code


def lookup_demo(matrix: torch.Tensor, chars: tuple[str, ...]) -> None:
    """Pick a character; show its one-hot vector, nn.Linear's stored matrix and the three results."""
    st.subheader("One-hot × W = row lookup")
    index = st.selectbox(
        "Character", range(len(chars)), format_func=lambda i: plain_char(chars[i]), key="embeddings-char"
    )
    demo = lookup_equivalence(matrix, chars, index)
    dims = [f"dim {k}" for k in range(matrix.shape[1])]
    order = inline_code("".join(map(plain_char, chars)))
    st.markdown(f"One-hot vector of {escape_markdown(plain_char(demo.char))} (vocabulary order {order}):")
    st.dataframe(pd.DataFrame([demo.onehot.int().tolist()], columns=[plain_char(c) for c in chars]), hide_index=True)
    st.markdown(
        "`nn.Linear(vocab, dim, bias=False)` stores the matrix transposed; `linear(onehot)` "
        f"multiplies by it and picks out column {index}:"
    )
    st.dataframe(
        pd.DataFrame(demo.linear_weight.tolist(), index=dims, columns=[plain_char(c) for c in chars])
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
