"""A shared server within its means (issue #27): what a session keeps is counted and bounded, a full
budget is a sentence, a second training tab of one browser is refused, and an ended session's
tensors are released.

The counting is the engine's (`playground.run.memory`), checked against the tensors a run really
holds; the budgets are the app's (`ui.core.budgets`), checked through AppTest as a learner meets them.
"""

from __future__ import annotations

import dataclasses
import gc
import re
import weakref
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from playground import RunConfig, Trainer
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from playground.run import limits
from playground.run.compare import Comparison, Contender
from playground.run.limits import LIMITS, largest_network
from playground.run.memory import MEGABYTE, booked_bytes, held_bytes, trainer_booked_bytes, trainer_bytes
from ui.compare.state import COMPARISON
from ui.core import budgets
from ui.core.budgets import SESSIONS
from ui.core.state import TRAIN_LIVE, TRAINER
from ui.server import session_release
from ui.server.session_release import release_ended_sessions

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LARGEST = largest_network(RunConfig())


def reachable_tensor_bytes(root: object) -> int:
    """Bytes of every tensor storage reachable from ``root``, found by walking the object graph:
    an independent count to hold `trainer_bytes` to."""
    seen, storages, todo = set(), {}, [root]
    while todo:
        item = todo.pop()
        if id(item) in seen or isinstance(item, type):
            continue
        seen.add(id(item))
        if isinstance(item, torch.Tensor):
            storages[item.untyped_storage().data_ptr()] = item.untyped_storage().nbytes()
            if item.grad is not None:
                todo.append(item.grad)
            continue
        todo.extend(gc.get_referents(item))
    return sum(storages.values())


@pytest.mark.parametrize("config", [PRESETS[DEFAULT_PRESET].config, LARGEST.with_changes(hidden_size=64)])
def test_a_runs_count_is_every_tensor_it_holds_and_stays_within_its_booking(config):
    trainer = Trainer(config)
    booked = trainer_booked_bytes(trainer)
    for _ in range(3):
        trainer.train(trainer.max_detailed_epochs + 3)  # past the history's thinning
        trainer.internals(trainer.epoch)
        trainer.internals(1)
        assert trainer_bytes(trainer) == reachable_tensor_bytes(trainer)
        assert trainer_bytes(trainer) <= booked
    mark = trainer.mark()  # a rewind mark, as a Train slice keeps one
    assert reachable_tensor_bytes((trainer, mark)) <= booked  # the mark shares the history's tensors


def test_the_largest_network_the_caps_allow_fits_a_sessions_budget_and_six_do_not():
    largest = booked_bytes(Trainer(LARGEST))
    assert largest <= LIMITS.max_session_megabytes * MEGABYTE
    race = Comparison([Contender(str(n), LARGEST.with_changes(lr=0.01 * (n + 1))) for n in range(6)])
    assert booked_bytes(race) == 6 * largest > LIMITS.max_session_megabytes * MEGABYTE
    assert held_bytes(race) == sum(trainer_bytes(t) for t in race.trainers.values())


def test_a_dropped_run_is_freed_at_once_without_the_collector():
    trainer = Trainer(PRESETS[DEFAULT_PRESET].config)
    trainer.train(5)
    trainer.internals(5)
    gone = weakref.ref(trainer)
    gc.disable()
    try:
        del trainer
        assert gone() is None, "a reference cycle keeps a dropped run (and its tensors) until a collection"
    finally:
        gc.enable()


def errors(at: AppTest) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]


def open_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def press_train(at: AppTest) -> AppTest:
    at.button(key="train_train_button").click().run()
    assert not at.exception
    return at


def with_caps(monkeypatch, **caps) -> None:
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(LIMITS, **caps))


def test_a_network_bigger_than_a_sessions_budget_is_a_sentence(monkeypatch):
    with_caps(monkeypatch, max_session_megabytes=0.1)
    at = press_train(open_app())
    (sentence,) = errors(at)
    assert sentence.startswith("This needs 1 MB of memory, more than a session may keep (0 MB, a cap set by the host)")
    assert "pick a smaller hidden size, fewer layers or one direction, or fewer contenders." in sentence
    assert TRAINER.get(at.session_state) is None


def test_a_run_that_does_not_fit_beside_compares_race_names_it_and_the_race_stays(monkeypatch):
    at = open_app()
    race = Comparison([Contender("big", LARGEST.with_changes(hidden_size=128))])
    at.session_state[COMPARISON.name] = race  # as the Compare page keeps it
    with_caps(monkeypatch, max_session_megabytes=booked_bytes(race) / MEGABYTE + 0.1)
    press_train(at)
    (sentence,) = errors(at)
    assert sentence.startswith("This needs 1 MB of memory and your session already keeps Compare's race (")
    assert "Reset or clear one of them first, or pick a smaller network. Nothing you trained was lost." in sentence
    assert COMPARISON.get(at.session_state) is race


def test_a_full_server_is_a_sentence(monkeypatch):
    at = open_app()
    with_caps(monkeypatch, max_server_megabytes=(SESSIONS.idle_megabytes or 0) + 0.01)
    press_train(at)
    (sentence,) = errors(at)
    assert sentence.startswith("The server is full: its sessions keep ")
    assert "try again in a few minutes, when other sessions have closed" in sentence
    assert TRAINER.get(at.session_state) is None


def test_a_second_tab_of_one_browser_may_not_train_while_the_first_does(monkeypatch):
    monkeypatch.setattr(budgets, "_browser", lambda session_id: "one browser")
    first = open_app()
    first.number_input(key="train_epochs").set_value(2000).run()
    press_train(first)
    assert TRAIN_LIVE.running.get(first.session_state)
    # Every AppTest has the same session id: the first tab is entered as the server would, under its own.
    SESSIONS.enter("first tab", "one browser", first.session_state._state)
    second = press_train(open_app())
    assert not TRAIN_LIVE.running.get(second.session_state)
    (sentence,) = errors(second)
    assert sentence.startswith("Another tab of this browser is training: pause or finish it first.")
    first.button(key="train_pause_button").click().run()
    press_train(second)  # its turn now
    assert not errors(second) and TRAIN_LIVE.running.get(second.session_state)


def count_tensors() -> int:
    gc.collect()
    return sum(issubclass(type(item), torch.Tensor) for item in gc.get_objects())


def test_an_ended_sessions_tensors_are_released(monkeypatch):
    at = press_train(open_app())
    trainer = TRAINER.get(at.session_state)
    (mine,) = [entry for entry in SESSIONS.entries() if TRAINER.get(entry.state) is trainer]
    kept, gone = count_tensors(), weakref.ref(trainer)
    del trainer
    monkeypatch.setattr(session_release, "is_active", lambda session_id: session_id != mine.session_id)
    assert release_ended_sessions(ttl_seconds=60) == 0, "a closed tab's session is kept for a reconnect"
    assert gone() is not None
    assert release_ended_sessions(ttl_seconds=0) == 1
    assert gone() is None, "the session's run is released"
    assert count_tensors() < kept
    assert not TRAINER.is_set(at.session_state)
