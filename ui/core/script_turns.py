"""Script runs take turns: one session's script at a time per server process, first come first served.

CPython runs one thread at a time anyway (the GIL). When a class presses Train together, thirty
script threads would otherwise interleave every few milliseconds and queue on Streamlit's own
locks (its config lock is taken for every element drawn): the same work then costs several
times the CPU, and every student waits until all thirty are done (`bench/server_load.py`,
numbers in docs/performance.md). Taking turns, each run finishes and the next starts: the first
students see their result almost at once, the last after the sum of the runs before them.

So no script run may hold the turn for long: training goes in short slices, one per script
run (`ui.core.live_run`). The turn is re-entrant: a fragment drawn inside a full run is already in it.
"""

from __future__ import annotations

import functools
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

Result = TypeVar("Result")


class Turns:
    """A fair (FIFO), re-entrant lock around script runs."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: deque[int] = deque()
        self._owner: int | None = None
        self._depth = 0

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the turn for the block, waiting behind everyone who asked before."""
        self._acquire()
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
            if depth:
                self._depth, self._owner = 0, None
                self._changed.notify_all()
        try:
            yield
        finally:
            if depth:
                self._acquire()
                with self._changed:
                    self._depth = depth

    def _acquire(self) -> None:
        me = threading.get_ident()
        with self._changed:
            if self._owner == me:
                self._depth += 1
                return
            self._waiting.append(me)
            try:
                self._changed.wait_for(lambda: self._owner is None and self._waiting[0] == me)
            except BaseException:
                self._waiting.remove(me)
                self._changed.notify_all()
                raise
            self._waiting.popleft()
            self._owner, self._depth = me, 1

    def _release(self) -> None:
        with self._changed:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
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
