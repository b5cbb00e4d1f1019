"""Streamlit glue shared by the pages: session state and widgets. No model logic here."""
