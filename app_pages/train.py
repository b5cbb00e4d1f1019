"""Train: type two strings, pick a network, press Train and watch it learn."""

import streamlit as st

from playground import PlaygroundError, check_config
from ui.core.markdown import escape_markdown
from ui.core.session import get_config, set_config
from ui.train.controls import controls_and_views, follow_typed_strings, train_if_the_link_says
from ui.train.network_inputs import network_inputs
from ui.train.own_data import own_data
from ui.train.settings import config_from_widgets, ensure_widgets, model_and_training_settings, preset_and_strings
from ui.train.task_picker import task_picker

# The page keeps to what a learner needs on the first screen (1280×720): strings, buttons and
# the loss and predictions; generating strings and what the network receives are under the views.
st.title("Train a recurrent network")

ensure_widgets(get_config())
follow_typed_strings()
with st.sidebar:
    model_and_training_settings()
preset_and_strings()

dataset = None
try:
    config = config_from_widgets()
    set_config(config)  # a changed setting drops the old run: nothing stale is ever trained
    dataset = check_config(config)
except PlaygroundError as error:
    st.error(escape_markdown(str(error)), icon=":material/error:")  # it quotes the typed text
train_if_the_link_says(config_ok=dataset is not None)
controls_and_views(config_ok=dataset is not None)
task_picker()  # under the views, not above the buttons: it pushed the charts off a 1280×720 screen
own_data()
if dataset is not None:
    network_inputs(dataset, config)
