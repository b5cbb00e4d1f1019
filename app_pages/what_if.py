"""What if? Poke the trained network (change an input, clamp a unit) and watch the future change."""

import streamlit as st

from playground.probes.interventions import snapshot, what_if
from ui.core.held_out_strings import strings_to_look_at
from ui.core.refusal import stop_on_refusal
from ui.core.run_summary import show_run_summary
from ui.core.shown_epoch import start_at_shown_epoch
from ui.core.train_here import trained_run
from ui.what_if.controls import WHAT_IF_EPOCH_KEY, intervention_controls, view_controls
from ui.what_if.state import WHAT_IF_FOLLOWED_EPOCH
from ui.what_if.views import side_by_side, trajectory, units_that_matter

st.title("What if?")
trainer = trained_run("whatif")
config = trainer.config
show_run_summary()  # after trained_run: a run it starts is shown as trained
st.caption(
    "Change one thing and the network runs again from the same weights: "
    "h_t carries the past forward, so everything after the change can move."
)

start_at_shown_epoch(trainer, WHAT_IF_EPOCH_KEY, WHAT_IF_FOLLOWED_EPOCH)  # opens at the epoch the Train page shows
dataset, held_out = strings_to_look_at(trainer, "whatif-strings")
view = view_controls(trainer.detailed_epochs, config, dataset, held_out)
intervention, step = intervention_controls(config, dataset, view)
params = snapshot(trainer, view.epoch)
with stop_on_refusal():
    result = what_if(config, params, dataset, intervention)

side_by_side(config, dataset, result, view, step)
units_that_matter(config, params, dataset, view)
trajectory(trainer, view, held_out)
