"""Every input widget of the Train page, fed hostile values through AppTest.

Each case must end with a visible message (an error, a warning, or the vocabulary line that
shows what the network will read) and no exception; `<script>` must only ever appear as text.
The number of cases is printed by `-rA` runs and reported in the README.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

TRAIN_PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "train.py")
SCRIPT = "<script>alert(1)</script>"

TEXTS = {
    "empty": "",
    "whitespace": "   \t ",
    "huge": "ab" * 50_000,
    "emoji": "👍🏽🎉👨\u200d👩\u200d👧",
    "right-to-left": "שלום עולם",
    "mixed-direction": "abc\u202eשלום",
    "html-script": SCRIPT,
    "html-image": '<img src=x onerror="alert(1)">',
    "markdown": "**bold** [link](javascript:alert(1)) $x^2$",
    "combining": "e\u0301e\u0301q\u0307",
    "nul": "ab\x00c",
    "zero-width": "a\u200bb",
    "newlines": "hello\n\n\nworld",
    "unequal-batch": "hello\nab\nxyz",
}
TEXT_WIDGETS = ("train_sources", "train_targets", "train_vocab", "train_seed")
NUMBERS = {
    "nan": math.nan,
    "inf": math.inf,
    "-inf": -math.inf,
    "negative": -3.0,
    "zero": 0.0,
    "absurd": 1e9,
}
FLOAT_WIDGETS = ("train_lr", "train_momentum")
INT_WIDGETS = ("train_hidden_size", "train_layers", "train_embedding_size", "train_epochs")
INT_VALUES = {"negative": -3, "zero": 0, "absurd": 100_000, "huge": 10**12}


def run_case(key: str, value) -> AppTest:
    at = AppTest.from_file(TRAIN_PAGE, default_timeout=60).run()
    assert not at.exception
    if key == "train_momentum":  # momentum is only editable for SGD
        at.selectbox(key="train_optimizer").set_value("sgd").run()
    kind = {
        "train_sources": at.text_area,
        "train_targets": at.text_area,
        "train_vocab": at.text_input,
        "train_seed": at.text_input,
    }
    kind.get(key, at.number_input)(key=key).set_value(value).run()
    return at


def visible_messages(at: AppTest) -> list[str]:
    texts = [e.value for e in at.error] + [w.value for w in at.warning]
    texts += [c.value for c in at.caption if "Vocabulary" in c.value]
    return texts


def assert_safe(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert visible_messages(at), "expected a visible message"
    for element in at.markdown:
        if element.proto.allow_html:
            assert "<script" not in element.value and "onerror=" not in element.value


@pytest.mark.parametrize("key", TEXT_WIDGETS)
@pytest.mark.parametrize("case", sorted(TEXTS))
def test_hostile_text(key, case):
    assert_safe(run_case(key, TEXTS[case]))


@pytest.mark.parametrize("key", FLOAT_WIDGETS)
@pytest.mark.parametrize("case", sorted(NUMBERS))
def test_hostile_float(key, case):
    assert_safe(run_case(key, NUMBERS[case]))


@pytest.mark.parametrize("key", INT_WIDGETS)
@pytest.mark.parametrize("case", sorted(INT_VALUES))
def test_hostile_int(key, case):
    assert_safe(run_case(key, INT_VALUES[case]))


def test_new_characters_replace_a_presets_explicit_vocabulary():
    at = run_case("train_sources", "hole")
    assert at.text_input(key="train_vocab").value == "ehlo"  # nothing new: the lesson's order stays
    at.text_area(key="train_sources").set_value("abcd").run()
    assert at.text_input(key="train_vocab").value == ""
    assert at.error[0].value.startswith("The source 'abcd' has 4 characters but the target")
    at.text_area(key="train_targets").set_value("dcba").run()
    assert not at.error and any("**a**" in c.value for c in at.caption if "Vocabulary" in c.value)


def test_bad_numbers_are_explained_not_clamped():
    at = run_case("train_hidden_size", 100_000)
    assert any("Hidden size must be between 1 and" in e.value for e in at.error)
    # A browser's number box cannot send NaN; AppTest can, and Streamlit replaces it by the box's
    # default, which is the current value (ui/train/settings.py: the default that survives the
    # browser's early rerun). An empty float box is explained (`from_widget`).
    at = run_case("train_lr", math.nan)
    assert not at.exception and at.number_input(key="train_lr").value == 0.05
    at = run_case("train_lr", 1e9)
    assert any("Learning rate must be at most" in e.value for e in at.error)


def test_script_tag_is_shown_as_text():
    at = run_case("train_sources", SCRIPT)
    at.text_area(key="train_targets").set_value("x" * len(SCRIPT)).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    vocabulary = next(c.value for c in at.caption if "Vocabulary" in c.value)
    assert "16 characters" in vocabulary  # < s c r i p t > a l e ( 1 ) / and the target's x
    assert "**\\<**" in vocabulary or "**&lt;**" in vocabulary  # escaped, shown as text
