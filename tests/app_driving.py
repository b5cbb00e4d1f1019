"""Driving a live run in AppTest: it does not follow ``run_every`` timers, but every script
run that finds a run going trains one slice (`ui.core.live_run`), so rerunning drives it.

Reruns in a test are not a clock: the Train run's pace (epochs per second) would spread a
long run over more reruns than any test should take, so driving a run to its end sets the
pace to full speed first, as a learner can with the Speed slider."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.core.state import TRAIN_PACE, LiveKeys

ROOT = Path(__file__).resolve().parent.parent
# Every page a session without a teacher token lists: the Class dashboard is listed for a teacher only.
LEARNER_PAGES = sorted(
    str(page.relative_to(ROOT)) for page in (ROOT / "app_pages").glob("*.py") if page.stem != "dashboard"
)


def rerun_until_stopped(at: AppTest, keys: LiveKeys, max_runs: int = 400) -> AppTest:
    """Rerun until the run under ``keys`` is no longer going (finished, failed or paused)."""
    TRAIN_PACE.set(None, at.session_state)
    for _ in range(max_runs):
        if not keys.running.get(at.session_state):
            break
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    assert not keys.running.get(at.session_state)
    return at


def run(at: AppTest) -> AppTest:
    """One script run that must not raise."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go(at: AppTest, page: str) -> AppTest:
    """Walk to ``page`` (its file, "app_pages/train.py") as the navigation does, and draw it."""
    at.switch_page(page)
    return run(at)
