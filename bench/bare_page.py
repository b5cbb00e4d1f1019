"""The baseline of bench/first_visit.py: a bare Streamlit page (a title, a text area and a Train button)."""

import streamlit as st

st.title("Bare page")
st.text_area("Strings", "banana → ananab")
st.button("Train")
