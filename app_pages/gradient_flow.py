"""Gradient flow: how much of the loss's gradient reaches early hidden states, RNN vs LSTM vs GRU."""

import pandas as pd
import streamlit as st

from charts.gradient_flow import cells_loss_figure, gradient_flow_figure
from playground import PlaygroundError, Trainer
from playground.gradient_flow import (
    COMPARED_CELLS,
    CUE,
    DEFAULT_LENGTH,
    DEFAULT_LETTERS,
    FILLER,
    flow_summary,
    gradient_curve,
    memory_task_config,
)
from ui.draw import chart_theme, draw_plotly
from ui.markdown import escape_markdown
from ui.turns import taking_turns

RUNS_KEY, RUNNING_KEY, EPOCH_KEY = "gradient-flow-runs", "gradient-flow-running", "gradient-flow-epoch"
SLICE_EPOCHS, SLICE_SECONDS, TICK_SECONDS = 10, 0.3, 0.6

st.title("Gradient flow")
st.markdown(
    f"Task: remember the first letter. Each source is a letter, a run of `{FILLER}` and a final `{CUE}`; "
    f"the target is `{FILLER}` everywhere except at `{CUE}`, where the network must repeat the first letter. "
    "Only that last step needs the distant past, so the gradient at early steps is what travels back "
    "through the recurrence. The same task, seed and optimizer train an nn.RNN, an nn.LSTM and an nn.GRU."
)

controls = st.columns([2, 1, 1, 1, 1])
length = controls[0].slider("Sequence length", 8, 40, DEFAULT_LENGTH, key="gradient-flow-length")
letters = controls[1].text_input("Letters to remember", DEFAULT_LETTERS, max_chars=6, key="gradient-flow-letters")


def build_runs() -> dict[str, Trainer]:
    return {cell: Trainer(memory_task_config(cell, length, letters)) for cell in COMPARED_CELLS}


try:
    runs = st.session_state.get(RUNS_KEY)
    if runs is None or runs["rnn"].config != memory_task_config("rnn", length, letters):
        runs = st.session_state[RUNS_KEY] = build_runs()
        st.session_state[RUNNING_KEY] = False
except PlaygroundError as error:
    st.error(escape_markdown(str(error)))
    st.stop()

example = runs["rnn"].dataset
st.caption("Batch: " + escape_markdown(", ".join(f"{s!r} → {t!r}" for s, t in zip(example.sources, example.targets))))


@taking_turns  # callbacks run before app.py takes its turn
def step_runs() -> None:
    st.session_state.pop(EPOCH_KEY, None)  # show the newest epoch after training
    for trainer in st.session_state[RUNS_KEY].values():
        trainer.train(max_epochs=25)


def toggle_live() -> None:
    st.session_state.pop(EPOCH_KEY, None)
    st.session_state[RUNNING_KEY] = not st.session_state.get(RUNNING_KEY, False)


@taking_turns  # callbacks run before app.py takes its turn
def reset_runs() -> None:
    st.session_state.pop(EPOCH_KEY, None)
    st.session_state[RUNS_KEY] = build_runs()
    st.session_state[RUNNING_KEY] = False


runs = st.session_state[RUNS_KEY]
done = all(trainer.done for trainer in runs.values())
running = st.session_state.get(RUNNING_KEY, False) and not done
controls[2].button("Train 25 epochs", key="gradient-flow-step", disabled=done or running, on_click=step_runs)
controls[3].button("⏸ Pause" if running else "▶ Train live", key="gradient-flow-live", disabled=done,
                   on_click=toggle_live)
controls[4].button("Reset", key="gradient-flow-reset", on_click=reset_runs)


@st.fragment(run_every=TICK_SECONDS if running else None)
@taking_turns
def live_view() -> None:
    """Train a short slice of every run (when live), then draw the latest gradients."""
    runs = st.session_state[RUNS_KEY]
    if st.session_state.get(RUNNING_KEY):
        for trainer in runs.values():
            trainer.train(max_epochs=SLICE_EPOCHS, max_seconds=SLICE_SECONDS)
        if all(trainer.done for trainer in runs.values()):
            st.session_state[RUNNING_KEY] = False
            st.rerun(scope="app")
    trained = {cell: trainer for cell, trainer in runs.items() if trainer.epoch > 0}
    if not trained:
        st.info("Press **Train 25 epochs** or **▶ Train live** to start; the curves appear after the first epoch.")
        return
    epochs = {cell: trainer.epoch for cell, trainer in trained.items()}  # live: each run's latest
    common = sorted(set.intersection(*(set(trainer.detailed_epochs) for trainer in trained.values())))
    if not st.session_state.get(RUNNING_KEY) and len(common) > 1:
        shown = st.select_slider("Show epoch", common, common[-1], key=EPOCH_KEY)
        epochs = dict.fromkeys(trained, shown)
    curves = {cell: gradient_curve(trainer, epochs[cell]) for cell, trainer in trained.items()}
    draw_plotly(st, gradient_flow_figure(curves, epochs, example.source_chars[0]), "gradient-flow-curves",
                "gradient-flow")
    summaries = [flow_summary(trainer, epochs[cell]) for cell, trainer in trained.items()]
    table, losses = st.columns([1, 1], gap="large")
    with table:
        st.dataframe(pd.DataFrame({
            "core": [s.cell.upper() for s in summaries],
            "‖∂L/∂h₀‖": [f"{s.first:.1e}" for s in summaries],
            "‖∂L/∂h_last‖": [f"{s.last:.1e}" for s in summaries],
            "first / last": [f"{s.ratio:.1e}" for s in summaries],
            "solved at epoch": [str(s.solved_epoch or "not yet") for s in summaries],
        }), hide_index=True, width="stretch")
        st.caption("‖∂L/∂hₜ‖ is the gradient of the whole loss with respect to the hidden state at step t, "
                   "through the recurrence (h_t feeds every later step), from the engine's unrolled pass. "
                   "'first / last' near 1 means the last step's error reaches the first letter; a tiny "
                   "ratio means it vanished on the way.")
        st.caption("PyTorch starts an LSTM's forget-gate bias at 0, so f ≈ 0.5 and its memory fades at first "
                   "too; it has to learn to keep the gate open before its gradient reaches back. The plain "
                   "RNN has no gate to learn.")
    draw_plotly(losses, cells_loss_figure({c: [r.loss for r in t.history] for c, t in trained.items()},
                                          {c: t.solved_epoch for c, t in trained.items()},
                                          max(t.config.epochs for t in trained.values()), chart_theme()),
                "gradient-flow-loss", "gradient-flow-loss")


live_view()
