"""Gradient flow: how much of the loss's gradient reaches early hidden states, RNN vs LSTM vs GRU,
on the Train page's strings or on this page's remember-the-first-letter task."""

import streamlit as st

from ui.clipping import clipping_section
from ui.followed import start_gradient_flow
from ui.gradient_flow_race import keep_race, race_buttons
from ui.gradient_flow_task import gradient_flow_task, show_batch
from ui.gradient_flow_views import gradient_flow_views
from ui.live_run import GRADIENT_FLOW_RUN
from ui.session import get_trainer

trainer = get_trainer()
start_gradient_flow(trainer)
st.title("Gradient flow")
contenders, button_slots = gradient_flow_task(trainer)
keep_race(contenders)
show_batch(contenders)
GRADIENT_FLOW_RUN.advance()
race_buttons(button_slots, contenders)
gradient_flow_views()
clipping_section()
