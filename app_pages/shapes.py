"""Shapes: every tensor in and out of a recurrent module, as torch returns it."""

import pandas as pd
import streamlit as st

from charts.shapes import unrolled_diagram
from playground import PlaygroundError
from playground.cells import CELLS
from playground.shapes import MAX_BATCH, MAX_FEATURES, MAX_LAYERS, MAX_SEQ_LEN, MODULES, ShapeSpec
from playground.torch_shapes import run_shapes as shapes_report
from ui.draw import draw_plotly
from ui.followed import SHAPES_EXAMPLE, SHAPES_KEYS, run_shapes, set_shapes_widgets, start_shapes
from ui.session import get_trainer
from ui.state import SHAPES_SPEC

st.title("Shapes")
st.caption(
    "Change a setting: the module is built and run on random input, and every shape below is "
    "read from the tensors torch returned (`tensor.shape`), never computed by formula."
)
trainer = get_trainer()
start_shapes(trainer)
if trainer is not None:
    run_spec, capped = run_shapes(trainer)
    st.caption(
        f"Starts from the Train page's run ({CELLS[trainer.config.cell].module_name})"
        + (f", within this page's caps ({', '.join(capped)})" if capped else "")
        + "."
    )
    use_run, use_example = st.columns(2)
    use_run.button("The trained run's sizes", key="shapes-use-run", on_click=set_shapes_widgets, args=(run_spec,))
    use_example.button(
        "This page's example", key="shapes-use-example", on_click=set_shapes_widgets, args=(SHAPES_EXAMPLE,)
    )

controls, diagram = st.columns([1, 2.2], gap="large")
with controls:
    module = st.radio(
        "Module",
        MODULES,
        horizontal=True,
        key=SHAPES_KEYS["module"],
        format_func=lambda m: CELLS[m].short,
        help=", ".join(cell.label for cell in CELLS.values()),
    )
    left, right = st.columns(2)
    seq_len = left.number_input("seq_len", 1, MAX_SEQ_LEN, key=SHAPES_KEYS["seq_len"])
    batch = right.number_input("batch size", 1, MAX_BATCH, key=SHAPES_KEYS["batch_size"])
    input_size = left.number_input("input_size", 1, MAX_FEATURES, key=SHAPES_KEYS["input_size"])
    hidden_size = right.number_input("hidden_size", 1, MAX_FEATURES, key=SHAPES_KEYS["hidden_size"])
    layers = left.number_input("num_layers", 1, MAX_LAYERS, key=SHAPES_KEYS["layers"])
    one_way = CELLS[module].hand_looped  # a hand loop of cells runs forward in time only
    bidirectional = st.checkbox(
        "bidirectional",
        key=SHAPES_KEYS["bidirectional"],
        disabled=one_way,
        help=f"{CELLS[module].module_name} runs one direction only" if one_way else None,
    )
    batch_first = st.checkbox("batch_first", key=SHAPES_KEYS["batch_first"])

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
SHAPES_SPEC.set(spec)
try:
    report = shapes_report(spec)
except PlaygroundError as error:
    st.error(str(error))
    st.stop()

with diagram:
    draw_plotly(st, unrolled_diagram(spec), "shapes-diagram", "shapes-unrolled")

st.code(report.construction, language="python", wrap_lines=True)  # no scroll box a keyboard cannot reach
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
