"""Class dashboard: the teacher's live view of their class (listed only for a session holding its teacher token)."""

import streamlit as st

from ui.dashboard.views import dashboard

st.title("Class dashboard")
dashboard()
