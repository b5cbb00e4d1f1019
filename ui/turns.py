"""Script runs take turns: one session's script at a time per server process, first come first served
(a live view's timed refresh lets clicks go first, for a while: `Turns`).

CPython runs one thread at a time anyway (the GIL). When a class presses Train together, thirty
script threads would otherwise interleave every few milliseconds and queue on Streamlit's own
locks (its config lock is taken for every element drawn): the same work then costs several
times the CPU, and every student waits until all thirty are done (`bench/server_load.py`,
numbers in docs/performance.md). Taking turns, each run finishes and the next starts: the first
students see their result almost at once, the last after the sum of the runs before them.

So no script run may hold the turn for long: training goes in short slices, one per script
run (`ui.live_run`). The turn is re-entrant: a fragment drawn inside a full run is already in it.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

Result = TypeVar("Result")


BACKGROUND_PATIENCE = 1.0  # seconds a live refresh lets interactive runs go first


@dataclass
class _Waiter:
    ident: int
    background: bool
    since: float


class Turns:
    """A re-entrant lock around script runs: first come first served, except that a background
    run (a live view's timed refresh) lets interactive runs go first for up to ``patience`` seconds.

    Why: a long training's refreshes come every few tenths of a second for minutes. In plain
    arrival order, each refresh would queue between a class's clicks, and every student who
    pressed Train would wait for one more slice of the big model per refresh
    (`bench/server_load.py --heavy`). A refresh that yields still comes at least every
    ``patience`` seconds, so the long run keeps moving under any load, at its fair share when
    everyone is training.
    """

    def __init__(self, patience: float = BACKGROUND_PATIENCE) -> None:
        self.patience = patience
        self._changed = threading.Condition()
        self._waiting: deque[_Waiter] = deque()
        self._owner: int | None = None
        self._depth = 0

    @contextmanager
    def turn(self, background: bool = False) -> Iterator[None]:
        """Hold the turn for the block, waiting behind the runs that go before it."""
        self._acquire(background)
        try:
            yield
        finally:
            self._release()

    def _acquire(self, background: bool) -> None:
        me = threading.get_ident()
        with self._changed:
            if self._owner == me:
                self._depth += 1
                return
            if self._owner is None and not self._waiting:
                self._owner, self._depth = me, 1
                return
            self._waiting.append(_Waiter(me, background, time.monotonic()))
            try:
                self._changed.wait_for(lambda: self._owner == me)
            except BaseException:
                if self._owner == me:  # handed the turn just as we were interrupted: pass it on
                    self._hand_over()
                else:
                    self._waiting = deque(w for w in self._waiting if w.ident != me)
                raise

    def _release(self) -> None:
        with self._changed:
            self._depth -= 1
            if self._depth == 0:
                self._hand_over()

    def _hand_over(self) -> None:
        """Give the turn to the next waiter (chosen once, here, so no two waiters disagree)."""
        self._owner, self._depth = None, 0
        if self._waiting:
            now = time.monotonic()
            chosen = next(
                (w for w in self._waiting if not w.background or now - w.since >= self.patience),
                self._waiting[0],
            )
            self._waiting.remove(chosen)
            self._owner, self._depth = chosen.ident, 1
        self._changed.notify_all()


SCRIPT_TURNS = Turns()  # one per server process, shared by every session


def taking_turns(function: Callable[..., Result]) -> Callable[..., Result]:
    """Run ``function`` in a turn: for `st.fragment` bodies, whose timed reruns skip app.py,
    and for widget callbacks that train, which Streamlit runs before app.py starts."""

    @functools.wraps(function)
    def in_turn(*args, **kwargs) -> Result:
        with SCRIPT_TURNS.turn():
            return function(*args, **kwargs)

    return in_turn


def taking_background_turns(function: Callable[..., Result]) -> Callable[..., Result]:
    """Like `taking_turns`, for a live view's timed refresh: it lets waiting clicks go first."""

    @functools.wraps(function)
    def in_turn(*args, **kwargs) -> Result:
        with SCRIPT_TURNS.turn(background=True):
            return function(*args, **kwargs)

    return in_turn
