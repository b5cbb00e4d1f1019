"""What if? Poke the trained network (change an input, clamp a unit) and watch the future change."""

import streamlit as st

from playground.cells import CELLS
from playground.interventions import snapshot, what_if
from ui.inside_run import trained_run
from ui.refusal import stop_on_refusal
from ui.what_if import intervention_controls, view_controls
from ui.what_if_views import side_by_side, trajectory, units_that_matter

st.title("What if?")
trainer = trained_run("whatif")
config, dataset = trainer.config, trainer.dataset
cell = CELLS[config.cell]
st.caption(
    f"The run from the Train page: {cell.module_name}, {config.layers} layer(s), "
    f"{'bidirectional, ' if config.bidirectional else ''}hidden size {config.hidden_size}, "
    f"trained {trainer.epoch} epoch(s). Change one thing and the network runs again from the same weights: "
    "h_t carries the past forward, so everything after the change can move."
)

view = view_controls(trainer.detailed_epochs, config, dataset)
intervention, step = intervention_controls(config, dataset, view)
params = snapshot(trainer, view.epoch)
with stop_on_refusal():
    result = what_if(config, params, dataset, intervention)

side_by_side(config, dataset, result, view, step)
units_that_matter(config, params, dataset, view)
trajectory(trainer, view)
