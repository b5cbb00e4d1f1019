"""Compare: several contenders trained side by side on one task, with the same seed."""

import streamlit as st

from ui.compare.setup import compare_setup, share_comparison, start_comparison
from ui.compare.state import COMPARE_RUN
from ui.compare.views import comparison_views
from ui.core.run_summary import show_run_summary

st.title("Compare")
show_run_summary()
st.caption(
    "Train several networks on the same strings with the same seed and watch them race: "
    "every difference in the curves comes from the one setting that differs. Curves that lie "
    "on top of each other are a finding too: the hand-written RNNCell loop and nn.RNN compute "
    "the same function from the same initial weights."
)

setup = compare_setup()
share_comparison(setup)
if setup.start:
    start_comparison(setup)
COMPARE_RUN.advance()
comparison_views()
