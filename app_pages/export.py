"""Share & export: a link to this experiment, its PyTorch script, its data and its model file."""

import streamlit as st

from charts.loss import LossRun, loss_figure
from playground import PlaygroundError
from playground.checkpoint import Replay, checkpoint_file_name, load_checkpoint, save_checkpoint
from playground.export import export_script, script_file_name
from playground.history import epochs_frame, frame_to_csv, probabilities_frame
from playground.url_state import config_to_params
from ui.classroom_link import teacher_link_form
from ui.draw import chart_theme, draw_plotly
from ui.live_run import REPLAY_RUN, show_progress
from ui.markdown import escape_markdown, inline_code
from ui.run_summary import show_run_summary
from ui.session import get_config, get_trainer, use_trainer
from ui.state import EXPORT_LOADED_FILE, EXPORT_REPLAY, EXPORT_SHOW_CODE
from ui.train_here import start_training, training_here
from ui.url_sync import show_share_link

config = get_config()
st.title("Share & export")
show_run_summary()

st.header("Share this experiment")
st.caption(
    "The link holds the strings and every setting that differs from the default experiment, "
    "and opens this page; the address bar always holds the same link for the page you are on."
)
show_share_link()
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

st.header("PyTorch script")
st.caption(
    "A standalone script in the lessons' style: data, model class, loss, optimizer and the training "
    "loop. Run it with `python` and it prints the same losses and predictions as the app."
)
try:
    script = export_script(config)
except PlaygroundError as error:
    st.error(f"This experiment cannot be exported yet: {escape_markdown(str(error))}")
else:
    buttons = st.container(horizontal=True)
    if buttons.button("Show the code", icon="🐍"):
        EXPORT_SHOW_CODE.set(not EXPORT_SHOW_CODE.get())
    buttons.download_button(
        "Download the script (.py)", script, file_name=script_file_name(config), mime="text/x-python", icon="⬇️"
    )
    if EXPORT_SHOW_CODE.get():
        st.code(script, language="python", line_numbers=True)

st.header("Training data and model")
trainer = get_trainer()
if training_here("export"):
    pass  # its data and model appear when it stops
elif trainer is None or not trainer.history:
    st.info("Nothing trained yet for this experiment. Train it on the Train page, or here in one go.")
    st.button("Train this experiment now", type="primary", key="export-train", on_click=start_training)
else:
    last = trainer.history[-1]
    solved = f", first correct at epoch {trainer.solved_epoch}" if trainer.solved_epoch else ""
    st.success(
        f"Trained {trainer.epoch} of {trainer.config.epochs} epochs: loss {last.loss:.4f}, "
        f"prediction {escape_markdown(' | '.join(last.predictions))}{solved}."
    )
    history = epochs_frame(trainer)
    figure = loss_figure(
        [LossRun([record.loss for record in trainer.history])],
        total_epochs=trainer.config.epochs,
        title="Loss per epoch",
        height=260,
        theme=chart_theme(),
    )
    draw_plotly(st, figure, "export_loss_chart", "training-loss")
    downloads = st.container(horizontal=True)
    downloads.download_button(
        "History (CSV)",
        frame_to_csv(history),
        file_name="rnn-playground-history.csv",
        mime="text/csv",
        help="One row per epoch: loss, prediction and whether it was correct.",
        icon="⬇️",
    )
    downloads.download_button(
        "Per-step probabilities (CSV)",
        lambda: frame_to_csv(probabilities_frame(trainer)),  # built on click
        file_name="rnn-playground-probabilities.csv",
        mime="text/csv",
        help="One row per epoch, string and time step, with the probability of every character.",
        icon="⬇️",
    )
    downloads.download_button(
        "Model (.pt)",
        lambda: save_checkpoint(trainer),
        file_name=checkpoint_file_name(trainer.config),
        mime="application/octet-stream",
        help="Weights (state_dict), settings and history in one file; load it here to restore the run.",
        icon="⬇️",
    )
    with st.expander("History table"):
        st.dataframe(history, hide_index=True)

st.header("Load a saved model")
st.caption(
    "A .pt file saved here restores its experiment: the run is replayed with the same seed and "
    "checked against the file's weights and history, so every page shows it again."
)
uploaded = st.file_uploader("Model file", type=["pt"], label_visibility="collapsed")
if uploaded is not None and EXPORT_LOADED_FILE.get() != uploaded.file_id:
    try:
        EXPORT_REPLAY.set(Replay(load_checkpoint(uploaded.getvalue())))
    except PlaygroundError as error:
        st.error(f"{escape_markdown(uploaded.name)} was not loaded: {escape_markdown(str(error))}")
    else:
        EXPORT_LOADED_FILE.set(uploaded.file_id)
        REPLAY_RUN.start()
REPLAY_RUN.advance()
replay = EXPORT_REPLAY.get()
if replay is not None and replay.verified:
    EXPORT_REPLAY.clear()
    use_trainer(replay.trainer)
    st.rerun()
elif REPLAY_RUN.going():
    st.caption("Replaying the saved run with its seed, then checking it against the file…")
    REPLAY_RUN.show(lambda going: show_progress(going, running=True), lambda: None)
elif replay is not None:  # the replay stopped on a contradiction or the host's cap
    REPLAY_RUN.show_error()
elif uploaded is not None:
    restored = get_trainer()
    if restored is not None and restored.history:
        st.success(
            f"Restored {escape_markdown(uploaded.name)}: {restored.epoch} epochs, predicting "
            f"{escape_markdown(' | '.join(restored.history[-1].predictions))}; its weights equal the file's."
        )
