"""Telling a student whose session was lost that this one is fresh.

A browser that loses its websocket reconnects by itself and offers the id of the session it
had (the third entry of `Sec-WebSocket-Protocol`), and the server resumes that session if it
holds it. A server that does not hold it (a classroom replica that stopped, so nginx sent
the browser to another one; or a server that restarted) silently starts a fresh session: the
settings come back from the URL, but the trained run is gone, and without a word the student
would think the app forgot their work. So on a session's first run, if the browser asked for
another session, the page says what happened.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.core.state import TRAINER, SessionKey

# Whether this session asked yet, and whether its browser came back to a server that no longer held it.
RECONNECT_CHECKED: SessionKey[bool] = SessionKey("reconnect_checked", False)
RECONNECTED_FRESH: SessionKey[bool] = SessionKey("reconnected_fresh", False)

LOST_SESSION_MESSAGE = (
    "You were reconnected to a fresh session: the server that held your work stopped or "
    "restarted. Your settings came back from the link; press **Train** to train the "
    "experiment again."
)


def previous_session_id(subprotocols: str) -> str | None:
    """The session id a reconnecting browser offers in `Sec-WebSocket-Protocol`, if any."""
    entries = [entry.strip() for entry in subprotocols.split(",")]
    return entries[2] if len(entries) >= 3 and entries[2] else None


def show_lost_session_notice() -> None:
    """On a session's first run, note whether the browser had another session; say so until
    this session has a run of its own."""
    if not RECONNECT_CHECKED.get():
        RECONNECT_CHECKED.set(True)
        ctx = get_script_run_ctx()
        offered = previous_session_id(st.context.headers.get("Sec-WebSocket-Protocol") or "")
        RECONNECTED_FRESH.set(ctx is not None and offered is not None and offered != ctx.session_id)
    if RECONNECTED_FRESH.get() and TRAINER.get() is None:
        st.info(LOST_SESSION_MESSAGE, icon=":material/sync_problem:")
