"""Gradient flow's three runs as one race (`ui.gradient_flow.state.GRADIENT_FLOW_RUN`) and its buttons:
+25 epochs, Train live / Pause, Reset.

The race is kept while its task stays the same, so coming back to the page finds it where it
was; a new task starts a new race. Every button shows the newest epoch afterwards, so the
views' epoch slider (`ui.gradient_flow.views.GRADIENT_FLOW_EPOCH_KEY`) is forgotten first.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.run.compare import Comparison, Contender
from ui.core.budgets import make_room
from ui.core.script_turns import taking_turns
from ui.gradient_flow.state import GRADIENT_FLOW_RACE, GRADIENT_FLOW_RUN, STEP_EPOCHS
from ui.gradient_flow.views import GRADIENT_FLOW_EPOCH_KEY


def keep_race(contenders: list[Contender]) -> None:
    """The session's race, unless it trains other contenders: then a new one, not going (refused
    with `ui.core.budgets.BudgetFull` when the session's memory has no room for it)."""
    race = GRADIENT_FLOW_RACE.get()
    if race is None or race.contenders != contenders:
        race = Comparison(contenders)
        make_room(race, replacing=GRADIENT_FLOW_RACE)
        GRADIENT_FLOW_RACE.set(race)
        GRADIENT_FLOW_RUN.clear()


@taking_turns  # callbacks run before app.py takes its turn
def _step_runs() -> None:
    st.session_state.pop(GRADIENT_FLOW_EPOCH_KEY, None)  # show the newest epoch after training
    GRADIENT_FLOW_RACE.get().step(STEP_EPOCHS)


def _toggle_live() -> None:
    st.session_state.pop(GRADIENT_FLOW_EPOCH_KEY, None)
    if GRADIENT_FLOW_RUN.going():
        GRADIENT_FLOW_RUN.stop()
    else:
        GRADIENT_FLOW_RUN.start()


def _reset_runs(contenders: list[Contender]) -> None:
    st.session_state.pop(GRADIENT_FLOW_EPOCH_KEY, None)
    GRADIENT_FLOW_RACE.set(Comparison(contenders))
    GRADIENT_FLOW_RUN.clear()


def race_buttons(slots: list[Any], contenders: list[Contender]) -> None:
    """The three buttons, one per slot of the task's row."""
    race = GRADIENT_FLOW_RACE.get()
    running = GRADIENT_FLOW_RUN.going()
    step, live, reset = slots
    step.button(
        f"+{STEP_EPOCHS} epochs",
        key="gradient-flow-step",
        disabled=race.done or running,
        on_click=_step_runs,
        help=f"Train the three runs {STEP_EPOCHS} more epochs, then stop.",
    )
    live.button(
        "⏸ Pause" if running else "▶ Train live", key="gradient-flow-live", disabled=race.done, on_click=_toggle_live
    )
    reset.button("Reset", key="gradient-flow-reset", on_click=_reset_runs, args=(contenders,))
