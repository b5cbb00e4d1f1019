"""How every page trains: one short slice of CPU time per script run, taking turns, pausable at once.

Training to the end in one script run would hold the server's turn (`ui.core.script_turns`) and stall
every other student's page. So a `LiveRun` (the Train run, Gradient flow's race, Compare's
contenders, a model file's replay) trains anything `Trainable` one slice per script run
(`playground.run.budget.train_within`), then draws its live views in a fragment that reruns
itself and trains the next slice; a waiting click (`ui.core.click_waiting`) ends a slice after
the epoch in progress. The whole story and its measurements: docs/performance.md, "The live run:
slices, turns and Pause".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, runtime_checkable

import streamlit as st

from playground import PlaygroundError
from playground.run.budget import Trainable, train_within
from ui.core.budgets import training_elsewhere
from ui.core.click_waiting import click_waiting
from ui.core.markdown import escape_markdown
from ui.core.script_turns import SCRIPT_TURNS, taking_timed_turns
from ui.core.state import LiveKeys, SessionKey

# The timer of views that are still. Streamlit stops a fragment's timer only when the fragment
# is no longer drawn (or at a full run); the same fragment drawn again without `run_every`
# keeps ticking. So still views ask for a timer that never comes: about 23 days, under the
# browser's longest timer (2**31 ms; a longer one fires at once).
NEVER_SECONDS = 2_000_000
# The CPU time of a run's first slice after a start (or a continue), whatever its slices are
# otherwise: the click's own page update then comes at once. A run whose rest fits in
# `finish_within` still ends in that update.
FIRST_SLICE_SECONDS = 0.01


Mark = TypeVar("Mark")


@runtime_checkable
class Rewindable(Trainable, Protocol[Mark]):
    """A `Trainable` that can go back to an epoch it trained (a `Trainer`): `rewind` to a `mark`
    forgets the epochs trained since, and training on gives the same numbers again."""

    def mark(self) -> Mark:
        """Where the run is now, to come back to."""

    def rewind(self, mark: Mark) -> None:
        """Back to ``mark``."""


Target = TypeVar("Target", bound=Trainable)
# Every kind of run a session can have going, each declared once with its page (`LiveRun.__post_init__`):
# whether another tab of a browser trains is read from them (`ui.core.budgets.training_elsewhere`).
LIVE_RUNS: list[LiveRun] = []


@dataclass(frozen=True)
class LiveRun(Generic[Target]):
    """One kind of training a session can have going, and how long its slices are."""

    target: SessionKey[Target | None]
    keys: LiveKeys
    slice_seconds: float  # CPU seconds of training per script run
    finish_within: float  # a slice that leaves less work than this finishes the run instead
    refresh_seconds: float  # how often the live views rerun while the run is going
    slice_epochs: int | None = None  # at most this many epochs per slice: a race kept slow enough to watch
    pace: SessionKey[float | None] | None = None  # the learner's epochs per second (None: full speed)
    rewinds_to_shown: bool = False  # a click mid-slice takes the run back to the epoch on screen
    one_fragment: bool = False  # the still views are drawn by the live views' fragment, which keeps the charts
    # Called after each slice trained and on each run of the page that advances the run, whether it is
    # going, paused, stepped or finished (a class saves its member's run: `ui.core.class_saving`).
    on_progress: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        LIVE_RUNS.append(self)

    def current(self) -> Target | None:
        return self.target.get()

    def going(self, state: object = None) -> bool:
        """Whether the run trains: this session's, or the one whose ``state`` is given."""
        target = self.target.get(state)
        return self.keys.running.get(state) and target is not None and not target.done

    def start(self) -> None:
        """Start training, unless another tab of this browser trains: then say so instead."""
        self.keys.error.clear()
        if refusal := training_elsewhere(lambda state: any(run.going(state) for run in LIVE_RUNS)):
            self.stop(refusal)
            return
        self.keys.pace_mark.clear()  # the pace counts from now
        self.keys.running.set(True)

    def start_after(self, prepare: Callable[[], object]) -> None:
        """Start once ``prepare`` (making the run to train) succeeds; its refusal, a
        `PlaygroundError`, stops the run with the engine's sentence instead."""
        try:
            prepare()
        except PlaygroundError as error:
            self.stop(str(error))
            return
        self.start()

    def epochs_per_second(self) -> float | None:
        return self.pace.get() if self.pace is not None else None

    def refresh_every(self) -> float:
        """Seconds between live redraws: ``refresh_seconds``, or longer when fewer epochs are due."""
        pace = self.epochs_per_second()
        return self.refresh_seconds if pace is None else max(self.refresh_seconds, 1 / pace)

    def _epochs_due(self, target: Target) -> int | None:
        """How many epochs this slice may train: those due at the pace, at most ``slice_epochs``.

        The pace is counted from a mark (time, epoch, pace) set at the first slice after a
        start or a change of pace, so a slow server catches up instead of drifting, and the
        first slice trains one epoch at once, for the click's own page update. At full speed
        the mark only says that the first slice (`FIRST_SLICE_SECONDS`) is behind us."""
        pace = self.epochs_per_second()
        now = time.monotonic()
        mark = self.keys.pace_mark.get()
        if pace is None:
            if mark is None:
                self.keys.pace_mark.set((now, target.epoch, None))
            return self.slice_epochs
        if mark is None or mark[2] != pace:
            mark = (now, target.epoch, pace)
            self.keys.pace_mark.set(mark)
        since, first_epoch, _ = mark
        due = int((now - since) * pace) + 1 - (target.epoch - first_epoch)
        return due if self.slice_epochs is None else min(due, self.slice_epochs)

    def clear(self) -> None:
        """Not going, and nothing to report."""
        self.keys.running.set(False)
        self.keys.error.clear()

    def stop(self, message: str | None = None) -> None:
        """Stop training; ``message`` says why when it was not the learner's choice."""
        self.keys.running.set(False)
        if message:
            self.keys.error.set(message)

    def train_slice(self) -> bool:
        """Train one slice of the going run: up to the epochs due (rounds, for a comparison) and
        ``slice_seconds`` of CPU time, so a Pause that reaches the server mid-slice stops it after
        the epoch in progress. True when that stopped the run (finished or failed)."""
        target = self.current()
        first = self.keys.pace_mark.get() is None  # the first slice since the run (re)started
        due = self._epochs_due(target)
        if due is not None and due <= 0:
            return False  # ahead of the pace: nothing is due yet
        seconds = FIRST_SLICE_SECONDS if first else self.slice_seconds
        try:
            self._train_until_clicked(target, due, seconds)
        except PlaygroundError as error:  # TrainingDiverged, or the host's time cap
            self.stop(str(error))
            return True
        if self.on_progress is not None:
            self.on_progress()
        if target.done:
            self.stop()
            return True
        return False

    def _train_until_clicked(self, target: Target, due: int | None, seconds: float) -> None:
        """Up to ``due`` epochs and ``seconds`` of CPU time outside the turn, none once a click is
        waiting. A click that arrived during the slice, or while it waited for the turn back to
        draw (long on a busy server), was made with the slice's start on screen: the run goes back there."""
        back_to_start = self._back_to_start(target, due)
        with SCRIPT_TURNS.outside():  # arithmetic only: others take their turns meanwhile
            trained = train_within(
                target, max_epochs=due, max_seconds=seconds, finish_within=self.finish_within, stop=click_waiting
            )
        if back_to_start is not None and trained and click_waiting():
            back_to_start()

    def _back_to_start(self, target: Target, due: int | None) -> Callable[[], None] | None:
        """What takes the run back to where the slice starts, the epoch on screen, when a click
        comes mid-slice. Only a run that trains several epochs per slice needs it (at full speed a
        small network trains dozens, which a Pause would otherwise leave past the one shown);
        a large network's slice is one or two epochs, whose weights are costly to copy."""
        if not self.rewinds_to_shown or not isinstance(target, Rewindable) or (due is not None and due <= 1):
            return None
        if not target.epoch or target.train_seconds / target.epoch > self.slice_seconds / 2:
            return None
        mark = target.mark()
        return lambda: target.rewind(mark)

    def advance(self) -> None:
        """This script run's slice, if the run is going: call it before drawing anything, so
        a short run is drawn finished by the very run its button started."""
        self.keys.sliced.set(self.going() and not self.train_slice())
        if self.on_progress is not None:  # a click (Pause, Step) reruns only the page's fragment: not app.py
            self.on_progress()

    def show(self, live: Callable[[Target], None], still: Callable[[], None]) -> None:
        """Draw ``live`` in a timed fragment while the run is going, else ``still`` (in that same
        fragment, untimed, for a run with ``one_fragment``); then any error."""
        going = self.going()
        if going or self.one_fragment:
            self._views_fragment(live, still, going)
        else:
            still()
        self.show_error()

    def show_error(self) -> None:
        if message := self.keys.error.get():
            st.error(escape_markdown(message), icon=":material/error:")

    def _views_fragment(self, live: Callable[[Target], None], still: Callable[[], None], going: bool) -> None:
        """The views' fragment: one function at one place, so its id is the same whether it draws
        the run going (rerun every `refresh_every`, a slice each time) or still."""

        @st.fragment(run_every=self.refresh_every() if going else NEVER_SECONDS)
        @taking_timed_turns  # a timed rerun does not pass through app.py, which takes the turn for full runs
        def views() -> None:
            if not going:
                still()
                return
            if not self.keys.sliced.take() and (not self.going() or self.train_slice()):
                st.rerun()  # paused meanwhile, or this slice ended the run: a full run draws it still
            live(self.current())

        views()


def show_progress(target: Trainable, running: bool, idle: str = "paused") -> None:
    """Epoch, CPU seconds of training and whether it is training, done or ``idle`` (how a page names
    a run that is neither: paused, or stopped after a step)."""
    state = "training…" if running else ("done" if target.done else idle)
    st.progress(
        target.epoch / target.epochs,
        text=f"Epoch {target.epoch} of {target.epochs} · {target.train_seconds:.2f} s of training · {state}",
    )
