"""Gradient flow's views: how much gradient reaches each step, a table of first against last,
and the three losses; live, each run's newest epoch, paused or finished, the epoch a slider picks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.gradient_flow import cells_loss_figure, gradient_flow_figure
from playground.lessons.gradient_flow import FlowSummary, flow_summary, gradient_curve
from playground.nn.cells import CELLS
from playground.run.compare import Comparison
from ui.core.draw import chart_theme, draw_plotly
from ui.core.live_run import show_progress
from ui.core.markdown import escape_markdown
from ui.gradient_flow.state import GRADIENT_FLOW_RACE, GRADIENT_FLOW_RUN, STEP_EPOCHS

GRADIENT_FLOW_EPOCH_KEY = "gradient-flow-epoch"


def _summary_table(summaries: list[FlowSummary]) -> None:
    """‖∂L/∂h‖ at the first and last step per core, and when each solved the task."""
    st.dataframe(
        pd.DataFrame(
            {
                "core": [CELLS[s.cell].short for s in summaries],
                "‖∂L/∂h₀‖": [f"{s.first:.1e}" for s in summaries],
                "‖∂L/∂h_last‖": [f"{s.last:.1e}" for s in summaries],
                "first / last": [f"{s.ratio:.1e}" for s in summaries],
                "solved at": [str(s.solved_epoch or "not yet") for s in summaries],  # "... epoch" overflowed the column
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "‖∂L/∂hₜ‖ is the gradient of the whole loss with respect to the hidden state at step t, "
        "through the recurrence (h_t feeds every later step), from the engine's unrolled pass. "
        "'first / last' near 1 means the last step's error reaches the first letter; a tiny "
        "ratio means it vanished on the way."
    )
    st.caption(
        "PyTorch starts an LSTM's forget-gate bias at 0, so f ≈ 0.5 and its memory fades at first "
        "too; it has to learn to keep the gate open before its gradient reaches back. The plain "
        "RNN has no gate to learn."
    )


def _views(race: Comparison, live: bool) -> None:
    """Progress, then the gradients reaching each step and the losses: live, each run's newest
    epoch; paused or finished, the epoch the slider picks."""
    for run in race.runs:
        if run.error:
            st.warning(f"**{run.contender.label.upper()}** stopped: {escape_markdown(run.error)}")
    trained = {cell: trainer for cell, trainer in race.trainers.items() if trainer.epoch > 0}
    if not trained:
        st.info(
            f"Press **+{STEP_EPOCHS} epochs** or **▶ Train live** to start; the curves appear after the first epoch."
        )
        return
    show_progress(race, live, idle="stopped: train more or ▶ Train live")
    epochs = {cell: trainer.epoch for cell, trainer in trained.items()}  # live: each run's latest
    common = sorted(set.intersection(*(set(trainer.detailed_epochs) for trainer in trained.values())))
    if not live and len(common) > 1:
        shown = st.select_slider("Show epoch", common, common[-1], key=GRADIENT_FLOW_EPOCH_KEY)
        epochs = dict.fromkeys(trained, shown)
    curves = {cell: gradient_curve(trainer, epochs[cell]) for cell, trainer in trained.items()}
    dataset = next(iter(trained.values())).dataset
    source_chars = dataset.source_chars[dataset.lengths.index(dataset.seq_len)]  # the longest string: every step
    draw_plotly(st, gradient_flow_figure(curves, epochs, source_chars), "gradient-flow-curves", "gradient-flow")
    table, losses = st.columns([1, 1], gap="large")
    with table:
        _summary_table([flow_summary(trainer, epochs[cell]) for cell, trainer in trained.items()])
    draw_plotly(
        losses,
        cells_loss_figure(
            {c: [r.loss for r in t.history] for c, t in trained.items()},
            {c: t.solved_epoch for c, t in trained.items()},
            max(t.config.epochs for t in trained.values()),
            chart_theme(),
        ),
        "gradient-flow-loss",
        "gradient-flow-loss",
    )


def gradient_flow_views() -> None:
    """The race's views: in a live fragment while it trains, else still."""
    race = GRADIENT_FLOW_RACE.get()
    GRADIENT_FLOW_RUN.show(lambda going: _views(going, live=True), lambda: _views(race, live=False))
