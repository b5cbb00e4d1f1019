"""Shapes: every tensor in and out of a recurrent module, as torch returns it."""

import streamlit as st

from charts.shapes import unrolled_diagram
from playground.probes.shapes import measure_shapes
from ui.core.draw import draw_plotly
from ui.core.narrow_screens import width_share
from ui.core.refusal import stop_on_refusal
from ui.core.run_summary import show_run_summary
from ui.core.session import get_trainer
from ui.shapes.controls import DIAGRAM_COLUMN, shapes_controls, start_buttons, start_shapes
from ui.shapes.state import SHAPES_SPEC
from ui.shapes.views import final_states, tensors_table

st.title("Shapes")
show_run_summary()
st.caption(
    "Change a setting: the module is built and run on random input, and every shape below is "
    "read from the tensors torch returned (`tensor.shape`), never computed by formula."
)
trainer = get_trainer()
start_shapes(trainer)
if trainer is not None:
    start_buttons(trainer)

spec, diagram = shapes_controls()
SHAPES_SPEC.set(spec)
with stop_on_refusal():
    report = measure_shapes(spec)

with diagram:
    draw_plotly(st, unrolled_diagram(spec, width_share(DIAGRAM_COLUMN)), "shapes-diagram", "shapes-unrolled")

st.code(report.construction, language="python", wrap_lines=True)  # no scroll box a keyboard cannot reach
tensors_table(report)
final_states(report)
