"""Characters that draw nothing or reorder the text around them (a right-to-left override, zero-width
spaces and joiners, a byte-order mark) are written out as ⟨U+XXXX⟩ wherever a message quotes what
came from a keyboard, a link or a file; emoji sequences keep their joiners."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground import PlaygroundError, RunConfig
from playground.lessons.challenges import get_challenge
from playground.lessons.tasks import get_task
from playground.nn.data import build_dataset
from playground.nn.text import quoted, visible
from playground.run.compare import parse_hidden_sizes
from playground.url_state import classroom_from_params, config_from_params

HIDDEN = ["\u202e", "\u202d", "\u2066", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
TRAIN_PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "train.py")


def shown(char: str) -> str:
    return f"⟨U+{ord(char):04X}⟩"


def test_hidden_characters_are_written_out_and_the_rest_stays_as_typed():
    assert quoted("abc\u202eשלום") == "'abc⟨U+202E⟩שלום'"
    assert quoted("a\u200bb\ufeff") == "'a⟨U+200B⟩b⟨U+FEFF⟩'"
    assert visible("hello, wörld! <b>") == "hello, wörld! <b>"
    family, thumbs = "👨\u200d👩\u200d👧", "👍🏽"
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert visible(family + thumbs + scotland) == family + thumbs + scotland  # emoji keep their joiners and tags
    assert visible("a\u200db") == "a⟨U+200D⟩b"  # a joiner between letters joins nothing
    assert quoted("x" * 50, 40) == "'" + "x" * 40 + "…'"


def as_read(markdown: str) -> str:
    """Markdown text as the learner reads it: its backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def refusal(action: Callable[[], object]) -> str:
    with pytest.raises(PlaygroundError) as error:
        action()
    return str(error.value)


def messages_quoting(typed: str) -> list[str]:
    """Every kind of message that quotes an outside value, each quoting ``typed``."""
    return [
        refusal(lambda: build_dataset(RunConfig(sources=(f"ab{typed}",), targets=("x",)))),
        refusal(lambda: build_dataset(RunConfig(sources=(f"a{typed}",), targets=("bb",), vocab="ab"))),
        refusal(lambda: build_dataset(RunConfig(sources=("xz",), targets=("zx",), vocab=f"x{typed}y"))),
        refusal(lambda: parse_hidden_sizes(f"4, 8{typed}")),
        refusal(lambda: get_task(f"copy{typed}")),
        refusal(lambda: get_challenge(f"parity{typed}")),
        *config_from_params({f"colour{typed}": "red", "cell": f"gru{typed}"}).notices,
        *classroom_from_params({"lock": f"cell{typed}"})[1],
    ]


@pytest.mark.parametrize("char", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_every_message_quoting_an_outside_value_shows_its_hidden_characters(char):
    for message in messages_quoting(char):
        assert char not in message and shown(char) in message, message


def test_the_train_page_shows_a_typed_override_and_a_zero_width_space():
    at = AppTest.from_file(TRAIN_PAGE, default_timeout=60).run()
    at.text_area(key="train_sources").set_value("abc\u202edef").run()
    assert not at.exception
    assert any(shown("\u202e") in as_read(error.value) and "\u202e" not in error.value for error in at.error)
    at.text_area(key="train_targets").set_value("a\u200bbcdef").run()
    vocabulary = next(as_read(c.value) for c in at.caption if "Vocabulary" in c.value)
    assert shown("\u202e") in vocabulary and shown("\u200b") in vocabulary
    assert "\u202e" not in vocabulary and "\u200b" not in vocabulary


APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.mark.parametrize("page,extension", [("app_pages/challenges.py", ".json"), ("app_pages/export.py", ".pt")])
def test_an_uploaded_files_name_shows_its_override(page, extension):
    """'photo<U+202E>gpj' + extension reads as if it ended in '.jpg': the refusal names the file as it is."""
    name = f"photo\u202egpj{extension}"
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page).run()
    at.file_uploader[0].set_value((name, b"not a file of ours", "application/octet-stream")).run()
    assert not at.exception
    refusal_text = as_read(at.error[0].value)
    assert refusal_text.startswith(f"photo⟨U+202E⟩gpj{extension} was not loaded") and "\u202e" not in refusal_text
