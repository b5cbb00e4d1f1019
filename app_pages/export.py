"""Share & export: a link to this experiment, its PyTorch script, its data and its model file."""

import streamlit as st

from playground.url_state import config_to_params, data_left_out
from ui.core.classroom_link import teacher_link_form
from ui.core.markdown import escape_markdown, inline_code
from ui.core.run_summary import show_run_summary
from ui.core.session import get_config
from ui.core.url_sync import show_share_link
from ui.export.class_form import class_section
from ui.export.downloads import script_section, trained_run_section
from ui.export.model_upload import model_upload_section

config = get_config()
st.title("Share & export")
show_run_summary()

st.header("Share this experiment")
st.caption(
    "The link holds the strings and every setting that differs from the default experiment, "
    "and opens it on the Train page; the address bar always holds the link for the page you are on."
)
show_share_link()
if left_out := data_left_out(config):
    st.info(escape_markdown(left_out), icon=":material/link_off:")
params = config_to_params(config)
if params:
    st.caption(
        "Settings in the link: "
        + " · ".join(
            inline_code(f"{name}={'/'.join(value) if isinstance(value, list) else value}")
            for name, value in params.items()
        )
    )
else:
    st.caption("This is the default experiment, so the link needs no settings.")

with st.expander("Classroom link: lock or hide controls, add an instruction", icon=":material/school:"):
    teacher_link_form()

class_section()

script_section(config)
trained_run_section()
model_upload_section()
