"""Script runs take turns in arrival order, re-entrantly."""

import threading
import time

from ui.turns import Turns


def _start_waiting(turns: Turns, name: str, log: list[str]) -> threading.Thread:
    """Start a thread that asks for a turn, and return once it is queued."""

    def run() -> None:
        with turns.turn():
            log.append(name)

    thread = threading.Thread(target=run)
    queued = len(turns._waiting)
    thread.start()
    while len(turns._waiting) == queued:  # wait until it has joined the queue
        time.sleep(0.001)
    return thread


def test_turns_go_in_arrival_order():
    turns, log = Turns(), []
    with turns.turn():
        threads = [_start_waiting(turns, name, log) for name in "abcde"]
        assert log == []  # nobody runs while the turn is held
    for thread in threads:
        thread.join(timeout=5)
    assert log == list("abcde")


def test_a_turn_is_reentrant():
    turns, log = Turns(), []
    with turns.turn():
        with turns.turn():  # a fragment drawn inside a full run
            waiting = _start_waiting(turns, "other", log)
        assert log == []  # still held by the outer block
    waiting.join(timeout=5)
    assert log == ["other"]


def test_an_error_inside_a_turn_releases_it():
    turns = Turns()
    try:
        with turns.turn():
            raise RuntimeError("the script failed")
    except RuntimeError:
        pass
    other = threading.Thread(target=lambda: turns.turn().__enter__())
    other.start()
    other.join(timeout=5)
    assert not other.is_alive()  # it got the turn at once
