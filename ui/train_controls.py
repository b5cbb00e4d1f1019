"""Train / Pause / Step / Reset, and the panel of views under them.

The buttons and views form one fragment (`controls_and_views`), so a click reruns only
them: the settings above are neither re-run on the server nor redrawn and faded as stale in
the browser, which matters most when a whole class shares one server (docs/performance.md).
Training itself goes through `ui.live_run.TRAIN_RUN`, like every other training in the app.
"""

from __future__ import annotations

import streamlit as st

from playground import PlaygroundError, Trainer
from ui.live_run import TRAIN_RUN
from ui.session import get_trainer, new_trainer, set_config
from ui.state import TRAINER
from ui.train_settings import config_from_widgets
from ui.train_views import live_views, still_views
from ui.turns import taking_turns

TRAIN_BUTTON, PAUSE_BUTTON, STEP_BUTTON, RESET_BUTTON = (
    "train_train_button",
    "train_pause_button",
    "train_step_button",
    "train_reset_button",
)


def _current_trainer() -> Trainer:
    """The trainer of exactly what the controls show, creating it if there is none.

    The config is re-read from the widgets here, inside the button callback, so a setting
    changed in the same interaction as the click is never trained with the old values.
    """
    set_config(config_from_widgets())
    return get_trainer() or new_trainer()


@taking_turns  # callbacks run before app.py takes its turn
def _on_train() -> None:
    try:
        _current_trainer()
    except PlaygroundError as error:
        TRAIN_RUN.stop(str(error))
        return
    TRAIN_RUN.start()


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
    TRAINER.clear()


def _controls(config_ok: bool) -> None:
    """The four buttons, enabled only when they would do something."""
    trainer = get_trainer()
    running = TRAIN_RUN.going()
    done = trainer is not None and trainer.done
    columns = st.columns([1, 1, 1, 1, 3], vertical_alignment="center")
    columns[0].button(
        "Train",
        key=TRAIN_BUTTON,
        icon=":material/play_arrow:",
        type="primary",
        on_click=_on_train,
        disabled=not config_ok or running or done,
        width="stretch",
        help="Train until the last epoch; the views update as it learns.",
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


@st.fragment
@taking_turns
def _exploring(config_ok: bool) -> None:
    """The paused or finished run, in its own fragment so the scrubber reruns only the views."""
    trainer = get_trainer()
    if trainer is None or trainer.epoch == 0:
        if config_ok:
            st.info(
                "Press **Train** to watch the network learn, or **Step** to train one epoch at a time.",
                icon=":material/school:",
            )
        return
    still_views(trainer)


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
    TRAIN_RUN.show(live_views, lambda: _exploring(config_ok))
