"""Every non-widget value a session keeps between script runs, each under one typed key.

A page, a ui module and a test all reach a value through its `SessionKey`, never through
a key string: the name and the type are written once, here, and a renamed key or a value
of the wrong kind shows up in one file. The accessors take the session state to work on,
so the same line reads ``st.session_state`` in the app and ``AppTest.session_state`` in a
test (which offers only ``in``, ``[]`` and ``del``, so that is all they use).

Widget values stay on their widgets (``key=`` names their state); the names tests need are
constants next to the widget that uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import streamlit as st

from playground import RunConfig, Trainer
from playground.lessons.challenges import Progress
from playground.probes.shapes import ShapeSpec
from playground.run.checkpoint import Replay
from playground.run.compare import Comparison
from playground.url_state import ClassroomLink

Value = TypeVar("Value")


@dataclass(frozen=True)
class SessionKey(Generic[Value]):
    """One session value: its key and what reading it gives before anything was stored."""

    name: str
    default: Value

    def get(self, state: Any = None) -> Value:
        state = _session(state)
        return state[self.name] if self.name in state else self.default

    def set(self, value: Value, state: Any = None) -> None:
        _session(state)[self.name] = value

    def clear(self, state: Any = None) -> None:
        state = _session(state)
        if self.name in state:
            del state[self.name]

    def take(self, state: Any = None) -> Value:
        """Read and clear: for a flag meant for the next reader only."""
        value = self.get(state)
        self.clear(state)
        return value

    def is_set(self, state: Any = None) -> bool:
        return self.name in _session(state)


def _session(state: Any) -> Any:
    return st.session_state if state is None else state


@dataclass(frozen=True)
class LiveKeys:
    """What a live run (`ui.core.live_run.LiveRun`) keeps: whether it is going, why it stopped,
    whether this script run has trained its slice already, and where its pace is counted
    from (wall-clock time, epoch, epochs per second)."""

    running: SessionKey[bool]
    error: SessionKey[str | None]
    sliced: SessionKey[bool]
    pace_mark: SessionKey[tuple[float, int, float | None] | None]


def _live_keys(prefix: str) -> LiveKeys:
    return LiveKeys(
        SessionKey(f"{prefix}_running", False),
        SessionKey(f"{prefix}_error", None),
        SessionKey(f"{prefix}_sliced", False),
        SessionKey(f"{prefix}_pace_mark", None),
    )


# The experiment: the Train page's settings and the run every page looks at (`ui.core.session`).
CONFIG: SessionKey[RunConfig | None] = SessionKey("run_config", None)
TRAINER: SessionKey[Trainer | None] = SessionKey("trainer", None)
TRAIN_LIVE = _live_keys("train")
TRAIN_FOLLOWED_EPOCH: SessionKey[int | None] = SessionKey("train_followed_epoch", None)  # newest epoch shown
# The epoch the Train views show (the scrubber's), with the id of the run it belongs to: the
# other pages open at it, so rewinding on Train and opening Inside the cell shows that epoch.
TRAIN_SHOWN_EPOCH: SessionKey[tuple[int, int] | None] = SessionKey("train_shown_epoch", None)
# The (run, epoch) each page's epoch slider last started from: a new one moves the slider there.
INSIDE_FOLLOWED_EPOCH: SessionKey[tuple[int, int] | None] = SessionKey("inside_followed_epoch", None)
WHAT_IF_FOLLOWED_EPOCH: SessionKey[tuple[int, int] | None] = SessionKey("what_if_followed_epoch", None)
EMBEDDINGS_FOLLOWED_EPOCH: SessionKey[tuple[int, int] | None] = SessionKey("embeddings_followed_epoch", None)
# The run whose sizes the Shapes page last started from (id of the trainer).
SHAPES_FOLLOWED_RUN: SessionKey[int | None] = SessionKey("shapes_followed_run", None)
SHAPES_SPEC: SessionKey[ShapeSpec | None] = SessionKey("shapes_spec", None)  # the settings it showed last
# The run whose strings the Gradient flow page last started from (id of the trainer).
GRADIENT_FLOW_FOLLOWED_RUN: SessionKey[int | None] = SessionKey("gradient_flow_followed_run", None)
TRAIN_GHOST: SessionKey[tuple[float, ...]] = SessionKey("train_ghost", ())  # the previous run's losses
# How the Train run goes, kept beside their widgets (`ui.train.controls`), which other pages forget.
TRAIN_PACE: SessionKey[float | None] = SessionKey("train_pace", 10.0)  # epochs per second; None: full speed
TRAIN_STOP_WHEN_SOLVED: SessionKey[bool | None] = SessionKey("train_stop_when_solved", None)  # None: not chosen

# The Gradient flow page's three runs and the Compare page's comparison.
GRADIENT_FLOW_RACE: SessionKey[Comparison | None] = SessionKey("gradient_flow_race", None)
GRADIENT_FLOW_LIVE = _live_keys("gradient_flow")
COMPARISON: SessionKey[Comparison | None] = SessionKey("compare_comparison", None)
COMPARISON_LIVE = _live_keys("compare")

# Share & export.
EXPORT_SHOW_CODE: SessionKey[bool] = SessionKey("export_show_code", False)
EXPORT_LOADED_FILE: SessionKey[str | None] = SessionKey("export_loaded_file", None)  # file id already taken
EXPORT_REPLAY: SessionKey[Replay | None] = SessionKey("export_replay", None)  # a model file being replayed
EXPORT_REPLAY_LIVE = _live_keys("export_replay")

# The Train page's task generator (`ui.train.task_picker`): why the last fill was refused.
TASK_PICKER_ERROR: SessionKey[str | None] = SessionKey("task_picker_error", None)

# Challenges (`ui.challenges.board`): the best passing evidence per challenge, the challenge
# whose starting config was loaded last, and the progress file already read.
CHALLENGE_PROGRESS: SessionKey[Progress] = SessionKey("challenge_progress", {})
CHALLENGE_LOADED: SessionKey[str | None] = SessionKey("challenge_loaded", None)
CHALLENGE_UPLOADED_FILE: SessionKey[str | None] = SessionKey("challenge_uploaded_file", None)

# The URL glue (`ui.core.url_sync`).
URL_RESTORED: SessionKey[bool] = SessionKey("url_restored", False)
URL_NOTICES: SessionKey[tuple[RunConfig | None, tuple[str, ...]]] = SessionKey("url_notices", (None, ()))
URL_LINK_PAGE_PARAMS: SessionKey[dict[str, str]] = SessionKey("url_link_page_params", {})  # the opening link's
URL_PAGE_PARAMS: SessionKey[dict[str, str]] = SessionKey("url_page_params", {})  # declared by this run's page
URL_PAGE_PATH: SessionKey[str] = SessionKey("url_page_path", "")  # this run's page's path ("" for Train)
# A link that starts training as it opens: "" until its page is drawn, "drawn", then "started" (once a session).
URL_TRAIN_ON_OPEN: SessionKey[str] = SessionKey("url_train_on_open", "")

# A browser that came back to a server which no longer held its session (`ui.server.reconnect`).
RECONNECT_CHECKED: SessionKey[bool] = SessionKey("reconnect_checked", False)
RECONNECTED_FRESH: SessionKey[bool] = SessionKey("reconnected_fresh", False)

# A teacher's classroom link: locked and hidden controls and an instruction (`ui.core.classroom_link`).
CLASSROOM_LINK: SessionKey[ClassroomLink] = SessionKey("classroom_link", ClassroomLink())
