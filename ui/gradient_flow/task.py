"""Gradient flow's task: the Train page's strings, or the page's remember-the-first-letter example.

Which one is picked first is `start_gradient_flow`'s choice (below); this draws the
choice, explains the task, and returns the three contenders (RNN, LSTM, GRU) that train on it.
The task's own settings share one row with the race's buttons (`ui.gradient_flow.race`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground import Trainer
from playground.lessons.gradient_flow import (
    COMPARED_CELLS,
    CUE,
    DEFAULT_LENGTH,
    DEFAULT_LETTERS,
    FILLER,
    memory_contenders,
)
from playground.run.compare import Contender
from ui.core.markdown import escape_markdown
from ui.core.refusal import stop_on_refusal
from ui.gradient_flow.state import (
    GRADIENT_FLOW_FOLLOWED_RUN,
    GRADIENT_FLOW_RACE,
    GRADIENT_FLOW_TASK_KEY,
    MEMORY_TASK,
    RUN_TASK,
)

CONTROL_COLUMNS = [2, 1, 1, 1, 1]  # the task's own settings, then Train, Train live, Reset


def gradient_flow_task(trainer: Trainer | None) -> tuple[list[Contender], list[Any]]:
    """The task's choice, explanation and settings; its contenders, and the row's three slots
    left for the race's buttons. Bad letters stop the page with the engine's sentence."""
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
    with stop_on_refusal():
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
    return contenders, controls[2:]


def show_batch(contenders: list[Contender]) -> None:
    """The strings the three cores train on, as pairs."""
    config = contenders[0].config
    st.caption("Batch: " + escape_markdown(", ".join(f"{s!r} → {t!r}" for s, t in zip(config.sources, config.targets))))


def run_contenders(trainer: Trainer) -> list[Contender]:
    """The Train run's task (strings, sizes, optimizer, seed) once per compared core."""
    return [Contender(cell, trainer.config.with_changes(cell=cell)) for cell in COMPARED_CELLS]


def start_gradient_flow(trainer: Trainer | None, state: Any = None) -> None:
    """Choose Gradient flow's task before its radio is drawn: a run the page has not started
    from yet brings its own strings; otherwise the task the page's three runs are on (Streamlit
    forgets the radio on another page), so coming back never throws their training away."""
    state = st.session_state if state is None else state
    if trainer is None:
        state[GRADIENT_FLOW_TASK_KEY] = MEMORY_TASK
        return
    if GRADIENT_FLOW_FOLLOWED_RUN.get(state) != id(trainer):
        GRADIENT_FLOW_FOLLOWED_RUN.set(id(trainer), state)
        state[GRADIENT_FLOW_TASK_KEY] = RUN_TASK
    elif GRADIENT_FLOW_TASK_KEY not in state:
        race = GRADIENT_FLOW_RACE.get(state)
        on_run = race is None or race.contenders == run_contenders(trainer)
        state[GRADIENT_FLOW_TASK_KEY] = RUN_TASK if on_run else MEMORY_TASK
