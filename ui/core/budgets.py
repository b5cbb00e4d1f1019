"""A session's share of a shared server: the memory it keeps, and one training tab per browser.

Every session that runs a script is entered in `SESSIONS` (app.py), with the browser it came from
(the ``rnnp_browser`` cookie, `ui.server.browser_cookie`; without it, the session is its own
browser). Before a session keeps a new run, comparison or replay, `make_room` books the most it can
come to (`playground.run.memory.booked_bytes`) against the session's budget
(`Limits.max_session_megabytes`) and the server's (`Limits.max_server_megabytes`, with every other
session's booking and the idle process); when either is full the learner gets a sentence saying what
to close or shrink, and what the session already has stays as it was. `training_elsewhere` refuses a
second tab of one browser that starts training while another trains
(`Limits.max_training_tabs_per_browser`): ten tabs get one share of the CPU, not ten.

Sessions that Streamlit no longer holds are released by `ui.server.session_release`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from playground import PlaygroundError
from playground.run import limits
from playground.run.memory import MEGABYTE, booked_bytes
from ui.core.state import HOLDINGS, SessionKey

BROWSER_COOKIE = "rnnp_browser"


class BudgetFull(PlaygroundError):
    """A session or the server has no room for what the learner asked for."""


@dataclass
class SessionEntry:
    """One session this process serves: its browser and its state (`SESSIONS` keeps it until the
    session is released: Streamlit's `SessionState` takes no weak reference)."""

    session_id: str
    browser: str
    state: Any
    inactive_since: float | None = None  # when it was first seen without a websocket


class Sessions:
    """Every session of this server process, from its first script run until it is released."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, SessionEntry] = {}
        self.idle_megabytes: float | None = None  # the process before any session kept anything

    def enter(self, session_id: str, browser: str, state: Any) -> None:
        with self._lock:
            if self.idle_megabytes is None:
                self.idle_megabytes = resident_megabytes()
            entry = self._entries.get(session_id)
            if entry is None or entry.state is not state:
                self._entries[session_id] = SessionEntry(session_id, browser, state)

    def entries(self) -> list[SessionEntry]:
        with self._lock:
            return list(self._entries.values())

    def ended(self, is_active: Callable[[str], bool], ttl_seconds: float, now: float) -> list[SessionEntry]:
        """Take out the sessions without a websocket for ``ttl_seconds`` (Streamlit keeps a closed tab's
        session that long for a reconnect); returns them."""
        ended = []
        with self._lock:
            for session_id, entry in list(self._entries.items()):
                if is_active(session_id):
                    entry.inactive_since = None
                else:
                    entry.inactive_since = entry.inactive_since or now
                    if now - entry.inactive_since >= ttl_seconds:
                        ended.append(self._entries.pop(session_id))
        return ended


SESSIONS = Sessions()  # one per server process


def resident_megabytes() -> float:
    """This process's resident memory in MB (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096 / MEGABYTE
    except (OSError, ValueError, IndexError):
        return 0.0


def is_active(session_id: str) -> bool:
    """Whether the session has a websocket now (always, outside a Streamlit server: in AppTest)."""
    return not Runtime.exists() or Runtime.instance().is_active_session(session_id)


def _browser(session_id: str) -> str:
    try:
        return st.context.cookies.get(BROWSER_COOKIE) or session_id
    except Exception:  # no request behind this run (AppTest)
        return session_id


def enter_session() -> None:
    """Enter this script run's session in `SESSIONS` (every full script run calls it)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        SESSIONS.enter(ctx.session_id, _browser(ctx.session_id), _lasting_state(ctx.session_state))


def _lasting_state(state: Any) -> Any:
    """The session's own state behind a script run's thread-safe wrapper (a new wrapper each run)."""
    return getattr(state, "_state", state)


def _this_session() -> tuple[str, Any]:
    """This script run's session id and state."""
    ctx = get_script_run_ctx()
    return ("", None) if ctx is None else (ctx.session_id, _lasting_state(ctx.session_state))


def bookings(state: Any, leaving: str = "") -> dict[str, int]:
    """The bytes booked by each value a session's ``state`` keeps (a value kept twice counts once),
    except under ``leaving``, the key about to be replaced."""
    booked: dict[str, int] = {}
    seen: set[int] = set()
    for name, value in state.filtered_state.items():
        if name == leaving or id(value) in seen:
            continue
        seen.add(id(value))
        if size := booked_bytes(value):
            booked[name] = size
    return booked


def _megabytes(size: float) -> str:
    return f"{size / MEGABYTE:.0f} MB"


def _session_refusal(need: int, booked: dict[str, int], budget: int) -> str:
    if need > budget:
        return (
            f"This needs {_megabytes(need)} of memory, more than a session may keep ({_megabytes(budget)}, "
            "a cap set by the host): pick a smaller hidden size, fewer layers or one direction, "
            "or fewer contenders."
        )
    held = ", ".join(f"{HOLDINGS.get(name, name)} ({_megabytes(size)})" for name, size in booked.items())
    return (
        f"This needs {_megabytes(need)} of memory and your session already keeps {held}, of the "
        f"{_megabytes(budget)} a session may keep (a cap set by the host): Reset or clear one of them "
        "first, or pick a smaller network. Nothing you trained was lost."
    )


def make_room(value: object, replacing: SessionKey) -> None:
    """Book ``value``, about to be kept under ``replacing``; raises `BudgetFull` with the sentence
    saying what to close or shrink when the session's budget or the server's is full."""
    need = booked_bytes(value)
    session_id, state = _this_session()
    caps = limits.LIMITS
    budget = int(caps.max_session_megabytes * MEGABYTE)
    booked = bookings(state, leaving=replacing.name) if state is not None else {}
    if need + sum(booked.values()) > budget:
        raise BudgetFull(_session_refusal(need, booked, budget))
    others = sum(sum(bookings(entry.state).values()) for entry in SESSIONS.entries() if entry.session_id != session_id)
    server = int((caps.max_server_megabytes - (SESSIONS.idle_megabytes or 0.0)) * MEGABYTE)
    if need + sum(booked.values()) + others > server:
        raise BudgetFull(
            f"The server is full: its sessions keep {_megabytes(others + sum(booked.values()))} and this needs "
            f"{_megabytes(need)} more, past the {caps.max_server_megabytes:.0f} MB it may use (a cap set by "
            "the host). Pick a smaller network, or try again in a few minutes, when other sessions have closed."
        )


def training_elsewhere(training: Callable[[Any], bool]) -> str | None:
    """Why this session may not start training now, or None: the other tabs of its browser that are
    ``training`` (their state says so) already use the browser's share (`max_training_tabs_per_browser`)."""
    session_id, _ = _this_session()
    mine = next((entry for entry in SESSIONS.entries() if entry.session_id == session_id), None)
    if mine is None:
        return None
    busy = [
        entry
        for entry in SESSIONS.entries()
        if entry.browser == mine.browser
        and entry.session_id != session_id
        and is_active(entry.session_id)
        and training(entry.state)
    ]
    allowed = limits.LIMITS.max_training_tabs_per_browser
    if len(busy) < allowed:
        return None
    tabs = "another tab" if len(busy) == 1 else f"{len(busy)} other tabs"
    return (
        f"{tabs.capitalize()} of this browser {'is' if len(busy) == 1 else 'are'} training: pause or finish "
        f"{'it' if len(busy) == 1 else 'them'} first. On a shared server each browser trains in "
        f"{allowed} tab{'s' if allowed > 1 else ''} at a time (a cap set by the host), so every student "
        "gets a fair share."
    )


def release(entry: SessionEntry) -> int:
    """Forget everything an ended session kept; returns how many values were dropped."""
    names = list(entry.state.filtered_state)
    for name in names:
        try:
            del entry.state[name]
        except (KeyError, AttributeError):
            pass
    return len(names)


def forget_upload(uploaded: UploadedFile) -> None:
    """Drop an uploaded file's bytes from Streamlit's store once it was read or refused: it would
    otherwise keep them until the session ends (a 100 MB file per tab)."""
    session_id, _ = _this_session()
    if Runtime.exists():
        Runtime.instance().uploaded_file_mgr.remove_file(session_id, uploaded.file_id)
