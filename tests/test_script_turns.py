"""Script runs take turns in arrival order, re-entrantly."""

import threading
import time

from ui.core.script_turns import Turns


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


def test_work_outside_the_turn_lets_a_waiting_run_go_and_then_queues_again():
    turns, log = Turns(), []
    with turns.turn(), turns.turn():  # held twice, as a fragment inside a full run holds it
        waiting = _start_waiting(turns, "other", log)
        with turns.outside():
            waiting.join(timeout=5)
            assert log == ["other"]  # it ran while this thread trained outside the turn
            log.append("training")
        assert turns._owner == threading.get_ident() and turns._depth == 2
        log.append("drawing")
    assert log == ["other", "training", "drawing"] and turns._owner is None


def test_outside_without_the_turn_changes_nothing():
    turns = Turns()
    with turns.outside():
        assert turns._owner is None
    assert turns._owner is None and not turns._waiting
