"""The Shapes page's answer: every tensor torch returned, and where the final states sit in ``output``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from playground.nn.cells import CELLS
from playground.probes.shapes import ShapeReport


def tensors_table(report: ShapeReport) -> None:
    """One row per tensor: its shape as torch returned it, its dimensions named, the code."""
    st.subheader("Every tensor")
    st.table(
        pd.DataFrame(
            {
                "tensor": [t.name for t in report.tensors],
                "shape (from torch)": [str(tuple(t.shape)) for t in report.tensors],
                "dimensions": [" × ".join(t.dims) for t in report.tensors],
                "code": [t.code for t in report.tensors],
                "note": [t.note for t in report.tensors],
            }
        ).set_index("tensor")
    )


def final_states(report: ShapeReport) -> None:
    """Each measured comparison of ``output`` against the final hidden state, with its verdict."""
    spec = report.spec
    one_way = CELLS[spec.module].hand_looped
    st.subheader("Where the last h sits in the outputs" if one_way else "Where h_n sits inside output")
    for comparison in report.comparisons:
        verdict = ":green[**equal**]" if comparison.equal else ":red[**different**]"
        st.markdown(
            f"`{comparison.left}` vs `{comparison.right}`: {verdict} "
            f"(max |difference| = {comparison.max_abs_diff:.2e}) — {comparison.explanation}."
        )
    if spec.bidirectional:
        st.caption(
            "`output` holds the top layer only; `h_n[-2]` and `h_n[-1]` are its forward and backward "
            "final states. The backward direction reads the sequence from the end, so its final state "
            "is at time step 0, not at the last step."
        )
