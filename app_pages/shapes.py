"""Shapes: every tensor in and out of a recurrent module, as torch returns it."""

import pandas as pd
import streamlit as st

from charts.shapes import unrolled_diagram
from playground import PlaygroundError
from playground.cells import CELLS
from playground.shapes import MAX_BATCH, MAX_FEATURES, MAX_LAYERS, MAX_SEQ_LEN, MODULES, ShapeSpec, run_shapes
from ui.draw import draw_plotly

st.title("Shapes")
st.caption(
    "Change a setting: the module is built and run on random input, and every shape below is "
    "read from the tensors torch returned (`tensor.shape`), never computed by formula."
)

controls, diagram = st.columns([1, 2.2], gap="large")
with controls:
    module = st.radio(
        "Module",
        MODULES,
        index=1,
        horizontal=True,
        key="shapes-module",
        format_func=lambda m: CELLS[m].short,
        help=", ".join(cell.label for cell in CELLS.values()),
    )
    left, right = st.columns(2)
    seq_len = left.number_input("seq_len", 1, MAX_SEQ_LEN, 5, key="shapes-seq")
    batch = right.number_input("batch size", 1, MAX_BATCH, 3, key="shapes-batch")
    input_size = left.number_input("input_size", 1, MAX_FEATURES, 4, key="shapes-input")
    hidden_size = right.number_input("hidden_size", 1, MAX_FEATURES, 2, key="shapes-hidden")
    layers = left.number_input("num_layers", 1, MAX_LAYERS, 1, key="shapes-layers")
    one_way = CELLS[module].hand_looped  # a hand loop of cells runs forward in time only
    bidirectional = st.checkbox(
        "bidirectional",
        key="shapes-bidirectional",
        disabled=one_way,
        help=f"{CELLS[module].module_name} runs one direction only" if one_way else None,
    )
    batch_first = st.checkbox("batch_first", key="shapes-batch-first")

spec = ShapeSpec(
    module=module,
    seq_len=int(seq_len),
    batch_size=int(batch),
    input_size=int(input_size),
    hidden_size=int(hidden_size),
    layers=int(layers),
    bidirectional=bidirectional and not one_way,
    batch_first=batch_first,
)
try:
    report = run_shapes(spec)
except PlaygroundError as error:
    st.error(str(error))
    st.stop()

with diagram:
    draw_plotly(st, unrolled_diagram(spec), "shapes-diagram", "shapes-unrolled")

st.code(report.construction, language="python")
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
