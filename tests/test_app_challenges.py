"""The Challenges page in AppTest: load a starting config, train it on Train, come back to a
verdict with evidence; progress downloads and uploads; hostile uploads get a message.
The task generator on the Train page is tested here too (it fills the strings)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_driving import rerun_until_stopped, run
from playground.lessons.challenges import CHALLENGES, progress_to_json
from playground.lessons.tasks import TaskOptions, task_config
from ui.challenges.board import UNSEEN_NOTE, load_button_key
from ui.challenges.state import CHALLENGE_PROGRESS
from ui.core.state import CONFIG, TRAIN_LIVE
from ui.train.task_picker import DELAY_KEY, FILL_BUTTON, LENGTH_KEY, PAIRS_KEY, TASK_KEY

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "app_pages/challenges.py"
TRAIN = "app_pages/train.py"
TIMEOUT = 60


def open_challenges() -> AppTest:
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.switch_page(PAGE)
    return run(at)


def texts(elements) -> list[str]:
    """Element texts as the learner reads them (markdown escapes removed)."""
    return [re.sub(r"\\(.)", r"\1", element.value) for element in elements]


def train_on_train_page(at: AppTest, numbers: dict | None = None, **widget_values) -> AppTest:
    """Set the Train page's select boxes (``widget_values``) and number inputs (``numbers``), train, come back."""
    at.switch_page(TRAIN)
    run(at)
    for key, value in widget_values.items():
        at.selectbox(key=key).set_value(value)
    for key, value in (numbers or {}).items():
        at.number_input(key=key).set_value(value)
    run(at)
    at.button(key="train_train_button").click()
    rerun_until_stopped(run(at), TRAIN_LIVE)
    at.switch_page(PAGE)
    return run(at)


def test_page_lists_every_challenge_with_a_load_button():
    at = open_challenges()
    for name, challenge in CHALLENGES.items():
        assert at.button(key=load_button_key(name))
        assert any(challenge.title in header.value for header in at.subheader)
    assert f"0 of {len(CHALLENGES)} passed" in at.get("progress")[0].proto.text


def test_load_train_and_get_graded():
    at = open_challenges()
    at.button(key=load_button_key("parity")).click()
    run(at)
    start = CHALLENGES["parity"].start
    assert CONFIG.get(at.session_state) == start
    assert at.get("page_link")  # the way to the Train page

    at = train_on_train_page(at)  # the starting config: a plain RNN with two units stays stuck
    warnings = texts(at.warning)
    assert any("Not yet." in text and "parameters: 54" in text for text in warnings), warnings
    assert CHALLENGE_PROGRESS.get(at.session_state) == {}

    at = train_on_train_page(at, train_cell="gru")
    assert any("Passed** by your current run" in text for text in texts(at.success))
    assert set(CHALLENGE_PROGRESS.get(at.session_state)) == {"parity"}
    assert f"1 of {len(CHALLENGES)} passed" in at.get("progress")[0].proto.text


def test_a_memorising_run_fails_on_unseen_strings_and_a_learning_one_passes_with_both_accuracies():
    at = open_challenges()
    assert UNSEEN_NOTE in [caption.value for caption in at.caption]  # said before grading, strings not shown
    at.button(key=load_button_key("copy-lstm")).click()
    run(at)

    # An embedded LSTM of 64 units gets every training string right but half the unseen characters.
    at = train_on_train_page(at, numbers=dict(train_hidden_size=64, train_lr=0.02, train_epochs=200))
    # Graded against both copy challenges (the same strings); the plain RNN's names its broken rule too.
    (warning,) = [text for text in texts(at.warning) if "Not yet." in text and "rule not kept" not in text]
    assert "0 wrong characters) · 50 % on 32 unseen strings" in warning
    assert "it memorised the training strings instead of learning the task" in warning
    assert CHALLENGE_PROGRESS.get(at.session_state) == {}

    # One-hot letters learn to copy: every training string right at epoch 486, where the run stops.
    at = train_on_train_page(
        at, numbers=dict(train_hidden_size=16, train_lr=0.05, train_epochs=600), train_encoding="onehot"
    )
    (passed,) = [text for text in texts(at.success) if "Passed** by your current run" in text]
    assert "100.0% on the training strings (0 wrong characters) · 98 % on 32 unseen strings" in passed
    assert set(CHALLENGE_PROGRESS.get(at.session_state)) == {"copy-lstm"}


def test_loaded_config_reaches_the_train_controls():
    at = open_challenges()
    at.button(key=load_button_key("copy-rnn")).click()
    run(at)
    at.switch_page(TRAIN)
    run(at)
    start = CHALLENGES["copy-rnn"].start
    assert at.text_area(key="train_sources").value == "\n".join(start.sources)
    assert at.selectbox(key="train_cell").value == "rnn"


def test_progress_uploads_and_joins_the_session():
    at = open_challenges()
    good = json.loads(progress_to_json({}))
    good["passed"]["parity-small"] = dict(epochs_trained=300, solved_epoch=45, accuracy=1.0, errors=0, parameters=18)
    at.file_uploader[0].set_value(("progress.json", json.dumps(good).encode(), "application/json"))
    run(at)
    assert set(CHALLENGE_PROGRESS.get(at.session_state)) == {"parity-small"}
    assert any("parameters: 18" in text for text in texts(at.success))
    assert any("the file's word" in caption.value for caption in at.caption)  # an upload is the learner's claim


def test_an_upload_naming_a_retired_challenge_loads_the_rest_and_says_what_it_skipped():
    at = open_challenges()
    old = json.loads(progress_to_json({}))
    old["passed"]["reverse-small"] = dict(epochs_trained=300, solved_epoch=25, accuracy=1.0, errors=0, parameters=536)
    old["passed"]["gru-hello"] = dict(epochs_trained=30, solved_epoch=12, accuracy=1.0, errors=0, parameters=70)
    at.file_uploader[0].set_value(("progress.json", json.dumps(old).encode(), "application/json"))
    run(at)
    assert not at.exception and not at.error
    assert set(CHALLENGE_PROGRESS.get(at.session_state)) == {"gru-hello"}
    assert any("'reverse-small' is no longer a challenge" in info and "skipped" in info for info in texts(at.info))


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\xffnot json",
        b'{"kind": "other"}',
        b"[" * 5000,
        b'{"kind": "rnn-playground-challenge-progress", "version": 1, "passed": {"<img src=x onerror=alert(1)>": {}}}',
    ],
)
def test_hostile_upload_gets_a_clear_message(raw):
    at = open_challenges()
    at.file_uploader[0].set_value(("<b>evil</b>.json", raw, "application/json"))
    run(at)
    errors = texts(at.error)
    assert len(errors) == 1 and errors[0].startswith("<b>evil</b>.json was not loaded: This ")
    assert CHALLENGE_PROGRESS.get(at.session_state) == {}


def test_task_picker_fills_the_strings_and_settings():
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.selectbox(key=TASK_KEY).set_value("copy")
    run(at)  # the delay box is enabled for copy only
    at.number_input(key=LENGTH_KEY).set_value(10)
    at.number_input(key=PAIRS_KEY).set_value(4)
    at.number_input(key=DELAY_KEY).set_value(5)
    run(at)
    at.button(key=FILL_BUTTON).click()
    run(at)
    seed = int(at.text_input(key="train_seed").value)
    expected = task_config("copy", TaskOptions(length=10, pairs=4, delay=5, seed=seed), CONFIG.get(at.session_state))
    assert at.text_area(key="train_sources").value == "\n".join(expected.sources)
    assert at.text_area(key="train_targets").value == "\n".join(expected.targets)
    assert at.selectbox(key="train_cell").value == "lstm"
    assert CONFIG.get(at.session_state) == expected
    assert not at.error


@pytest.mark.parametrize("length", [0, 65, 10**9, -3])
def test_task_picker_refuses_bad_lengths_with_a_message(length):
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    before = at.text_area(key="train_sources").value
    at.number_input(key=LENGTH_KEY).set_value(length)
    run(at)
    at.button(key=FILL_BUTTON).click()
    run(at)
    assert len(at.error) == 1 and "length" in at.error[0].value
    assert at.text_area(key="train_sources").value == before
