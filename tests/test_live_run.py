"""Every page trains through `ui.core.live_run`: in slices, one per script run, pausable at once,
and taking turns with other sessions between slices.

A run long enough to need many slices (2000 epochs) shows that a button starts a run rather
than training to the end: after the click the run is going, and reruns finish it.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests
from streamlit.testing.v1 import AppTest

from app_driving import rerun_until_stopped
from playground import RunConfig, Trainer
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from ui.compare.state import COMPARISON, COMPARISON_LIVE
from ui.core import click_waiting as waiting
from ui.core import live_run
from ui.core.live_run import FIRST_SLICE_SECONDS, LiveRun
from ui.core.script_turns import SCRIPT_TURNS
from ui.core.session import TRAIN_RUN
from ui.core.state import CONFIG, TRAIN_LIVE, TRAINER
from ui.gradient_flow.state import GRADIENT_FLOW_LIVE, GRADIENT_FLOW_RACE

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120
LONG = PRESETS[DEFAULT_PRESET].config.with_changes(epochs=2000)


def page(name: str, config=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=TIMEOUT)
    if config is not None:
        CONFIG.set(config, at.session_state)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_export_train_now_starts_a_run_that_reruns_finish():
    at = click(page("export.py", LONG), "export-train")
    trainer = TRAINER.get(at.session_state)
    assert TRAIN_LIVE.running.get(at.session_state) and 0 < trainer.epoch < LONG.epochs
    assert any("training…" in text for text in progress_texts(at))
    assert not at.get("download_button") or all(
        b.label.startswith("Download the script") for b in at.get("download_button")
    )
    rerun_until_stopped(at, TRAIN_LIVE)
    assert TRAINER.get(at.session_state).done
    assert "Trained 2000 of 2000 epochs" in at.success[0].value


def test_a_run_that_diverges_stops_with_a_sentence():
    diverging = RunConfig(
        optimizer="sgd",
        lr=10.0,
        momentum=0.99,
        epochs=200,
        hidden_size=32,
        nonlinearity="relu",
        encoding="onehot",
        cell="rnn",
        loss_reduction="sum",
    )
    at = rerun_until_stopped(click(page("export.py", diverging), "export-train"), TRAIN_LIVE)
    assert not at.exception
    assert any("loss became" in error.value for error in at.error)
    assert 0 < TRAINER.get(at.session_state).epoch < diverging.epochs


def test_inside_train_here_runs_in_slices_and_pause_shows_the_trained_epochs():
    at = click(page("inside_cell.py", LONG), "inside-train-current")
    assert TRAIN_LIVE.running.get(at.session_state)
    assert not at.latex  # the page waits for the run
    click(at, "inside-pause")
    trained = TRAINER.get(at.session_state).epoch
    assert not TRAIN_LIVE.running.get(at.session_state) and 0 < trained < LONG.epochs
    at.run()
    assert TRAINER.get(at.session_state).epoch == trained  # no slice after the Pause click
    assert f"epoch {trained} of {trained} trained" in at.caption[0].value and at.latex


def test_embeddings_switch_and_train_runs_in_slices():
    one_hot = LONG.with_changes(encoding="onehot")
    trainer = Trainer(one_hot.with_changes(epochs=2))
    trainer.train()
    at = AppTest.from_file(str(ROOT / "app_pages" / "embeddings.py"), default_timeout=TIMEOUT)
    CONFIG.set(one_hot, at.session_state)
    TRAINER.set(trainer, at.session_state)
    at.run()
    at.radio(key="embeddings-switch").set_value("embedding")
    click(at, "embeddings-switch-train")
    assert TRAIN_LIVE.running.get(at.session_state)
    assert TRAINER.get(at.session_state).epoch < LONG.epochs
    rerun_until_stopped(at, TRAIN_LIVE)
    assert TRAINER.get(at.session_state).config == one_hot.with_changes(encoding="embedding")
    assert TRAINER.get(at.session_state).done and at.metric


def test_compare_pause_stops_training_and_continue_resumes():
    at = page("compare.py")
    at.radio(key="compare_kind").set_value("learning_rates").run()
    epochs = next(n for n in at.number_input if n.label == "Epochs")
    epochs.set_value(2000).run()
    next(b for b in at.button if b.label == "Train side by side").click().run()
    comparison = COMPARISON.get(at.session_state)
    assert COMPARISON_LIVE.running.get(at.session_state) and not comparison.done
    assert any("training…" in text for text in progress_texts(at))
    click(at, "compare_pause_button")
    trained = [trainer.epoch for trainer in comparison.trainers.values()]
    assert not COMPARISON_LIVE.running.get(at.session_state)
    at.run()
    assert [trainer.epoch for trainer in comparison.trainers.values()] == trained
    assert any("paused" in text for text in progress_texts(at))
    click(at, "compare_continue_button")
    assert sum(trainer.epoch for trainer in comparison.trainers.values()) > sum(trained)
    rerun_until_stopped(at, COMPARISON_LIVE)
    assert comparison.done


def test_gradient_flow_trains_live_by_reruns_and_pause_stops_it():
    at = page("gradient_flow.py")
    at.slider(key="gradient-flow-length").set_value(10).run()
    click(at, "gradient-flow-live")
    race = GRADIENT_FLOW_RACE.get(at.session_state)
    assert GRADIENT_FLOW_LIVE.running.get(at.session_state) and 0 < race.epoch < race.epochs
    at.run()
    click(at, "gradient-flow-live")  # now labelled Pause
    trained = race.epoch
    assert not GRADIENT_FLOW_LIVE.running.get(at.session_state)
    at.run()
    assert race.epoch == trained
    assert at.select_slider(key="gradient-flow-epoch").value == trained
    click(at, "gradient-flow-live")
    rerun_until_stopped(at, GRADIENT_FLOW_LIVE)
    assert race.done and at.select_slider(key="gradient-flow-epoch").value == race.epochs


def test_another_session_gets_its_turn_between_slices(monkeypatch):
    """While one session's long run goes, a session that asks for the turn during one of its
    slices gets it during that slice (training runs outside the turn), long before the run finishes."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    CONFIG.set(LONG, at.session_state)
    at.run()
    at.switch_page("app_pages/export.py").run()
    trained: list[Trainer] = []
    epochs_seen_by_the_other: list[int] = []

    def other_session() -> None:
        with SCRIPT_TURNS.turn():
            epochs_seen_by_the_other.append(trained[0].epoch)

    other = threading.Thread(target=other_session)
    original = Trainer.train_epoch

    def slice_during_which_another_session_asks(trainer, *args, **kwargs):
        if other.ident is None:  # the first slice: the other session queues behind it
            trained.append(trainer)
            queued = len(SCRIPT_TURNS._waiting)
            other.start()
            while other.is_alive() and len(SCRIPT_TURNS._waiting) == queued:
                threading.Event().wait(0.001)
        return original(trainer, *args, **kwargs)

    monkeypatch.setattr(Trainer, "train_epoch", slice_during_which_another_session_asks)
    at.button(key="export-train").click().run()
    other.join(timeout=30)
    assert TRAIN_LIVE.running.get(at.session_state)
    assert epochs_seen_by_the_other and epochs_seen_by_the_other[0] < LONG.epochs


def _session_with(requests: ScriptRequests) -> SimpleNamespace:
    """A stand-in for the script run's context: only its request queue is read."""
    return SimpleNamespace(script_requests=requests)


def test_a_click_is_waiting_only_for_a_request_other_than_the_live_timer(monkeypatch):
    requests = ScriptRequests()
    monkeypatch.setattr(waiting, "get_script_run_ctx", lambda **_: _session_with(requests))
    assert not waiting.click_waiting()
    requests.request_rerun(RerunData(fragment_id="live views", is_auto_rerun=True))
    assert not waiting.click_waiting()  # the live views' own timer
    requests.request_rerun(RerunData(fragment_id="buttons and views"))  # Pause, in the Train panel
    assert waiting.click_waiting()
    requests.on_scriptrunner_ready()  # the queued run starts: nothing waits any more
    requests.request_rerun(RerunData())  # a full rerun (a setting changed)
    assert waiting.click_waiting()
    monkeypatch.setattr(waiting, "get_script_run_ctx", lambda **_: None)
    assert not waiting.click_waiting()  # no script run: never waiting


def _slice_epochs(monkeypatch, run: LiveRun, clicked_after: int | None, config: RunConfig = LONG) -> int:
    """Epochs one slice of ``run`` trains when a click arrives after ``clicked_after`` epochs."""
    trainer = Trainer(config)
    monkeypatch.setattr(live_run, "click_waiting", lambda: clicked_after is not None and trainer.epoch >= clicked_after)
    run._train_until_clicked(trainer, run._epochs_due(trainer) if run.pace is None else None, run.slice_seconds)
    return trainer.epoch


def test_no_epoch_starts_once_a_click_is_waiting(monkeypatch):
    """Pause reaches the server mid-slice: the slice stops after the epoch in progress rather
    than training on for the rest of its CPU seconds (bench/live_page.py times it in a browser)."""
    run = replace(TRAIN_RUN, slice_seconds=1.0, finish_within=0.0, pace=None)
    assert _slice_epochs(monkeypatch, run, clicked_after=None) > 5
    assert _slice_epochs(monkeypatch, run, clicked_after=3) == 3
    assert _slice_epochs(monkeypatch, run, clicked_after=0) == 0


def test_a_slice_keeps_its_epoch_budget_and_finishes_a_short_run(monkeypatch):
    budget = replace(TRAIN_RUN, slice_seconds=1.0, finish_within=0.0, slice_epochs=3, pace=None)
    assert _slice_epochs(monkeypatch, budget, clicked_after=None) == 3
    short = PRESETS[DEFAULT_PRESET].config  # whose rest fits in finish_within: finished in its first slice
    first_slice = replace(TRAIN_RUN, pace=None, slice_seconds=FIRST_SLICE_SECONDS)
    assert _slice_epochs(monkeypatch, first_slice, None, short) == short.epochs
