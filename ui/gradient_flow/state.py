"""What the Gradient flow page keeps in a session: its task's radio, the run it last followed, and its
three runs as one race trained live."""

from __future__ import annotations

from playground.run.compare import Comparison
from ui.core.live_run import LiveRun
from ui.core.state import SessionKey, live_keys

GRADIENT_FLOW_TASK_KEY = "gradient-flow-task"
RUN_TASK, MEMORY_TASK = "run", "memory"  # the Train run's strings; the page's own example
STEP_EPOCHS = 25  # what the page's step button trains
# The run whose strings the page last started from (id of the trainer).
GRADIENT_FLOW_FOLLOWED_RUN: SessionKey[int | None] = SessionKey("gradient_flow_followed_run", None)
GRADIENT_FLOW_RACE: SessionKey[Comparison | None] = SessionKey(
    "gradient_flow_race", None, holds="Gradient flow's three runs"
)
GRADIENT_FLOW_LIVE = live_keys("gradient_flow")
# The race advances ten epochs per refresh, so its curves can be watched changing.
GRADIENT_FLOW_RUN: LiveRun[Comparison] = LiveRun(
    GRADIENT_FLOW_RACE,
    GRADIENT_FLOW_LIVE,
    slice_seconds=0.3,
    finish_within=0.0,
    refresh_seconds=0.6,
    slice_epochs=10,
)
