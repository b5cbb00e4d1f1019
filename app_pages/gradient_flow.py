"""Gradient flow: how much of the loss's gradient reaches early hidden states, RNN vs LSTM vs GRU,
on the Train page's strings or on this page's remember-the-first-letter task."""

import streamlit as st

from ui.core.refusal import stop_on_refusal
from ui.core.run_summary import show_run_summary
from ui.core.session import get_trainer
from ui.gradient_flow.clipping import clipping_section
from ui.gradient_flow.race import keep_race, race_buttons
from ui.gradient_flow.state import GRADIENT_FLOW_RUN
from ui.gradient_flow.task import gradient_flow_task, show_batch, start_gradient_flow
from ui.gradient_flow.views import gradient_flow_views

trainer = get_trainer()
start_gradient_flow(trainer)
st.title("Gradient flow")
show_run_summary()
contenders, button_slots = gradient_flow_task(trainer)
with stop_on_refusal():  # no room for the race: the sentence says what to close
    keep_race(contenders)
show_batch(contenders)
GRADIENT_FLOW_RUN.advance()
race_buttons(button_slots, contenders)
gradient_flow_views()
clipping_section()
