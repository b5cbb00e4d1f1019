"""RNN Playground: `streamlit run app.py`.

The entry point only declares the pages and the shared frame; each page lives in pages/.
"""

import streamlit as st

from ui.url_sync import restore_config_from_url, sync_url_with_config

st.set_page_config(page_title="RNN Playground", page_icon="🔁", layout="wide")

pages = [
    st.Page("pages/train.py", title="Train", icon="🏋️", default=True),
    st.Page("pages/shapes.py", title="Shapes", icon="📐"),
    st.Page("pages/inside_cell.py", title="Inside the cell", icon="🔬"),
    st.Page("pages/embeddings.py", title="Embeddings", icon="🧭"),
    st.Page("pages/gradient_flow.py", title="Gradient flow", icon="🌊"),
    st.Page("pages/compare.py", title="Compare", icon="🏁"),
    st.Page("pages/export.py", title="Share & export", icon="🔗"),
]

navigation = st.navigation(pages)
st.sidebar.caption(
    "RNN Playground — watch a recurrent network learn to map one string to another. "
    "Built on PyTorch; every number is the one torch computes."
)
restore_config_from_url()  # a shared link sets the experiment on a session's first run
navigation.run()
sync_url_with_config()  # the URL always describes the current experiment
