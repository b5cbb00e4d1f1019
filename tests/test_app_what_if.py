"""AppTest for the What if? page: every control, on whatever the Train page trained, even a paused run."""

import pytest
from streamlit.testing.v1 import AppTest

from playground import RunConfig, Trainer
from playground.lessons.presets import PRESETS
from playground.probes.interventions import Clamp, InputChange, Intervention, snapshot, what_if
from playground.run import limits
from playground.run.limits import Limits
from tests.app_driving import rerun_until_stopped
from ui.core.state import CONFIG, TRAIN_LIVE, TRAINER
from ui.train.controls import PAUSE_BUTTON, TRAIN_BUTTON
from ui.what_if.controls import (
    CHAR_KEY,
    CLAMP,
    DIRECTION_KEY,
    EVERY_STEP,
    IMPORTANCE_KEY,
    ITEM_KEY,
    KIND_KEY,
    LAYER_KEY,
    STEP_KEY,
    TARGET_KEY,
    UNIT_KEY,
    VALUE_KEY,
    WHAT_IF_EPOCH_KEY,
    WHEN_KEY,
)

PAGE = "../app_pages/what_if.py"  # relative to this file
TIMEOUT = 60


def page(trainer: Trainer | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    if trainer is not None:
        CONFIG.set(trainer.config, at.session_state)
        TRAINER.set(trainer, at.session_state)
    return at.run()


def trained(preset: str, epochs: int = 4) -> Trainer:
    trainer = Trainer(PRESETS[preset].config.with_changes(epochs=epochs))
    trainer.train()
    return trainer


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def shown_loss(at: AppTest) -> float:
    return float(metric(at, "loss, changed"))


def test_offers_a_preset_then_shows_both_runs():
    at = page()
    assert not at.exception and at.info
    at.selectbox(key="whatif-preset").set_value("hello-gru")
    at.button(key="whatif-train").click().run()
    at = rerun_until_stopped(at, TRAIN_LIVE)
    assert not at.exception and not at.error
    trainer = TRAINER.get(at.session_state)
    assert trainer.config == PRESETS["hello-gru"].config
    assert float(metric(at, "loss, original")) == pytest.approx(trainer.history[-1].loss, abs=1e-4)


@pytest.mark.parametrize("preset", ["hello-rnncell", "hello-embedding-2layer", "hello-bilstm", "batch-of-three"])
def test_every_control_shows_the_engines_numbers(preset):
    trainer = trained(preset)
    config, dataset = trainer.config, trainer.dataset
    at = page(trainer)
    assert not at.exception and not at.error
    item = 1 if dataset.batch_size > 1 else 0
    if dataset.batch_size > 1:
        at.selectbox(key=ITEM_KEY).set_value(item)
    at.selectbox(key=STEP_KEY).set_value(1).run()
    char = at.selectbox(key=CHAR_KEY).options[0].strip("'")
    at.selectbox(key=CHAR_KEY).set_value(char).run()
    assert not at.exception
    expected = what_if(
        config, snapshot(trainer, trainer.epoch), dataset, Intervention(InputChange(item, 1, char))
    ).changed
    assert shown_loss(at) == pytest.approx(expected.loss, abs=1e-4)
    assert any("bidirectional" in box.value for box in at.info) == config.bidirectional

    at.radio(key=KIND_KEY).set_value(CLAMP).run()
    layer = config.layers - 1
    direction = 1 if config.bidirectional else 0
    if config.layers > 1:
        at.selectbox(key=LAYER_KEY).set_value(layer)
    if config.bidirectional:
        at.selectbox(key=DIRECTION_KEY).set_value(direction)
    target = "f" if config.cell == "lstm" else "h"
    at.selectbox(key=TARGET_KEY).set_value(target).run()  # a gate's slider runs 0..1: a new widget
    at.selectbox(key=UNIT_KEY).set_value(1)
    at.slider(key=VALUE_KEY).set_value(1.0)
    at.radio(key=WHEN_KEY).set_value(EVERY_STEP)
    at.select_slider(key=WHAT_IF_EPOCH_KEY).set_value(2).run()
    assert not at.exception and not at.error
    clamp = Clamp(target, layer, direction, 1, 1.0)
    expected = what_if(config, snapshot(trainer, 2), dataset, Intervention(clamps=(clamp,))).changed
    assert shown_loss(at) == pytest.approx(expected.loss, abs=1e-4)
    assert at.toggle(key=IMPORTANCE_KEY).value  # small networks score their units at once
    assert len(at.dataframe) == 2  # the predictions and the units


def test_works_on_a_paused_run_from_the_train_page():
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    CONFIG.set(RunConfig(epochs=2000), at.session_state)
    at.run()
    at.button(key=TRAIN_BUTTON).click().run()
    at.button(key=PAUSE_BUTTON).click().run()
    trainer = TRAINER.get(at.session_state)
    assert 0 < trainer.epoch < trainer.epochs and not TRAIN_LIVE.running.get(at.session_state)
    at.switch_page("app_pages/what_if.py").run()
    assert not at.exception and not at.error
    assert float(metric(at, "loss, original")) == pytest.approx(trainer.history[-1].loss, abs=1e-4)


def test_a_network_too_big_to_score_says_so(monkeypatch):
    trainer = Trainer(RunConfig(hidden_size=64, epochs=1))
    trainer.train()
    monkeypatch.setattr(limits, "LIMITS", Limits(max_what_if_multiply_adds=1000))
    at = page(trainer)
    assert not at.exception
    assert at.toggle(key=IMPORTANCE_KEY).value is False
    at.toggle(key=IMPORTANCE_KEY).set_value(True).run()
    assert not at.exception and "more than this server allows" in at.error[0].value


def test_pairs_of_different_lengths_show_only_their_own_steps():
    config = RunConfig(
        sources=("hello", "cat", "abcd"), targets=("olleh", "tac", "dcba"), cell="gru", bidirectional=True, epochs=4
    )
    trainer = Trainer(config)
    trainer.train()
    dataset = trainer.dataset
    at = page(trainer)
    at.selectbox(key=STEP_KEY).set_value(4).run()  # the last step of 'hello'
    at.selectbox(key=ITEM_KEY).set_value(1).run()  # 'cat' has 3 steps: the step picker starts again
    assert not at.exception and not at.error
    assert at.selectbox(key=STEP_KEY).options == ["t=0: 'c'", "t=1: 'a'", "t=2: 't'"]
    at.selectbox(key=STEP_KEY).set_value(2).run()
    char = at.selectbox(key=CHAR_KEY).options[0].strip("'")
    at.selectbox(key=CHAR_KEY).set_value(char).run()
    assert not at.exception and not at.error
    expected = what_if(config, snapshot(trainer, trainer.epoch), dataset, Intervention(InputChange(1, 2, char)))
    assert shown_loss(at) == pytest.approx(expected.changed.loss, abs=1e-4)
    assert metric(at, "predicted characters that changed").endswith(f"of {sum(dataset.lengths)}")
    assert list(at.dataframe[0].value.columns) == ["t=0", "t=1", "t=2"]  # no padding column
