"""What the Compare page keeps in a session: its comparison, trained live as a race."""

from __future__ import annotations

from playground.run.compare import Comparison
from ui.core.live_run import LiveRun
from ui.core.state import SessionKey, live_keys

COMPARISON: SessionKey[Comparison | None] = SessionKey("compare_comparison", None, holds="Compare's race")
COMPARISON_LIVE = live_keys("compare")
# A comparison draws a chart per contender, so it trains longer between redraws than the Train page.
COMPARE_RUN: LiveRun[Comparison] = LiveRun(
    COMPARISON, COMPARISON_LIVE, slice_seconds=0.3, finish_within=0.3, refresh_seconds=0.5
)
