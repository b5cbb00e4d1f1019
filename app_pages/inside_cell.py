"""Inside the cell: one step of the trained network's equation, with its actual numbers."""

import streamlit as st

from playground.nn.internals import unrolled_pass
from playground.probes.equations import module_states, step_equation
from ui.core.held_out_strings import strings_to_look_at
from ui.core.refusal import stop_on_refusal
from ui.core.run_summary import show_run_summary
from ui.core.train_here import trained_run
from ui.inside.pickers import inside_pickers
from ui.inside.views import equation_and_checks, step_inputs_and_weights, unit_with_numbers, whole_sequence

st.title("Inside the cell")
trainer = trained_run("inside")
config = trainer.config
show_run_summary()  # after trained_run: a run it starts is shown as trained

dataset, held_out = strings_to_look_at(trainer, "inside-strings")
pick = inside_pickers(trainer, dataset, held_out)
params = trainer.history[pick.epoch - 1].parameters
with stop_on_refusal():
    states = module_states(config, params, dataset)
    equation = step_equation(config, params, states, pick.layer, pick.direction, pick.item, pick.step)
internals = unrolled_pass(config, params, dataset) if held_out else trainer.internals(pick.epoch)

equation_and_checks(config, equation, states, internals, pick.epoch)
unit_with_numbers(equation, pick)
step_inputs_and_weights(equation)
whole_sequence(config, internals, pick)
