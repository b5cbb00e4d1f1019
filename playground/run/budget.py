"""Training within a budget of CPU seconds: the one loop every time-sliced training goes through.

A page trains a slice at a time so that a shared server can serve others in between
(`ui.core.live_run`). Seconds are CPU seconds of the calling thread (`time.thread_time`), as
in `Trainer.train_seconds` and the host's time cap (training runs on that one thread,
`playground.run.trainer.ONE_THREAD`): a session waiting for the CPU still gets a full slice of
work, instead of slices that shrink to one epoch under load.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol


class Trainable(Protocol):
    """What can be trained one epoch at a time: a `Trainer`, a `Replay`, or a `Comparison`,
    whose epoch is a round of one epoch for each contender still training."""

    @property
    def epoch(self) -> int:
        """Epochs trained so far."""

    @property
    def epochs(self) -> int:
        """Epochs the run is set to train."""

    @property
    def train_seconds(self) -> float:
        """CPU seconds spent training so far."""

    @property
    def done(self) -> bool:
        """Nothing left to train."""

    def train_epoch(self) -> object:
        """Train one more epoch (the target is not done)."""


def _never() -> bool:
    return False


def _seconds_to_finish(target: Trainable) -> float:
    """CPU seconds the rest of the run would take at the pace of its epochs so far."""
    return (target.epochs - target.epoch) * target.train_seconds / max(1, target.epoch)


def train_within(
    target: Trainable,
    *,
    max_epochs: int | None = None,
    max_seconds: float | None = None,
    finish_within: float = 0.0,
    stop: Callable[[], bool] = _never,
) -> int:
    """Train ``target`` one epoch at a time until it is done, ``max_epochs`` are trained,
    ``max_seconds`` CPU seconds are spent or ``stop()`` says so before an epoch; returns the
    epochs trained.

    When the seconds run out but the rest of the run, at the pace of its epochs so far, fits in
    ``finish_within``, the deadline moves by ``finish_within``, once: a short run then ends in
    one slice even on a slow machine, and the estimate never buys more than that extra time.
    """
    deadline = None if max_seconds is None else time.thread_time() + max_seconds
    trained = 0
    while not target.done and (max_epochs is None or trained < max_epochs) and not stop():
        target.train_epoch()
        trained += 1
        if deadline is not None and time.thread_time() >= deadline:
            if _seconds_to_finish(target) > finish_within:
                break
            deadline += finish_within
            finish_within = 0.0
    return trained
