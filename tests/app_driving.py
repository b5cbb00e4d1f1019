"""Driving a live run in AppTest: it does not follow ``run_every`` timers, but every script
run that finds a run going trains one slice (`ui.live_run`), so rerunning drives it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.state import LiveKeys


def rerun_until_stopped(at: AppTest, keys: LiveKeys, max_runs: int = 400) -> AppTest:
    """Rerun until the run under ``keys`` is no longer going (finished, failed or paused)."""
    for _ in range(max_runs):
        if not keys.running.get(at.session_state):
            break
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    assert not keys.running.get(at.session_state)
    return at
