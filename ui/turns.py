"""Script runs take turns: one session's script at a time per server process, first come first served.

CPython runs one thread at a time anyway (the GIL). When a class presses Train together, thirty
script threads would otherwise interleave every few milliseconds and queue on Streamlit's own
locks (its config lock is taken for every element drawn). Measured with
`bench/server_load.py` on 2 cores, that contention made the same work cost four to five times
the CPU, and every student waited until all thirty were done. Taking turns, each run finishes
in its own tenth of a second and the next starts: the first students see their result almost
at once, the last after the sum of the runs before them.

The turn is re-entrant (a fragment drawn inside a full run is already in it), and a long loop
such as the Compare page's calls `let_others_go` between slices so nobody waits for it.
"""

from __future__ import annotations

import functools
import threading
from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

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
        self._acquire(depth=1)
        try:
            yield
        finally:
            self._release(all_levels=False)

    def let_others_go(self) -> None:
        """From inside a turn: hand it to everyone already waiting, then carry on."""
        me = threading.get_ident()
        with self._changed:
            if self._owner != me or not self._waiting:
                return
            depth = self._depth
        self._release(all_levels=True)
        self._acquire(depth=depth)

    def _acquire(self, depth: int) -> None:
        me = threading.get_ident()
        with self._changed:
            if self._owner == me:
                self._depth += depth
                return
            self._waiting.append(me)
            try:
                self._changed.wait_for(lambda: self._owner is None and self._waiting[0] == me)
            except BaseException:
                self._waiting.remove(me)
                self._changed.notify_all()
                raise
            self._waiting.popleft()
            self._owner, self._depth = me, depth

    def _release(self, all_levels: bool) -> None:
        with self._changed:
            self._depth = 0 if all_levels else self._depth - 1
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
