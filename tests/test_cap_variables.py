"""A host's ``RNN_PLAYGROUND_<NAME>`` cap variable that is not a valid cap (`playground.run.limits`)
is one sentence naming the variable, its value and what it must be: one line and exit status 2
from the CLI, an error on every page of the app, never a traceback. Valid variables set the caps."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from app_driving import LEARNER_PAGES
from playground.run.errors import CapVariableError
from playground.run.limits import HIGHEST, Limits, load_limits
from ui.core.markdown import escape_markdown

ROOT = Path(__file__).resolve().parent.parent
VARIABLES = {f"RNN_PLAYGROUND_{field.name.upper()}": field for field in fields(Limits)}
COUNTS = [name for name, field in VARIABLES.items() if field.type == "int"]
BAD_VALUES = ["abc", "-1", "0", "", "1e309", "inf", "nan", " "]
# One CLI run per variable: the cases (every listed value for the epochs), a bad value for each other.
CLI_CASES = [
    ("RNN_PLAYGROUND_MAX_HIDDEN_SIZE", "abc"),
    *[("RNN_PLAYGROUND_MAX_EPOCHS", value) for value in ["abc", "-1", "0", "", "1e309"]],
    ("RNN_PLAYGROUND_MAX_LEARNING_RATE", "inf"),
    ("RNN_PLAYGROUND_MAX_HISTORY_MEGABYTES", "1e309"),
    ("RNN_PLAYGROUND_MAX_STRING_LENGTH", "1.5"),
    ("RNN_PLAYGROUND_MAX_PAIRS", "-1"),
    ("RNN_PLAYGROUND_MAX_LAYERS", "0"),
    ("RNN_PLAYGROUND_MAX_EMBEDDING_SIZE", ""),
    ("RNN_PLAYGROUND_MAX_TRAIN_SECONDS", "nan"),
    ("RNN_PLAYGROUND_MAX_VOCABULARY", "1e309"),
    ("RNN_PLAYGROUND_MAX_RECORDED_EPOCHS", " "),
    ("RNN_PLAYGROUND_MAX_WHAT_IF_MULTIPLY_ADDS", "abc"),
    ("RNN_PLAYGROUND_MAX_SESSION_MEGABYTES", "0"),
    ("RNN_PLAYGROUND_MAX_SERVER_MEGABYTES", "-1"),
    ("RNN_PLAYGROUND_MAX_TRAINING_TABS_PER_BROWSER", "1.5"),
    ("RNN_PLAYGROUND_MAX_TEST_PAIRS", "many"),
    ("RNN_PLAYGROUND_MAX_SAMPLE_LENGTH", "0"),
    ("RNN_PLAYGROUND_MAX_CORPUS_CHARACTERS", "2e4"),
    ("RNN_PLAYGROUND_MAX_FILE_PAIRS", "-5"),
    ("RNN_PLAYGROUND_MAX_STUDENTS_PER_CLASS", "1.5"),
    ("RNN_PLAYGROUND_MAX_RUNS_PER_STUDENT", "-1"),
    ("RNN_PLAYGROUND_MAX_CLASS_MEGABYTES", "inf"),
    ("RNN_PLAYGROUND_RETENTION_DAYS", "0"),
]
PAGES = LEARNER_PAGES  # app.py checks the caps before any page, the dashboard's too


def sentence(name: str, value: str) -> str:
    field = VARIABLES[name]
    must_be = "a whole number greater than 0" if field.type == "int" else "a finite number greater than 0"
    if field.name in HIGHEST:
        must_be += f" and at most {HIGHEST[field.name]:g}"
    return (
        f"The environment variable {name}={value!r} is not a valid cap: it must be {must_be} "
        f"(unset it for the default, {field.default})."
    )


@pytest.mark.parametrize("value", BAD_VALUES)
@pytest.mark.parametrize("name", VARIABLES)
def test_every_cap_variable_refuses_every_bad_value_with_its_sentence(name, value):
    with pytest.raises(CapVariableError) as refused:
        load_limits({name: value})
    assert str(refused.value) == sentence(name, value)


@pytest.mark.parametrize("name", COUNTS)
@pytest.mark.parametrize("value", ["1.5", "1e3", "10.0"])
def test_a_count_must_be_a_whole_number(name, value):
    with pytest.raises(CapVariableError, match="whole number"):
        load_limits({name: value})


def test_a_learning_rate_cap_past_what_float32_arithmetic_takes_is_refused():
    with pytest.raises(CapVariableError, match="at most 1e\\+06"):
        load_limits({"RNN_PLAYGROUND_MAX_LEARNING_RATE": "1e308"})
    assert load_limits({"RNN_PLAYGROUND_MAX_LEARNING_RATE": "1e6"}).max_learning_rate == 1e6


def test_valid_variables_set_the_caps():
    limits = load_limits({"RNN_PLAYGROUND_MAX_EPOCHS": "5", "RNN_PLAYGROUND_MAX_LEARNING_RATE": "0.5", "OTHER": "x"})
    assert limits == Limits(max_epochs=5, max_learning_rate=0.5)


def test_the_cli_runs_cover_every_variable():
    assert {name for name, _ in CLI_CASES} == set(VARIABLES)


@pytest.mark.parametrize("name,value", CLI_CASES)
def test_the_cli_says_a_bad_cap_variable_in_one_line_and_exits_2(name, value):
    result = subprocess.run(
        [sys.executable, "-m", "playground", "train"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, name: value},
        timeout=120,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: {sentence(name, value)}\n"


def test_the_cli_keeps_a_valid_cap_variable():
    result = subprocess.run(
        [sys.executable, "-m", "playground", "train", "--epochs", "6"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "RNN_PLAYGROUND_MAX_EPOCHS": "5"},
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr == "error: Number of epochs must be between 1 and 5 (a cap set by the host); got 6.\n"


# The caps are read when the engine is first imported, so the app runs in a fresh interpreter.
EVERY_PAGE_IN_APPTEST = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=60)
shown = []
for page in sys.argv[1:]:
    at.switch_page(page).run()
    shown.append({"page": page, "errors": [e.value for e in at.error], "exceptions": [e.value for e in at.exception]})
print(json.dumps(shown))
"""


def test_every_page_of_the_app_shows_a_bad_cap_variable_as_its_sentence():
    name, value = "RNN_PLAYGROUND_MAX_HIDDEN_SIZE", "abc"
    result = subprocess.run(
        [sys.executable, "-c", EVERY_PAGE_IN_APPTEST, *PAGES],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, name: value, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.splitlines()[-1])
    assert [page["page"] for page in shown] == PAGES and len(PAGES) == 9
    for page in shown:
        assert page == {"page": page["page"], "errors": [escape_markdown(sentence(name, value))], "exceptions": []}
