"""Share & export's downloads: the experiment as a PyTorch script, and the trained run's
history, per-step probabilities and model file (or a button to train it here first)."""

from __future__ import annotations

import streamlit as st

from charts.loss import LossRun, loss_figure
from playground import PlaygroundError, RunConfig
from playground.export import export_script, script_file_name
from playground.nn.text import visible
from playground.run.checkpoint import checkpoint_file_name, save_checkpoint
from playground.run.history import epochs_frame, frame_to_csv, probabilities_frame
from ui.core.draw import chart_theme, draw_plotly
from ui.core.markdown import escape_markdown
from ui.core.session import get_trainer
from ui.core.train_here import start_training, training_here
from ui.export.state import EXPORT_SHOW_CODE


def script_section(config: RunConfig) -> None:
    """The script to show or download, or why this experiment cannot be exported yet."""
    st.header("PyTorch script")
    st.caption(
        "A standalone script in the lessons' style: data, model class, loss, optimizer and the training "
        "loop. Run it with `python` and it prints the same losses and predictions as the app."
    )
    try:
        script = export_script(config)
    except PlaygroundError as error:
        st.error(f"This experiment cannot be exported yet: {escape_markdown(str(error))}")
        return
    buttons = st.container(horizontal=True)
    if buttons.button("Show the code", icon=":material/code:"):
        EXPORT_SHOW_CODE.set(not EXPORT_SHOW_CODE.get())
    buttons.download_button(
        "Download the script (.py)",
        script,
        file_name=script_file_name(config),
        mime="text/x-python",
        icon=":material/download:",
    )
    if EXPORT_SHOW_CODE.get():
        st.code(script, language="python", line_numbers=True)


def trained_run_section() -> None:
    """The run's loss curve and its three downloads; while it trains here, only its progress."""
    st.header("Training data and model")
    trainer = get_trainer()
    if training_here("export"):
        return  # its data and model appear when it stops
    if trainer is None or not trainer.history:
        st.info("Nothing trained yet for this experiment. Train it on the Train page, or here in one go.")
        st.button("Train this experiment now", type="primary", key="export-train", on_click=start_training)
        return
    last = trainer.history[-1]
    solved = f", first correct at epoch {trainer.solved_epoch}" if trainer.solved_epoch else ""
    st.success(
        f"Trained {trainer.epoch} of {trainer.config.epochs} epochs: loss {last.loss:.4f}, "
        f"prediction {escape_markdown(visible(' | '.join(last.predictions)))}{solved}."
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
        icon=":material/download:",
    )
    downloads.download_button(
        "Per-step probabilities (CSV)",
        lambda: frame_to_csv(probabilities_frame(trainer)),  # built on click
        file_name="rnn-playground-probabilities.csv",
        mime="text/csv",
        help="One row per epoch, string and time step, with the probability of every character.",
        icon=":material/download:",
    )
    downloads.download_button(
        "Model (.pt)",
        lambda: save_checkpoint(trainer),
        file_name=checkpoint_file_name(trainer.config),
        mime="application/octet-stream",
        help="Weights (state_dict), settings and history in one file; load it here to restore the run.",
        icon=":material/download:",
    )
    with st.expander("History table"):
        st.dataframe(history, hide_index=True)
