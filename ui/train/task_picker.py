"""The Train page's task generator: a task of the ladder, a length and a number of pairs.

"Fill the strings" writes the generated pairs (seeded by the page's Seed) and the settings
that suit the task into the Train page's controls, as a preset does; the learner then
changes whatever they like. The tasks themselves live in `playground.lessons.tasks`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground import PlaygroundError
from playground.lessons.tasks import (
    DEFAULT_DELAY,
    DEFAULT_LENGTH,
    DEFAULT_PAIRS,
    DEFAULT_TEST_PAIRS,
    GENERATED_TASKS,
    TaskOptions,
    held_out_note,
    task_config,
)
from playground.run.limits import LIMITS
from ui.core.markdown import escape_markdown
from ui.core.session import change_experiment, get_config
from ui.train.settings import change_notice, config_from_widgets
from ui.train.state import TASK_PICKER_ERROR, TASK_PICKER_NOTE

TASK_KEY, LENGTH_KEY, PAIRS_KEY, TEST_PAIRS_KEY, DELAY_KEY = (
    "task_picker_task",
    "task_picker_length",
    "task_picker_pairs",
    "task_picker_test_pairs",
    "task_picker_delay",
)
FILL_BUTTON = "task_picker_fill"
GENERATED_TASK_SOURCE = "Generated task "  # how a fill's change notice begins


def whole_number(key: str, what: str) -> int:
    """A number box's value as a whole number; `PlaygroundError` for an empty or fractional box."""
    value: Any = st.session_state.get(key)
    if not isinstance(value, (int, float)) or value != int(value):
        raise PlaygroundError(f"The {what} must be a whole number.")
    return int(value)


def _fill() -> None:
    """Button callback: generate the pairs and write them, with the task's settings, into the controls."""
    TASK_PICKER_ERROR.clear()
    TASK_PICKER_NOTE.clear()
    try:
        base = config_from_widgets()
    except PlaygroundError:
        base = get_config()  # a bad number elsewhere on the page: start from the last good settings
    try:
        options = TaskOptions(
            length=whole_number(LENGTH_KEY, "length"),
            pairs=whole_number(PAIRS_KEY, "number of pairs"),
            delay=whole_number(DELAY_KEY, "delay"),
            seed=base.seed,
            test_pairs=whole_number(TEST_PAIRS_KEY, "number of test pairs"),
        )
        config = task_config(st.session_state[TASK_KEY], options, base)
    except PlaygroundError as error:
        TASK_PICKER_ERROR.set(str(error))
        return
    TASK_PICKER_NOTE.set(held_out_note(options, config))  # fewer held-out strings than asked for: said, filled
    change_experiment(config, f"{GENERATED_TASK_SOURCE}“{GENERATED_TASKS[st.session_state[TASK_KEY]].title}”")


def whole_box(column: Any, label: str, key: str, default: int, help: str, disabled: bool = False) -> None:
    """A whole-number box whose default is the value it holds (a task's suggestion written by
    `_suggest_options`), so a rerun the browser sends before applying that value does not carry
    the old default back."""
    value = st.session_state.get(key, default)
    column.number_input(
        label, value=value if isinstance(value, int) else default, step=1, key=key, help=help, disabled=disabled
    )


def _suggest_options() -> None:
    """A task just picked: its length, pairs and delay start where its explanation says."""
    suggested = GENERATED_TASKS[st.session_state[TASK_KEY]].suggested
    st.session_state[LENGTH_KEY], st.session_state[PAIRS_KEY] = suggested.length, suggested.pairs
    st.session_state[DELAY_KEY] = suggested.delay


def task_picker() -> None:
    """A collapsed panel beside the presets: pick a task, its length and pairs, fill the strings."""
    with st.expander("Generate strings: copy, reverse, parity, counting, brackets, text…", icon=":material/casino:"):
        name = st.selectbox(
            "Task",
            list(GENERATED_TASKS),
            key=TASK_KEY,
            format_func=lambda task: GENERATED_TASKS[task].title,
            on_change=_suggest_options,
        )
        st.caption(GENERATED_TASKS[name].explanation)
        length, pairs, test_pairs, delay = st.columns(4)
        whole_box(
            length, "Length", LENGTH_KEY, DEFAULT_LENGTH, f"Characters per string, up to {LIMITS.max_string_length}."
        )
        whole_box(pairs, "Pairs", PAIRS_KEY, DEFAULT_PAIRS, f"Strings in the batch, up to {LIMITS.max_pairs}.")
        whole_box(
            test_pairs,
            "Test pairs",
            TEST_PAIRS_KEY,
            DEFAULT_TEST_PAIRS,
            "Held-out pairs drawn from the same task, never among the training pairs: measured after every "
            f"epoch, never trained on. 0 for none; up to {LIMITS.max_test_pairs}.",
        )
        whole_box(
            delay,
            "Delay k",
            DELAY_KEY,
            DEFAULT_DELAY,
            "Copy only: how many steps the output lags behind the input.",
            disabled=name != "copy",
        )
        st.button(
            "Fill the strings",
            key=FILL_BUTTON,
            icon=":material/edit_note:",
            on_click=_fill,
            help="Writes the generated pairs (seeded by the Seed setting) and settings that suit the task.",
        )
        if notice := change_notice(get_config(), GENERATED_TASK_SOURCE):  # here too: the top of the page is far
            st.caption(escape_markdown(notice))
        if note := TASK_PICKER_NOTE.get():
            st.warning(escape_markdown(note), icon=":material/info:")
        error = TASK_PICKER_ERROR.get()
        if error:
            st.error(escape_markdown(error), icon=":material/error:")
