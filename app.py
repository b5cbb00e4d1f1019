"""RNN Playground: `streamlit run app.py`.

The entry point only declares the pages and the shared frame; each page lives in pages/.
"""

import streamlit as st

st.set_page_config(page_title="RNN Playground", page_icon="🔁", layout="wide")

pages = [
    st.Page("pages/train.py", title="Train", icon="🏋️", default=True),
]

navigation = st.navigation(pages)
st.sidebar.caption(
    "RNN Playground — watch a recurrent network learn to map one string to another. "
    "Built on PyTorch; every number is the one torch computes."
)
navigation.run()
