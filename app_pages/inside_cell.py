"""Inside the cell: one step of the trained network's equation, with its actual numbers."""

import streamlit as st

from playground.cells import CELLS
from playground.equations import module_states, step_equation
from ui.inside_pickers import inside_pickers
from ui.inside_run import trained_run
from ui.inside_views import equation_and_checks, step_inputs_and_weights, unit_with_numbers, whole_sequence
from ui.markdown import escape_markdown
from ui.refusal import stop_on_refusal

st.title("Inside the cell")
trainer = trained_run("inside")
config, dataset = trainer.config, trainer.dataset
module_name = CELLS[config.cell].module_name
st.caption(
    f"The run from the Train page: {module_name}, {config.layers} layer(s), "
    f"{'bidirectional, ' if config.bidirectional else ''}hidden size {config.hidden_size}, "
    f"trained {trainer.epoch} epoch(s) on {escape_markdown(', '.join(repr(s) for s in dataset.sources))}."
)

pick = inside_pickers(trainer)
params = trainer.history[pick.epoch - 1].parameters
with stop_on_refusal():
    states = module_states(config, params, dataset)
    equation = step_equation(config, params, states, pick.layer, pick.direction, pick.item, pick.step)
internals = trainer.internals(pick.epoch)

equation_and_checks(config, equation, states, internals, pick.epoch)
unit_with_numbers(equation, pick)
step_inputs_and_weights(equation)
whole_sequence(config, internals, pick)
