"""Typed session keys, and the values every page shares: the experiment, its run, the URL and the
classroom link.

A page, a ui module and a test all reach a value through its `SessionKey`, never through
a key string: the name and the type are written once, and a renamed key or a value of the
wrong kind shows up in one file. A page's own values live in its package (`ui/<page>/state.py`).
The accessors take the session state to work on, so the same line reads ``st.session_state`` in
the app and ``AppTest.session_state`` in a test (which offers only ``in``, ``[]`` and ``del``, so
that is all they use).

Widget values stay on their widgets (``key=`` names their state); the names tests need are
constants next to the widget that uses them, or in the page's `state.py` when another module of
the page puts a value there first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import streamlit as st

from playground import RunConfig, Trainer
from playground.run.config_change import ExperimentChange
from playground.url_state import ClassroomLink
from store.classes import ClassRoom, Student

if TYPE_CHECKING:
    from playground.run.checkpoint import Replay
    from ui.core.class_saving import SavedMark

Value = TypeVar("Value")


# What the learner calls each value that keeps a run's memory, by key (`ui.core.budgets` names them in
# its refusals): filled by the keys declared with ``holds``.
HOLDINGS: dict[str, str] = {}


@dataclass(frozen=True)
class SessionKey(Generic[Value]):
    """One session value: its key, what reading it gives before anything was stored and, for a value
    that keeps runs, what the learner calls it ("the Train page's run")."""

    name: str
    default: Value
    holds: str = ""

    def __post_init__(self) -> None:
        if self.holds:
            HOLDINGS[self.name] = self.holds

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


def live_keys(prefix: str) -> LiveKeys:
    return LiveKeys(
        SessionKey(f"{prefix}_running", False),
        SessionKey(f"{prefix}_error", None),
        SessionKey(f"{prefix}_sliced", False),
        SessionKey(f"{prefix}_pace_mark", None),
    )


# The experiment: the Train page's settings and the run every page looks at (`ui.core.session`).
CONFIG: SessionKey[RunConfig | None] = SessionKey("run_config", None)
TRAINER: SessionKey[Trainer | None] = SessionKey("trainer", None, holds="the Train page's run")
TRAIN_LIVE = live_keys("train")
# The epoch the Train views show (the scrubber's), with the id of the run it belongs to: the
# other pages open at it, so rewinding on Train and opening Inside the cell shows that epoch.
TRAIN_SHOWN_EPOCH: SessionKey[tuple[int, int] | None] = SessionKey("train_shown_epoch", None)
# A preset, a challenge or a task changed the experiment: the Train controls show it the next time
# they are drawn, and the Train page says what changed (`ui.core.session.change_experiment`).
CONFIG_LOADED: SessionKey[bool] = SessionKey("run_config_loaded", False)
EXPERIMENT_CHANGE: SessionKey[ExperimentChange | None] = SessionKey("experiment_change", None)
# The challenge whose starting config was loaded last: its goal shows on Train while the strings are its.
ACTIVE_CHALLENGE: SessionKey[str | None] = SessionKey("active_challenge", None)
TRAIN_GHOST: SessionKey[tuple[float, ...]] = SessionKey("train_ghost", ())  # the previous run's losses
TRAIN_GHOST_TEST: SessionKey[tuple[float, ...]] = SessionKey("train_ghost_test", ())  # ... on its held-out pairs
# ...and the strings it trained: the ghost is drawn only behind a run of the same strings.
TRAIN_GHOST_STRINGS: SessionKey[tuple[tuple[str, ...], tuple[str, ...]] | None] = SessionKey(
    "train_ghost_strings", None
)
# How the Train run goes, kept beside their widgets (`ui.train.controls`), which other pages forget.
TRAIN_PACE: SessionKey[float | None] = SessionKey("train_pace", 10.0)  # epochs per second; None: full speed
TRAIN_STOP_WHEN_SOLVED: SessionKey[bool | None] = SessionKey("train_stop_when_solved", None)  # None: not chosen

# The URL glue (`ui.core.url_sync`).
URL_RESTORED: SessionKey[bool] = SessionKey("url_restored", False)
URL_NOTICES: SessionKey[tuple[RunConfig | None, tuple[str, ...]]] = SessionKey("url_notices", (None, ()))
URL_ASKED_FILE: SessionKey[str] = SessionKey("url_asked_file", "")  # the data file the opening link named
URL_LINK_PAGE_PARAMS: SessionKey[dict[str, str]] = SessionKey("url_link_page_params", {})  # the opening link's
URL_PAGE_PARAMS: SessionKey[dict[str, str]] = SessionKey("url_page_params", {})  # declared by this run's page
URL_PAGE_PATH: SessionKey[str] = SessionKey("url_page_path", "")  # this run's page's path ("" for Train)

# A teacher's classroom link: locked and hidden controls and an instruction (`ui.core.classroom_link`).
CLASSROOM_LINK: SessionKey[ClassroomLink] = SessionKey("classroom_link", ClassroomLink())

# A class that remembers (`ui.core.class_member`): the class this session opened (``?class=CODE``),
# the student it is and their token (their browser keeps it in a cookie), or the teacher's token
# (read from the teacher link, which then leaves the URL), a sentence when the class or the store
# could not be used, the session's run as last saved (`ui.core.class_saving`), and a saved run being
# replayed into the session, then the run restored (its epoch, while it is the session's run).
DASHBOARD_PAGE = "app_pages/dashboard.py"  # the teacher's page: app.py lists it, Share & export links to it
CLASS_ROOM: SessionKey[ClassRoom | None] = SessionKey("class_room", None)
CLASS_STUDENT: SessionKey[tuple[Student, str] | None] = SessionKey("class_student", None)
CLASS_TEACHER_TOKEN: SessionKey[str | None] = SessionKey("class_teacher_token", None)
CLASS_NEW_TEACHER_TOKEN: SessionKey[bool] = SessionKey("class_new_teacher_token", False)  # shown once: now
CLASS_PROBLEM: SessionKey[str | None] = SessionKey("class_problem", None)
CLASS_SAVED: SessionKey[SavedMark | None] = SessionKey("class_saved", None)
CLASS_REPLAY: SessionKey[Replay | None] = SessionKey("class_replay", None, holds="your last run being restored")
CLASS_REPLAY_LIVE = live_keys("class_replay")
# The name of the student whose run the teacher's session replays (None: a student's own run).
CLASS_VIEWING: SessionKey[str | None] = SessionKey("class_viewing", None)
CLASS_RESTORED: SessionKey[SavedMark | None] = SessionKey("class_restored", None)
