"""Script runs take turns in arrival order, re-entrantly, a learner's runs before timed ones."""

import threading
import time

from ui.core.script_turns import Turns


def _start_waiting(turns: Turns, name: str, log: list[str], promoted=None) -> threading.Thread:
    """Start a thread that asks for a turn (a timed run's when ``promoted`` is given), and
    return once it is queued."""

    def run() -> None:
        with turns.turn(promoted):
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


def test_a_learners_run_goes_before_timed_runs_that_asked_earlier():
    turns, log = Turns(), []
    with turns.turn():
        timed = [_start_waiting(turns, name, log, promoted=lambda: False) for name in ("timed 1", "timed 2")]
        clicks = [_start_waiting(turns, name, log) for name in ("click 1", "click 2")]
    for thread in timed + clicks:
        thread.join(timeout=5)
    assert log == ["click 1", "click 2", "timed 1", "timed 2"]


def test_a_timed_run_a_click_waits_for_is_promoted_while_it_waits():
    turns, log = Turns(), []
    click_arrived = threading.Event()
    with turns.turn():
        timed = _start_waiting(turns, "timed, other session", log, promoted=lambda: False)
        waited_for = _start_waiting(turns, "timed, a click waits", log, promoted=click_arrived.is_set)
        click_arrived.set()
        time.sleep(0.2)  # several promotion checks
        click = _start_waiting(turns, "another learner's click", log)
    for thread in (timed, waited_for, click):
        thread.join(timeout=5)
    # promoted, it is a learner's run that asked before the other click
    assert log == ["timed, a click waits", "another learner's click", "timed, other session"]


def test_a_timed_run_training_outside_its_turn_queues_again_as_a_timed_run():
    turns, log = Turns(), []
    drawing_may_end = threading.Event()

    def another_sessions_drawing() -> None:
        with turns.turn():
            log.append("other drawing")
            drawing_may_end.wait(timeout=5)

    with turns.turn(promoted=lambda: False):
        with turns.outside():
            holder = threading.Thread(target=another_sessions_drawing)
            holder.start()
            while turns._owner is None:
                time.sleep(0.001)
            log.append("trained")
            clicks: list[threading.Thread] = []
            # a click that asks after this run queued again, while the other session still draws
            threading.Timer(0.05, lambda: clicks.append(_start_waiting(turns, "click", log))).start()
            threading.Timer(0.3, drawing_may_end.set).start()
        log.append("drawn")  # back in the turn as a timed run: the click that asked after it went first
    holder.join(timeout=5)
    clicks[0].join(timeout=5)
    assert log == ["other drawing", "trained", "click", "drawn"]
