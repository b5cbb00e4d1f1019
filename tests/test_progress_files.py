"""Progress files from outside: every malformed one is refused with one sentence, never a traceback,
and an entry counts only if its own evidence reaches its challenge's goal.

`progress_from_json` is fuzzed with hostile JSON put in every field of a good file (numbers of
thousands of digits, NaN and Infinity, deep nesting, wrong types, huge strings); the Challenges page
shows a refused upload as one error line. `progress_from_upload` grades each entry as a run is graded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground import PlaygroundError
from playground.lessons.challenges import (
    CHALLENGES,
    MAX_PROGRESS_BYTES,
    Evidence,
    Upload,
    progress_from_json,
    progress_from_upload,
    progress_to_json,
)
from ui.challenges.state import CHALLENGE_PROGRESS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PLACEHOLDER = "@@hostile@@"
# Raw JSON text for each hostile value: json.dumps cannot even write an integer of 5,000 digits.
HOSTILE_VALUES = {
    "5000-digit integer": "1" * 5000,
    "4000-digit integer": "9" * 4000,
    "huge exponent": "1e400",
    "negative": "-1",
    "fraction": "1.5",
    "true": "true",
    "null": "null",
    "NaN": "NaN",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
    "text": '"1"',
    "huge text": json.dumps("<script>" + "x" * 12_000),
    "list": "[1]",
    "object": '{"a": 1}',
    "deep nesting": "[" * 3000 + "]" * 3000,
}
GOOD_EVIDENCE = Evidence(
    epochs_trained=40,
    solved_epoch=9,
    accuracy=1.0,
    errors=0,
    parameters=3_000,
    held_out_accuracy=1.0,
    held_out_pairs=32,
)
FIELDS = ["kind", "version", "passed", "passed.parity", *(f"passed.parity.{key}" for key in vars(GOOD_EVIDENCE))]
VALID = {("passed.parity.solved_epoch", "null")}  # an entry may say it was never solved


def good_document() -> dict:
    return json.loads(progress_to_json({"parity": GOOD_EVIDENCE}))


def with_hostile(path: str, raw_value: str) -> bytes:
    """A good progress file with the value at ``path`` (dotted keys) replaced by raw JSON text."""
    document = good_document()
    *parents, last = path.split(".")
    target = document
    for key in parents:
        target = target[key]
    target[last] = PLACEHOLDER
    return json.dumps(document).replace(json.dumps(PLACEHOLDER), raw_value).encode()


CASES = [(path, name) for path in FIELDS for name in HOSTILE_VALUES if (path, HOSTILE_VALUES[name]) not in VALID]


def assert_one_sentence(raw: bytes) -> str:
    with pytest.raises(PlaygroundError) as error:
        progress_from_json(raw)
    message = str(error.value)
    assert message.startswith("This ") and message.endswith(".") and len(message) < 200 and "\n" not in message
    return message


def test_the_good_document_reads():
    assert progress_from_json(json.dumps(good_document()).encode()) == {"parity": GOOD_EVIDENCE}


@pytest.mark.parametrize("path,name", CASES, ids=[f"{path}={name}" for path, name in CASES])
def test_a_hostile_value_in_any_field_is_refused_with_a_sentence(path, name):
    raw = with_hostile(path, HOSTILE_VALUES[name])
    if len(raw) <= MAX_PROGRESS_BYTES:
        assert_one_sentence(raw)


def test_the_issues_file_with_a_5000_digit_version_is_refused_with_a_sentence():
    message = assert_one_sentence(b'{"kind":"rnn-playground-challenge-progress","version":' + b"1" * 5000 + b"}")
    assert "111111" not in message


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbf" + progress_to_json({}).encode()[:-1],  # a BOM, and a cut-off end
        json.dumps({"kind": "rnn-playground-challenge-progress", "version": 1.0, "passed": {}}).encode(),
        json.dumps({"kind": "rnn-playground-challenge-progress", "version": True, "passed": {}}).encode(),
        json.dumps(good_document() | {"passed": {"x" * 10_000: {}}}).encode(),
        with_hostile("passed.parity.solved_epoch", "41"),  # solved after the last epoch trained
        with_hostile("passed.parity.errors", "3"),  # wrong characters, yet an accuracy of 100%
        with_hostile("passed.parity.parameters", str(10**12)),  # more than any model here has
    ],
    ids=["cut-off", "version 1.0", "version true", "10,000-character name", "solved late", "errors", "parameters"],
)
def test_odd_files_are_refused_with_a_sentence(raw):
    assert "x" * 41 not in assert_one_sentence(raw)


def open_challenges() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/challenges.py").run()
    assert not at.exception
    return at


@pytest.mark.parametrize(
    "raw",
    [
        b'{"kind":"rnn-playground-challenge-progress","version":' + b"1" * 5000 + b"}",
        with_hostile("passed.parity.accuracy", "NaN"),
        with_hostile("passed", "[" * 3000 + "]" * 3000),
        with_hostile("passed.parity.parameters", "9" * 4000),
    ],
    ids=["5000-digit version", "NaN", "deep nesting", "4000-digit count"],
)
def test_the_challenges_page_shows_one_error_line_for_a_hostile_upload(raw):
    at = open_challenges()
    at.file_uploader[0].set_value(("[progress](https://example.invalid).json", raw, "application/json"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and "\n" not in at.error[0].value
    assert at.error[0].value.startswith("\\[progress\\]\\(https\\:")  # the file's name as text
    assert "Traceback" not in at.error[0].value and "/" not in at.error[0].value.split("not loaded")[1]
    assert CHALLENGE_PROGRESS.get(at.session_state) == {}


# An uploaded entry counts only if its own evidence reaches its challenge's goal.
FORGED = Evidence(epochs_trained=1, solved_epoch=None, accuracy=1.0, errors=0, parameters=10**9)


def test_the_issues_forged_file_passes_nothing():
    raw = progress_to_json(dict.fromkeys(CHALLENGES, FORGED)).encode()
    with pytest.raises(PlaygroundError) as error:
        progress_from_upload(raw)
    message = str(error.value)
    assert message.startswith("This progress file's entry for ") and "does not pass" in message
    assert "no epoch got every prediction right" in message


@pytest.mark.parametrize(
    "name,evidence,shortfall",
    [
        ("gru-hello", dict(solved_epoch=31, epochs_trained=40), "right first at epoch 31, after epoch 30"),
        ("parity-small", dict(parameters=25), "25 parameters, more than 24"),
        ("parity-small", dict(parameters=18, held_out_accuracy=0.84), "only 84 % of the characters"),
        ("parity", dict(solved_epoch=None, errors=2, accuracy=0.9), "no epoch got every prediction right"),
    ],
)
def test_an_entry_short_of_its_goal_is_refused_naming_the_challenge_and_the_shortfall(name, evidence, shortfall):
    entry = Evidence(**{**vars(GOOD_EVIDENCE), "parameters": 500, **evidence})
    with pytest.raises(PlaygroundError) as error:
        progress_from_upload(progress_to_json({name: entry}).encode())
    message = str(error.value)
    assert CHALLENGES[name].title in message and shortfall in message, message


def test_an_entry_that_reaches_its_goal_counts():
    entries = {name: Evidence(40, 9, 1.0, 0, 18) for name in ("gru-hello", "parity", "parity-small")}
    assert progress_from_upload(progress_to_json(entries).encode()) == Upload(entries)


def test_an_entry_of_a_retired_challenge_is_skipped_with_a_sentence():
    """reverse-small graded memorised strings (no network it allowed learned to reverse unseen ones); a file
    saved while it existed still loads, its other entries count, and that entry is said to be skipped."""
    entries = {"parity": Evidence(40, 9, 1.0, 0, 500), "reverse-small": Evidence(300, 25, 1.0, 0, 536)}
    upload = progress_from_upload(progress_to_json(entries).encode())
    assert upload.progress == {"parity": entries["parity"]}
    (sentence,) = upload.skipped
    assert sentence.startswith("'reverse-small' is no longer a challenge (") and sentence.endswith(
        "its entry was skipped."
    )
    assert progress_from_json(progress_to_json(entries).encode()) == {"parity": entries["parity"]}


def test_the_challenges_page_counts_no_forged_pass_and_says_uploads_are_a_claim():
    at = open_challenges()
    raw = progress_to_json(dict.fromkeys(CHALLENGES, FORGED)).encode()
    at.file_uploader[0].set_value(("progress.json", raw, "application/json"))
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "does not pass" in at.error[0].value
    assert CHALLENGE_PROGRESS.get(at.session_state) == {}
    assert f"0 of {len(CHALLENGES)} passed" in at.get("progress")[0].proto.text
    assert any("your own claim" in caption.value for caption in at.caption)
