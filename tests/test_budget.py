"""`train_within`: the one loop that trains within a budget of epochs, CPU seconds and clicks.

A fake run stands in for a `Trainer`: each epoch moves a fake CPU clock by a set amount and
records as many training seconds as it is told to, so the pace estimate can be made to lie.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from playground.run import budget
from playground.run.budget import train_within


@dataclass
class Clock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FakeRun:
    """A `Trainable` whose epochs take ``clock_per_epoch`` of the clock and record ``seconds_per_epoch``."""

    clock: Clock
    epochs: int
    clock_per_epoch: float = 0.25
    seconds_per_epoch: float = 0.25
    epoch: int = 0
    train_seconds: float = 0.0

    @property
    def done(self) -> bool:
        return self.epoch >= self.epochs

    def train_epoch(self) -> None:
        assert not self.done, "trained past the end"
        self.clock.now += self.clock_per_epoch
        self.train_seconds += self.seconds_per_epoch
        self.epoch += 1


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(budget.time, "thread_time", clock)
    return clock


def test_without_a_budget_it_trains_to_the_end(clock):
    run = FakeRun(clock, epochs=12)
    assert train_within(run) == 12 and run.done
    assert train_within(run) == 0  # a done run trains nothing


def test_it_stops_after_max_epochs(clock):
    run = FakeRun(clock, epochs=100)
    assert train_within(run, max_epochs=7) == 7 and run.epoch == 7
    assert train_within(run, max_epochs=0) == 0 and run.epoch == 7


def test_it_stops_once_the_seconds_are_spent(clock):
    run = FakeRun(clock, epochs=100)
    assert train_within(run, max_seconds=1.0) == 4 and clock.now == 1.0


def test_a_spent_slice_finishes_a_short_run_that_fits_in_the_extra_time(clock):
    short = FakeRun(clock, epochs=20)  # after one epoch, 19 more look like 4.75 s
    assert train_within(short, max_seconds=0.0, finish_within=60.0) == 20 and short.done
    other = FakeRun(clock, epochs=20)
    assert train_within(other, max_seconds=0.0, finish_within=4.5) == 1  # does not fit: stops


def test_it_stops_when_asked_before_the_next_epoch(clock):
    run = FakeRun(clock, epochs=100)
    assert train_within(run, max_seconds=60.0, stop=lambda: run.epoch >= 3) == 3 and run.epoch == 3
    assert train_within(run, stop=lambda: True) == 0 and run.epoch == 3


def test_the_deadline_moves_once_and_never_past_the_extra_time(clock):
    """The pace lies: each epoch records 1/1024 s but takes 0.25 s of the clock. At the deadline
    (0.5 s, two epochs) the 98 epochs left look like 0.1 s, within the 1 s allowed, so the
    deadline moves to 1.5 s; there the rest still looks short, but the slice stops."""
    run = FakeRun(clock, epochs=100, seconds_per_epoch=1 / 1024)
    assert train_within(run, max_seconds=0.5, finish_within=1.0) == 6
    assert clock.now == 1.5 and not run.done
