"""Memory comes back: a session Streamlit no longer holds is released, and its memory returned.

Streamlit keeps a closed tab's session for `server.disconnectedSessionTTL` seconds (a reconnect
resumes it) and then only forgets it the next time another session disconnects; nothing it holds
is freed before, and the full collection after each script run is off (.streamlit/config.toml).
So a thread started with the server (`server_lifespan`, app.py) looks every `CHECK_SECONDS` at
the sessions of `ui.core.budgets.SESSIONS`: one without a websocket for that long is released
(everything it kept dropped), then Python's collector runs once and glibc is asked to give the
freed pages back to the system (`malloc_trim`; torch's tensors are malloc'd, and freed memory
otherwise stays with the process). Measured in docs/performance.md ("A shared server within its means").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time

from streamlit import config

from ui.core.budgets import SESSIONS, is_active, release

CHECK_SECONDS = 5.0
LOG = logging.getLogger(__name__)


def give_back_memory() -> None:
    """Collect cycles, then return free heap pages to the system (glibc only; elsewhere nothing)."""
    gc.collect()
    name = ctypes.util.find_library("c")
    if name is None:
        return
    libc = ctypes.CDLL(name)
    if hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def release_ended_sessions(ttl_seconds: float | None = None) -> int:
    """Release every session without a websocket for ``ttl_seconds`` (Streamlit's time to live by
    default); returns how many were released."""
    ttl = config.get_option("server.disconnectedSessionTTL") if ttl_seconds is None else ttl_seconds
    ended = SESSIONS.ended(is_active, ttl, time.monotonic())
    for entry in ended:
        release(entry)
    if ended:
        give_back_memory()
        LOG.info("released %d ended session(s)", len(ended))
    return len(ended)


def start_releasing() -> threading.Thread:
    """The thread that releases ended sessions for as long as the server runs."""

    def loop() -> None:
        while True:
            time.sleep(CHECK_SECONDS)
            try:
                release_ended_sessions()
            except Exception:  # a session changing under us: try again next time
                LOG.exception("releasing ended sessions failed")

    thread = threading.Thread(target=loop, name="rnnp-session-release", daemon=True)
    thread.start()
    return thread
