"""The Compare page's race: Pause/Continue, progress, the curves, the results and each contender's
predictions, redrawn after every slice of training (`ui.compare.state.COMPARE_RUN`)."""

from __future__ import annotations

import streamlit as st

from charts.compare import comparison_loss_figure, prediction_timeline_figure, results_table
from playground.run.compare import Comparison
from playground.run.history import frame_to_csv
from ui.compare.state import COMPARE_RUN, COMPARISON
from ui.core.draw import chart_theme, draw_plotly
from ui.core.live_run import show_progress
from ui.core.markdown import escape_markdown

PAUSE_BUTTON, CONTINUE_BUTTON = "compare_pause_button", "compare_continue_button"


def _draw(comparison: Comparison, running: bool) -> None:
    """Everything about the comparison; redrawn after every slice of training."""
    show_progress(comparison, running)
    for run in comparison.runs:
        label, error = escape_markdown(run.contender.label), escape_markdown(run.error or "")
        if run.error and run.trainer is None:
            st.error(f"**{label}** cannot train: {error}")
        elif run.error:
            st.warning(f"**{label}** stopped: {error}")
    draw_plotly(st, comparison_loss_figure(comparison, chart_theme()), "compare_loss", "compare-loss")
    st.subheader("Results")
    st.dataframe(
        results_table(comparison),
        hide_index=True,
        column_config={
            "final loss": st.column_config.NumberColumn(format="%.6f"),
            "final test loss": st.column_config.NumberColumn(format="%.6f", help="Loss on the held-out pairs"),
            "test accuracy": st.column_config.NumberColumn(
                format="percent", help="Share of the held-out pairs' characters predicted right"
            ),
            "training time (s)": st.column_config.NumberColumn(format="%.3f"),
            "epochs/s": st.column_config.NumberColumn(format="%.0f"),
        },
        key="compare_table",
    )
    st.subheader("Predictions, epoch by epoch")
    st.caption(
        "Dark blue: the network gives the target character a high probability (the probability "
        "scale of the Train page); the letter is its guess. Steps count from t=0, strings from #0."
    )
    trained = [run for run in comparison.runs if run.trainer is not None and run.trainer.history]
    columns = st.columns(2)
    for index, run in enumerate(trained):
        with columns[index % 2]:
            draw_plotly(
                st, prediction_timeline_figure(run), f"compare_timeline_{index}", f"compare-timeline-{index + 1}"
            )


def _draw_still(comparison: Comparison) -> None:
    """The paused or finished comparison, with its table to download."""
    _draw(comparison, running=False)
    st.download_button(
        "Download the results table (CSV)",
        frame_to_csv(comparison.results_frame()),
        file_name="rnn-playground-comparison.csv",
        mime="text/csv",
        icon=":material/download:",
    )


def comparison_views() -> None:
    """The session's comparison with its Pause or Continue button, or how to start one."""
    comparison = COMPARISON.get()
    if comparison is None:
        st.info("Pick the contenders and press **Train side by side**.")
        return
    if COMPARE_RUN.going():
        st.button("Pause", key=PAUSE_BUTTON, icon=":material/pause:", on_click=COMPARE_RUN.stop)
    elif not comparison.done:
        st.button("Continue", key=CONTINUE_BUTTON, icon=":material/play_arrow:", on_click=COMPARE_RUN.start)
    COMPARE_RUN.show(lambda going: _draw(going, running=True), lambda: _draw_still(comparison))
