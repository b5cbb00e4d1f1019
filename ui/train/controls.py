"""Train / Pause / Step / Reset, speed and "Stop when solved", and the panel of views under them.

The buttons and views form one fragment (`controls_and_views`), so a click reruns only
them: the settings above are neither re-run on the server nor redrawn and faded as stale in
the browser, which matters most when a whole class shares one server (docs/performance.md).
Training itself goes through `ui.core.session.TRAIN_RUN`, like every other training in the app.

Typed strings train until they are learned: when the learner's strings stop being a lesson
preset's, the epochs become a generous cap (`TYPED_EPOCHS`) and "Stop when solved" turns
on; a preset's strings turn it off again, so a lesson runs its lesson's epochs.
"""

from __future__ import annotations

import streamlit as st

from playground import PlaygroundError, RunConfig, Trainer
from playground.run.limits import LIMITS
from playground.run.settings import SETTING_BY_FIELD
from ui.core.script_turns import taking_timed_turns, taking_turns
from ui.core.session import (
    TRAIN_RUN,
    drop_run,
    get_config,
    get_trainer,
    new_trainer,
    set_config,
    stops_when_solved,
    strings_are_typed,
)
from ui.core.state import TRAIN_PACE, TRAIN_STOP_WHEN_SOLVED
from ui.core.url_sync import TRAIN_ON_OPEN, page_param_from_link, set_page_params
from ui.train.settings import SOURCES_KEY, TARGETS_KEY, config_from_widgets, key, lines_to_strings
from ui.train.state import URL_TRAIN_ON_OPEN
from ui.train.views import finished_views, live_views, not_started_views, paused_views
from ui.train.write import write_panel

TRAIN_BUTTON, PAUSE_BUTTON, STEP_BUTTON, RESET_BUTTON = (
    "train_train_button",
    "train_pause_button",
    "train_step_button",
    "train_reset_button",
)
SPEED_KEY, STOP_WHEN_SOLVED_KEY = "train_speed", "train_stop_when_solved_toggle"
FULL_SPEED = 0.0  # the speed slider's last stop; the pace itself is None then
SPEEDS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, FULL_SPEED)  # epochs per second
TYPED_EPOCHS = min(500, LIMITS.max_epochs)  # the cap of a run of typed strings, which stops when solved
EPOCHS_KEY = key(SETTING_BY_FIELD["epochs"])
LINK_START_AFTER = 0.5  # seconds after a "train=1" link's page is drawn that its run starts


def follow_typed_strings() -> None:
    """Before the widgets are drawn: strings just typed train until solved; a preset's do not.

    Only a change of strings does this, so epochs the learner sets for their strings stay, and
    so do epochs set together with the strings (the task generator suits them to its task)."""
    config = get_config()
    sources = lines_to_strings(st.session_state.get(SOURCES_KEY))
    targets = lines_to_strings(st.session_state.get(TARGETS_KEY))
    if (sources, targets) == (config.sources, config.targets):
        return
    typed = strings_are_typed(config.with_changes(sources=sources, targets=targets))
    epochs_kept = st.session_state.get(EPOCHS_KEY) == config.epochs  # else set with the strings (a task's)
    if typed and not strings_are_typed(config) and epochs_kept:
        st.session_state[EPOCHS_KEY] = TYPED_EPOCHS
    _set_stop_when_solved(typed)


def _set_stop_when_solved(on: bool) -> None:
    TRAIN_STOP_WHEN_SOLVED.set(on)
    st.session_state[STOP_WHEN_SOLVED_KEY] = on
    if trainer := get_trainer():
        trainer.stop_when_solved = on  # no new run: where a run stops changes none of its numbers


def _on_stop_when_solved() -> None:
    _set_stop_when_solved(st.session_state[STOP_WHEN_SOLVED_KEY])


def _on_speed() -> None:
    speed = st.session_state[SPEED_KEY]
    TRAIN_PACE.set(None if speed == FULL_SPEED else speed)


def _current_trainer() -> Trainer:
    """The trainer of exactly what the controls show, creating it if there is none.

    The config is re-read from the widgets here, inside the button callback, so a setting
    changed in the same interaction as the click is never trained with the old values.
    """
    set_config(config_from_widgets())
    trainer = get_trainer() or new_trainer()
    trainer.stop_when_solved = stops_when_solved(trainer.config)
    return trainer


@taking_turns  # callbacks run before app.py takes its turn
def _on_train() -> None:
    TRAIN_RUN.start_after(_current_trainer)


def train_if_the_link_says(config_ok: bool) -> None:
    """A link made with "Start training when the link opens" starts the run, once per session,
    just after the page has been drawn (`_start_when_drawn`).

    The address keeps saying so (a reload trains again, as the link does): rewriting the
    address in these first runs made the browser show the widgets empty more often."""
    if page_param_from_link(TRAIN_ON_OPEN) != "1":
        return
    set_page_params({TRAIN_ON_OPEN: "1"})
    if config_ok and URL_TRAIN_ON_OPEN.get() != "started":
        _start_when_drawn()


@st.fragment(run_every=LINK_START_AFTER)
@taking_timed_turns  # a timed rerun does not pass through app.py, which takes the turn for full runs
def _start_when_drawn() -> None:
    """Nothing in the run that first draws the page; the next run (this fragment's timer, or any
    full run) starts training, and reruns the page so the panel shows it.

    Why wait: Streamlit's browser draws a new text box empty and fills in its value a moment later;
    a run started in the page's first script run kept the browser so busy drawing live charts that
    the link's strings could be missing from their boxes as it trained
    (tests/browser/test_share_browser.py)."""
    if URL_TRAIN_ON_OPEN.get() != "drawn":
        URL_TRAIN_ON_OPEN.set("drawn")
        return
    URL_TRAIN_ON_OPEN.set("started")
    _on_train()
    st.rerun()


@taking_turns  # callbacks run before app.py takes its turn
def _on_step() -> None:
    TRAIN_RUN.clear()
    try:
        trainer = _current_trainer()
        if not trainer.done:
            trainer.train_epoch()
    except PlaygroundError as error:
        TRAIN_RUN.stop(str(error))


def _on_reset() -> None:
    TRAIN_RUN.clear()
    drop_run()


def _controls(config_ok: bool) -> None:
    """The four buttons, enabled only when they would do something."""
    trainer = get_trainer()
    running = TRAIN_RUN.going()
    done = trainer is not None and trainer.done
    columns = st.columns([1, 1, 1, 1, 1.7, 1.7], vertical_alignment="center")
    columns[0].button(
        "Train",
        key=TRAIN_BUTTON,
        icon=":material/play_arrow:",
        type="primary",
        on_click=_on_train,
        disabled=not config_ok or running or done,
        width="stretch",
        help="Train until the last epoch (or until solved, if set); the views update as it learns. "
        "After a pause, or with more epochs, it continues the run.",
    )
    columns[1].button(
        "Pause",
        key=PAUSE_BUTTON,
        icon=":material/pause:",
        on_click=TRAIN_RUN.stop,
        disabled=not running,
        width="stretch",
    )
    columns[2].button(
        "Step",
        key=STEP_BUTTON,
        icon=":material/skip_next:",
        on_click=_on_step,
        disabled=not config_ok or running or done,
        width="stretch",
        help="Train exactly one epoch.",
    )
    columns[3].button(
        "Reset",
        key=RESET_BUTTON,
        icon=":material/restart_alt:",
        on_click=_on_reset,
        disabled=trainer is None,
        width="stretch",
        help="Forget this run and start again from the seeded initial weights.",
    )
    _run_options(columns[4], columns[5], get_config())


def _run_options(speed_column, stop_column, config: RunConfig) -> None:
    """Epochs per second and whether to stop at the solving epoch; both apply to a run going."""
    pace = TRAIN_PACE.get()
    st.session_state[SPEED_KEY] = FULL_SPEED if pace is None else pace
    speed_column.select_slider(
        "Speed",
        SPEEDS,
        key=SPEED_KEY,
        on_change=_on_speed,
        format_func=lambda speed: "full" if speed == FULL_SPEED else f"{speed:g}/s",
        help="Epochs trained per second, so a short run can be watched; full trains as fast as the server can.",
    )
    st.session_state[STOP_WHEN_SOLVED_KEY] = stops_when_solved(config)
    stop_column.toggle(
        "Stop when solved",
        key=STOP_WHEN_SOLVED_KEY,
        on_change=_on_stop_when_solved,
        help="End the run at the first epoch whose predictions are all right. Off, it trains every epoch "
        "(a lesson's preset does, as the lesson did).",
    )


def _still_views(config_ok: bool) -> None:
    """The run when it is not going (not started, paused or finished), drawn by the views'
    fragment (`TRAIN_RUN.one_fragment`), so the scrubber reruns only the views."""
    trainer = get_trainer()
    if trainer is None or trainer.epoch == 0:
        if config_ok:
            not_started_views()
    else:
        (finished_views if trainer.done else paused_views)(trainer)
        write_panel()


@st.fragment
@taking_turns  # a fragment rerun does not pass through app.py, which takes the turn for full runs
def controls_and_views(config_ok: bool) -> None:
    """The buttons, then progress, solved message, epoch scrubber and the four views.

    A run of this panel that finds the run going trains its slice before anything is drawn,
    so a short run is drawn finished by the same run that the Train click started: one page
    update instead of two. The live views' timed fragment nests inside; Streamlit stops its
    timer when a rerun of this panel no longer draws it.
    """
    TRAIN_RUN.advance()
    _controls(config_ok)
    TRAIN_RUN.show(live_views, lambda: _still_views(config_ok))
