"""The Train page's Write panel in AppTest: it writes what the engine's sampler writes, greedy beside
sampled, the same settings the same text, a bad prime gets the sampler's sentence, and its settings
outlive a visit to another page."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui.train.write
from app_driving import rerun_until_stopped
from playground.lessons.presets import DEFAULT_PRESET
from playground.run.sampling import SampleSettings, sample
from ui.core.state import TRAIN_LIVE, TRAINER
from ui.train.state import WRITE_SETTINGS
from ui.train.write import (
    LENGTH_KEY,
    PRIME_KEY,
    SEED_KEY,
    TEMPERATURE_KEY,
    TOP_K_KEY,
    WRITE_BUTTON,
)

APP = str(Path(__file__).resolve().parent.parent / "app.py")
OTHER_PAGE = "app_pages/inside_cell.py"
TRAIN_PAGE = "app_pages/train.py"
TIMEOUT = 60


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def trained(preset: str = "next-char", epochs: int | None = None) -> AppTest:
    """The Train page with ``preset`` trained to its end (or ``epochs`` epochs)."""
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.selectbox(key="train_preset").set_value(preset)
    run(at)
    if epochs is not None:
        at.number_input(key="train_epochs").set_value(epochs)
        run(at)
    at.button(key="train_train_button").click()
    return rerun_until_stopped(run(at), TRAIN_LIVE)


@pytest.fixture(scope="module")
def next_char() -> AppTest:
    return trained()


@pytest.fixture(autouse=True)
def no_reveal(monkeypatch):
    """The text appears at once: the animation's waits are the browser test's to watch."""
    monkeypatch.setattr(ui.train.write, "REVEAL_SECONDS", 0.0)


def write(at: AppTest, **settings) -> tuple[str, str]:
    """Set the panel's widgets (by key), press Write; the greedy and the sampled text, prime left out."""
    press_write(at, **settings)
    return written_text(at, "greedy"), written_text(at, "sampled")


def press_write(at: AppTest, **settings) -> None:
    for key, value in settings.items():
        widget = at.slider(key=key) if key == TEMPERATURE_KEY else None
        widget = widget or (at.text_input(key=key) if key == PRIME_KEY else at.number_input(key=key))
        widget.set_value(value)
    at.button(key=WRITE_BUTTON).click()
    run(at)


def written_text(at: AppTest, kind: str) -> str:
    bodies = [element.proto.body for element in at.html if f"rnn-write-{kind}" in element.proto.body]
    assert len(bodies) == 1, bodies
    return html.unescape(re.search(r'class="rnn-written"[^>]*>(.*?)</span>', bodies[0], re.S).group(1))


def warnings(at: AppTest) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", element.value).replace("\u2060", "") for element in at.warning]


def test_the_panel_writes_what_the_sampler_writes_greedy_beside_sampled(next_char):
    at = next_char
    greedy, sampled = write(at, **{PRIME_KEY: "if ", LENGTH_KEY: 40, TEMPERATURE_KEY: 2.0, TOP_K_KEY: 0, SEED_KEY: 8})
    trainer = TRAINER.get(at.session_state)
    settings = SampleSettings("if ", 40, 2.0, 0, 8)
    assert sampled == sample(trainer, settings).text  # the newest epoch: the CLI's model
    assert greedy == sample(trainer, SampleSettings("if ", 40, 0.0, 0, 7)).text
    assert len(sampled) == 40 and sampled != greedy
    assert (greedy, sampled) == write(at)  # the same settings write the same text
    assert write(at, **{SEED_KEY: 7})[1] != sampled  # a trained next-char model is sure: seed 7 draws greedy's


def test_temperature_0_writes_the_greedy_text(next_char):
    greedy, sampled = write(next_char, **{PRIME_KEY: "yo", LENGTH_KEY: 30, TEMPERATURE_KEY: 0.0, TOP_K_KEY: 0})
    assert sampled == greedy
    headings = [element.value for element in next_char.markdown if "temperature 0" in element.value]
    assert headings == [
        "**Greedy: temperature 0, always the likeliest**",
        "**Your settings: temperature 0, greedy too**",
    ]


def test_a_prime_with_an_unseen_character_gets_the_samplers_sentence(next_char):
    at = next_char
    press_write(at, **{PRIME_KEY: "if *zq"})
    assert not at.error
    assert any("never saw them in training" in w and "'*'" in w for w in warnings(at)), warnings(at)
    press_write(at, **{PRIME_KEY: ""})
    assert any("Type a prime" in w for w in warnings(at))


def test_the_panel_writes_with_the_epoch_the_views_show():
    at = trained(epochs=12)
    at.slider(key="train_view_epoch").set_value(5)
    run(at)
    _, sampled = write(at, **{PRIME_KEY: "you", LENGTH_KEY: 25})
    trainer = TRAINER.get(at.session_state)
    assert sampled == sample(trainer, SampleSettings("you", 25, seed=trainer.config.seed), epoch=5).text
    assert any("after epoch 5" in caption.value for caption in at.caption)


def test_the_settings_outlive_a_visit_to_another_page(next_char):
    at = next_char
    write(at, **{PRIME_KEY: "want", LENGTH_KEY: 33, TEMPERATURE_KEY: 0.65, TOP_K_KEY: 3, SEED_KEY: 11})
    at.switch_page(OTHER_PAGE)
    run(at)
    at.switch_page(TRAIN_PAGE)
    run(at)
    assert at.text_input(key=PRIME_KEY).value == "want"
    # ... as the widget's own value, which a browser gets with every script run (not only the first)
    assert at.text_input(key=PRIME_KEY).proto.default == "want"
    assert at.number_input(key=LENGTH_KEY).value == 33
    assert at.slider(key=TEMPERATURE_KEY).value == pytest.approx(0.65)
    assert (at.number_input(key=TOP_K_KEY).value, at.number_input(key=SEED_KEY).value) == (3, 11)
    assert WRITE_SETTINGS.get(at.session_state) == SampleSettings("want", 33, 0.65, 3, 11)
    assert len(written_text(at, "sampled")) == 33  # and so does the text


def test_a_bidirectional_run_gets_the_samplers_sentence_instead_of_the_panel():
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.selectbox(key="train_preset").set_value("next-char")
    run(at)
    at.toggle(key="train_bidirectional").set_value(True)
    run(at)
    at.button(key="train_step_button").click()
    run(at)
    assert any("bidirectional" in info.value for info in at.info)
    assert WRITE_BUTTON not in [button.key for button in at.button]


def test_a_translate_run_writes_and_says_its_text_is_no_continuation(next_char):
    at = trained(DEFAULT_PRESET)  # hello → ohlol
    _, sampled = write(at, **{PRIME_KEY: "he", LENGTH_KEY: 12})
    trainer = TRAINER.get(at.session_state)
    assert at.number_input(key=SEED_KEY).value == trainer.config.seed  # the CLI's --sample-seed default
    assert sampled == sample(trainer, SampleSettings("he", 12, seed=trainer.config.seed)).text
    assert any("curiosity rather than a continuation" in caption.value for caption in at.caption)
    assert not any("curiosity" in caption.value for caption in next_char.caption)


def test_a_new_run_does_not_show_the_last_runs_text():
    at = trained(epochs=3)
    write(at, **{PRIME_KEY: "if ", LENGTH_KEY: 10})
    at.button(key="train_reset_button").click()
    run(at)
    at.button(key="train_step_button").click()
    run(at)
    assert at.button(key=WRITE_BUTTON)  # the new run's panel, with nothing written yet
    assert not [element for element in at.html if "rnn-write-" in element.proto.body]
