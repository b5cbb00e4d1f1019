"""Gradient flow: how much of the loss's gradient reaches early hidden states, RNN vs LSTM vs GRU,
on the Train page's strings or on this page's remember-the-first-letter task."""

import pandas as pd
import streamlit as st

from charts.gradient_flow import cells_loss_figure, gradient_flow_figure
from playground import PlaygroundError
from playground.cells import CELLS
from playground.compare import Comparison
from playground.gradient_flow import (
    CUE,
    DEFAULT_LENGTH,
    DEFAULT_LETTERS,
    FILLER,
    flow_summary,
    gradient_curve,
    memory_contenders,
)
from ui.clipping import clipping_section
from ui.draw import chart_theme, draw_plotly
from ui.followed import GRADIENT_FLOW_TASK_KEY, MEMORY_TASK, RUN_TASK, run_contenders, start_gradient_flow
from ui.live_run import GRADIENT_FLOW_RUN, show_progress
from ui.markdown import escape_markdown
from ui.session import get_trainer
from ui.state import GRADIENT_FLOW_RACE
from ui.turns import taking_turns

EPOCH_KEY = "gradient-flow-epoch"
STEP_EPOCHS = 25
CONTROL_COLUMNS = [2, 1, 1, 1, 1]  # the task's own settings, then Train, Train live, Reset

trainer = get_trainer()
start_gradient_flow(trainer)
st.title("Gradient flow")
task = MEMORY_TASK
if trainer is not None:
    task = st.radio(
        "Task",
        (RUN_TASK, MEMORY_TASK),
        key=GRADIENT_FLOW_TASK_KEY,
        horizontal=True,
        format_func={RUN_TASK: "The Train page's strings", MEMORY_TASK: "Remember the first letter"}.get,
        help="Starts from the run you trained; this page's own example needs a long memory on purpose.",
    )
try:
    if task == MEMORY_TASK:
        st.markdown(
            f"Task: remember the first letter. Each source is a letter, a run of `{FILLER}` and a final `{CUE}`; "
            f"the target is `{FILLER}` everywhere except at `{CUE}`, where the network must repeat the first "
            "letter. Only that last step needs the distant past, so the gradient at early steps is what travels "
            "back through the recurrence. The same task, seed and optimizer train an nn.RNN, an nn.LSTM and an "
            "nn.GRU."
        )
        controls = st.columns(CONTROL_COLUMNS)
        length = controls[0].slider("Sequence length", 8, 40, DEFAULT_LENGTH, key="gradient-flow-length")
        letters = controls[1].text_input(
            "Letters to remember", DEFAULT_LETTERS, max_chars=6, key="gradient-flow-letters"
        )
        contenders = memory_contenders(length, letters)
    else:
        config = trainer.config
        shown = " of the first layer" if config.layers > 1 else ""
        shown += ", forward direction" if config.bidirectional else ""
        st.markdown(
            "Task: the Train page's strings, with its sizes, seed and optimizer, trained by an nn.RNN, an "
            "nn.LSTM and an nn.GRU. Every step's loss sends gradient back through the recurrence; the curves "
            f"show how much reaches each step{escape_markdown(shown)}. For a task that needs a long memory, "
            "pick **Remember the first letter**."
        )
        controls = st.columns(CONTROL_COLUMNS)
        contenders = run_contenders(trainer)
except PlaygroundError as error:
    st.error(escape_markdown(str(error)))
    st.stop()
race = GRADIENT_FLOW_RACE.get()
if race is None or race.contenders != contenders:
    race = Comparison(contenders)
    GRADIENT_FLOW_RACE.set(race)
    GRADIENT_FLOW_RUN.clear()

config = contenders[0].config
st.caption("Batch: " + escape_markdown(", ".join(f"{s!r} → {t!r}" for s, t in zip(config.sources, config.targets))))


@taking_turns  # callbacks run before app.py takes its turn
def step_runs() -> None:
    st.session_state.pop(EPOCH_KEY, None)  # show the newest epoch after training
    GRADIENT_FLOW_RACE.get().step(STEP_EPOCHS)


def toggle_live() -> None:
    st.session_state.pop(EPOCH_KEY, None)
    if GRADIENT_FLOW_RUN.going():
        GRADIENT_FLOW_RUN.stop()
    else:
        GRADIENT_FLOW_RUN.start()


def reset_runs() -> None:
    st.session_state.pop(EPOCH_KEY, None)
    GRADIENT_FLOW_RACE.set(Comparison(contenders))
    GRADIENT_FLOW_RUN.clear()


GRADIENT_FLOW_RUN.advance()
race = GRADIENT_FLOW_RACE.get()
running = GRADIENT_FLOW_RUN.going()
controls[2].button(
    f"Train {STEP_EPOCHS} epochs", key="gradient-flow-step", disabled=race.done or running, on_click=step_runs
)
controls[3].button(
    "⏸ Pause" if running else "▶ Train live", key="gradient-flow-live", disabled=race.done, on_click=toggle_live
)
controls[4].button("Reset", key="gradient-flow-reset", on_click=reset_runs)


def views(race: Comparison, live: bool) -> None:
    """Progress, then the gradients reaching each step and the losses: live, each run's newest
    epoch; paused or finished, the epoch the slider picks."""
    for run in race.runs:
        if run.error:
            st.warning(f"**{run.contender.label.upper()}** stopped: {run.error}")
    trained = {cell: trainer for cell, trainer in race.trainers.items() if trainer.epoch > 0}
    if not trained:
        st.info("Press **Train 25 epochs** or **▶ Train live** to start; the curves appear after the first epoch.")
        return
    show_progress(race, live)
    epochs = {cell: trainer.epoch for cell, trainer in trained.items()}  # live: each run's latest
    common = sorted(set.intersection(*(set(trainer.detailed_epochs) for trainer in trained.values())))
    if not live and len(common) > 1:
        shown = st.select_slider("Show epoch", common, common[-1], key=EPOCH_KEY)
        epochs = dict.fromkeys(trained, shown)
    curves = {cell: gradient_curve(trainer, epochs[cell]) for cell, trainer in trained.items()}
    dataset = next(iter(trained.values())).dataset
    source_chars = dataset.source_chars[dataset.lengths.index(dataset.seq_len)]  # the longest string: every step
    draw_plotly(st, gradient_flow_figure(curves, epochs, source_chars), "gradient-flow-curves", "gradient-flow")
    summaries = [flow_summary(trainer, epochs[cell]) for cell, trainer in trained.items()]
    table, losses = st.columns([1, 1], gap="large")
    with table:
        st.dataframe(
            pd.DataFrame(
                {
                    "core": [CELLS[s.cell].short for s in summaries],
                    "‖∂L/∂h₀‖": [f"{s.first:.1e}" for s in summaries],
                    "‖∂L/∂h_last‖": [f"{s.last:.1e}" for s in summaries],
                    "first / last": [f"{s.ratio:.1e}" for s in summaries],
                    "solved at epoch": [str(s.solved_epoch or "not yet") for s in summaries],
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


GRADIENT_FLOW_RUN.show(lambda going: views(going, live=True), lambda: views(race, live=False))

clipping_section()
