"""Script runs take turns: one session's script at a time per server process, a learner's click first.

CPython runs one thread at a time anyway (the GIL). When a class presses Train together, thirty
script threads would otherwise interleave every few milliseconds and queue on Streamlit's own
locks (its config lock is taken for every element drawn): the same work then costs several
times the CPU, and every student waits until all thirty are done (`bench/server_load.py`,
numbers in docs/performance.md). Taking turns, each run finishes and the next starts: the first
students see their result almost at once, the last after the sum of the runs before them.

So no script run may hold the turn for long: training goes in short slices, one per script
run (`ui.core.live_run`). The turn is re-entrant: a fragment drawn inside a full run is already in it.

Runs come in two kinds. Most are a learner's doing (a click, a typed value, a page opened); the
others are timed reruns of live views, the animation of a run in progress. A learner's run goes
ahead of every timed one waiting: on a busy server a Pause otherwise waited behind every
student's animation, twice (once for its own page's timed run, which a click waits for, and once
for itself), and landed a second and ten epochs late at 10 epochs/s. A timed run whose session
has a click waiting is promoted, since that click cannot run before it ends.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from ui.core.click_waiting import click_waiting

Result = TypeVar("Result")

# How often a timed run waiting for its turn asks whether its session's click now waits for it.
PROMOTION_CHECK_SECONDS = 0.02


class Turns:
    """A re-entrant lock around script runs: first come first served, a learner's runs before
    timed ones."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: list[int] = []  # in arrival order
        self._timed: set[int] = set()  # those of them that are timed reruns, not yet promoted
        self._owner: int | None = None
        self._owner_promoted: Callable[[], bool] | None = None  # the kind of run holding the turn
        self._depth = 0

    @contextmanager
    def turn(self, promoted: Callable[[], bool] | None = None) -> Iterator[None]:
        """Hold the turn for the block. A learner's run (``promoted`` None) waits behind the
        learners' runs that asked before; a timed one (``promoted`` given) also behind every
        learner's run, until ``promoted()`` says it is holding a learner up."""
        self._acquire(promoted)
        try:
            yield
        finally:
            self._release()

    @contextmanager
    def outside(self) -> Iterator[None]:
        """From inside a turn: give it up for the block, then queue for it again (at the same depth).

        For work that needs no turn: training a slice is torch arithmetic on the session's own
        model, which touches no Streamlit state and runs mostly with the GIL released, so a big
        model's epoch can use the machine's other core while everyone else takes their turns.
        """
        me = threading.get_ident()
        with self._changed:
            depth = self._depth if self._owner == me else 0
            promoted = self._owner_promoted
            if depth:
                self._depth, self._owner = 0, None
                self._changed.notify_all()
        try:
            yield
        finally:
            if depth:
                self._acquire(promoted)  # in the queue of its kind, as when it first asked
                with self._changed:
                    self._depth = depth

    def _next(self) -> int | None:
        """Who goes next: the first learner's run waiting, else the first timed one."""
        return next((me for me in self._waiting if me not in self._timed), self._waiting[0] if self._waiting else None)

    def _acquire(self, promoted: Callable[[], bool] | None) -> None:
        me = threading.get_ident()
        with self._changed:
            if self._owner == me:
                self._depth += 1
                return
            self._waiting.append(me)
            if promoted is not None:
                self._timed.add(me)
            try:
                while not (self._owner is None and self._next() == me):
                    self._changed.wait(PROMOTION_CHECK_SECONDS if me in self._timed else None)
                    if me in self._timed and promoted():
                        self._timed.discard(me)
                        self._changed.notify_all()
            except BaseException:
                self._waiting.remove(me)
                self._timed.discard(me)
                self._changed.notify_all()
                raise
            self._waiting.remove(me)
            self._timed.discard(me)
            self._owner, self._depth, self._owner_promoted = me, 1, promoted

    def _release(self) -> None:
        with self._changed:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._changed.notify_all()


SCRIPT_TURNS = Turns()  # one per server process, shared by every session


def taking_turns(function: Callable[..., Result]) -> Callable[..., Result]:
    """Run ``function`` in a learner's turn: for `st.fragment` bodies a click reruns, which skip
    app.py, and for widget callbacks that train, which Streamlit runs before app.py starts."""

    @functools.wraps(function)
    def in_turn(*args, **kwargs) -> Result:
        with SCRIPT_TURNS.turn():
            return function(*args, **kwargs)

    return in_turn


def taking_timed_turns(function: Callable[..., Result]) -> Callable[..., Result]:
    """Run ``function``, the body of a fragment rerun by its own timer, in a timed run's turn:
    behind every learner's run, unless its session's click waits for it (`click_waiting`)."""

    @functools.wraps(function)
    def in_turn(*args, **kwargs) -> Result:
        with SCRIPT_TURNS.turn(promoted=click_waiting):
            return function(*args, **kwargs)

    return in_turn
