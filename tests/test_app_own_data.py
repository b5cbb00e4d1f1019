"""Your own data on the Train page in AppTest: a pairs file uploaded, trained and kept across a walk;
a bad file refused with its sentence; a pasted text trained; the pairs downloaded; links say what
they cannot carry.

AppTest uploads through the file uploader as the browser does (the reader gets a file object);
tests/browser/test_own_data_browser.py uploads a real file in Chromium.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from app_driving import go, rerun_until_stopped, run
from playground.lessons.presets import DEFAULT_PRESET, PRESETS, TEXT_NETWORK_FIELDS, with_story_network
from playground.nn.data import text_windows
from playground.nn.data_files import pairs_csv, read_pairs
from playground.run.limits import LIMITS
from playground.url_state import data_left_out
from ui.core.state import CONFIG, TRAIN_GHOST, TRAIN_LIVE, TRAINER
from ui.train.controls import TYPED_EPOCHS
from ui.train.data_in_use import TYPE_STRINGS_BUTTON
from ui.train.own_data import (
    BATCH_KEY,
    DOWNLOAD_BUTTON,
    PAIRS_UPLOAD_KEY,
    PASTE_KEY,
    STORY_NETWORK_KEY,
    TEXT_UPLOAD_KEY,
    USE_TEXT_BUTTON,
    WINDOW_KEY,
)
from ui.train.settings import SOURCES_KEY

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TRAIN, EXPORT, CHALLENGES = "app_pages/train.py", "app_pages/export.py", "app_pages/challenges.py"
# 80 pairs: more than one batch holds (64), so the upload sets a batch size
PAIRS = tuple((f"{a}{b}{c}", f"{c}{b}{a}") for a in "abcde" for b in "abcd" for c in "abcd")


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "").replace("**", "")


def texts(elements) -> list[str]:
    return [unescaped(element.value) for element in elements]


def open_app() -> AppTest:
    return run(AppTest.from_file(APP, default_timeout=60))


def upload_pairs(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=PAIRS_UPLOAD_KEY).set_value((name, data, "text/csv"))
    return run(at)


def test_uploaded_pairs_train_in_batches_and_stay_after_a_walk_to_another_page():
    assert len(PAIRS) > LIMITS.max_pairs
    at = upload_pairs(open_app(), "words.csv", pairs_csv(*zip(*PAIRS)).encode())
    config = CONFIG.get(at.session_state)
    assert tuple(zip(config.sources, config.targets)) == PAIRS
    assert (config.data_file, config.task, config.batch_size) == ("words.csv", "translate", LIMITS.max_pairs)
    assert config.epochs == TYPED_EPOCHS  # over the default lesson's strings: trained until learned, as typed ones
    line = f"Training on the pairs of words.csv: {len(PAIRS)} pairs, in batches of {LIMITS.max_pairs}."
    assert line in texts(at.info)
    assert not any(area.key == SOURCES_KEY for area in at.text_area)  # the line, not a flooded box
    assert not at.error
    at.number_input(key="train_epochs").set_value(3)
    rerun_until_stopped(run(at).button(key="train_train_button").click().run(), TRAIN_LIVE)
    assert TRAINER.get(at.session_state).epoch == 3
    at = go(go(at, CHALLENGES), TRAIN)
    assert CONFIG.get(at.session_state) == config.with_changes(epochs=3)
    assert TRAINER.get(at.session_state).epoch == 3  # the run trained on the file is still the run
    assert line in texts(at.info)
    at.text_area(key=PASTE_KEY).set_value("a text over the file's pairs, which it keeps unused")
    at.button(key=USE_TEXT_BUTTON).click()
    at = run(at)
    assert CONFIG.get(at.session_state).sources == config.sources
    at.button(key=TYPE_STRINGS_BUTTON).click()
    at = run(at)
    typed = CONFIG.get(at.session_state)
    assert (typed.data_file, typed.sources) == ("", config.sources[: LIMITS.max_pairs])
    assert at.text_area(key=SOURCES_KEY).value == "\n".join(config.sources[: LIMITS.max_pairs])


@pytest.mark.parametrize(
    ("name", "data", "sentence"),
    [
        ("empty.csv", b"", "There is nothing but blank space in empty.csv"),
        ("image.csv", b"GIF89a\x01\x00", "The file image.csv is not UTF-8 text: byte 8 is a NUL byte"),
        ("latin.tsv", b"caf\xe9\tcafe\n", "The file latin.tsv is not UTF-8 text: byte 4 (0xE9), on line 1"),
        ("one.csv", b"ab,ba\nabc\n", "Row 2 of one.csv has one column"),
        ("quotes.csv", b'ab,"ba\n', "Row 1 of quotes.csv cannot be read as CSV (comma-separated)"),
        ("bell.csv", b"a\x07,ba\n", "The source (column 1) on row 1 of bell.csv contains an invisible control"),
        (
            "many.csv",
            b"ab,ba\n" * (LIMITS.max_file_pairs + 1),
            f"The file many.csv has more than {LIMITS.max_file_pairs:,}",
        ),
    ],
)
def test_a_bad_pairs_file_gets_its_sentence_and_changes_nothing(name, data, sentence):
    at = open_app()
    before = CONFIG.get(at.session_state)
    at = upload_pairs(at, name, data)
    assert CONFIG.get(at.session_state) == before
    (error,) = texts(at.error)
    assert error.startswith(f"Nothing was changed. {sentence}")


def test_a_text_file_past_the_cap_is_refused_before_it_reaches_the_paste_box():
    at = open_app()
    at.file_uploader(key=TEXT_UPLOAD_KEY).set_value(
        ("big.txt", b"a" * (4 * LIMITS.max_corpus_characters + 4), "text/plain")
    )
    at = run(at)
    assert texts(at.error)[0].startswith("Nothing was changed. There are more than")
    assert "RNN_PLAYGROUND_MAX_CORPUS_CHARACTERS" in texts(at.error)[0]
    assert at.text_area(key=PASTE_KEY).value == ""


def test_a_pasted_text_trains_a_next_character_model_on_its_windows():
    at = open_app()
    at.text_area(key="train_test_sources").set_value("hell")
    at.text_area(key="train_test_targets").set_value("ohlo")
    at.number_input(key="train_epochs").set_value(2)
    rerun_until_stopped(run(at).button(key="train_train_button").click().run(), TRAIN_LIVE)  # the typed strings
    at.text_area(key=PASTE_KEY).set_value("the cat sat\non the mat.\n\nthe dog sat on the log,\tthe end")
    at.number_input(key=WINDOW_KEY).set_value(6)
    at.number_input(key=BATCH_KEY).set_value(2)
    at.button(key=USE_TEXT_BUTTON).click()
    at = run(at)
    config = CONFIG.get(at.session_state)
    assert config.test_sources == config.test_targets == ()  # the typed task's held-out strings
    assert (config.task, config.text, config.window, config.batch_size, config.data_file) == (
        "next-char",
        "the cat sat on the mat. the dog sat on the log, the end",
        6,
        2,
        "",
    )
    assert (
        "Learning to write your pasted text: 55 characters, 9 windows of up to 6 characters, in batches of 2."
        in texts(at.info)
    )
    assert config == with_story_network(config)  # the box ticked as it starts: the story's network
    at.number_input(key="train_epochs").set_value(4)
    rerun_until_stopped(run(at).button(key="train_train_button").click().run(), TRAIN_LIVE)
    assert TRAINER.get(at.session_state).epoch == 4
    assert not at.error
    # the typed strings' run is no grey curve behind the text's, though the text's config keeps them unused
    assert TRAIN_GHOST.get(at.session_state) and config.sources == PRESETS[DEFAULT_PRESET].config.sources
    assert not any("Grey line" in caption for caption in texts(at.caption))


def test_a_text_keeps_the_pages_network_when_the_story_network_is_unticked():
    at = open_app()
    before = CONFIG.get(at.session_state)
    assert before != with_story_network(before)
    at.text_area(key=PASTE_KEY).set_value("the cat sat on the mat. " * 8)
    at.checkbox(key=STORY_NETWORK_KEY).uncheck()
    at.button(key=USE_TEXT_BUTTON).click()
    config = CONFIG.get(run(at).session_state)
    assert config.text and all(getattr(config, f) == getattr(before, f) for f in TEXT_NETWORK_FIELDS)
    notice = " ".join(texts(at.caption))
    assert "Your pasted text changed: your own text" in notice and "recurrent core" not in notice


def test_an_uploaded_text_fills_the_paste_box_and_names_its_file():
    at = open_app()
    at.file_uploader(key=TEXT_UPLOAD_KEY).set_value(
        ("poem.txt", "\ufeffRoses are red,\r\nviolets blue.".encode(), "text/plain")
    )
    at = run(at)
    assert at.text_area(key=PASTE_KEY).value == "Roses are red, violets blue."
    at.button(key=USE_TEXT_BUTTON).click()
    config = CONFIG.get(run(at).session_state)
    assert (config.text, config.data_file) == ("Roses are red, violets blue.", "poem.txt")
    assert any(info.startswith("Learning to write poem.txt: 28 characters") for info in texts(at.info))


def test_the_story_preset_shows_its_text_in_one_line_not_as_pasted():
    at = open_app()
    at.selectbox(key="train_preset").set_value("story")
    at = run(at)
    config = PRESETS["story"].config
    windows = len(text_windows(config.text, config.window))
    line = (
        f"Learning to write the text of the preset “story”: {len(config.text):,} characters, {windows} windows of "
        f"up to {config.window} characters, in batches of {config.batch_size}."
    )
    assert line in texts(at.info)


def test_a_link_to_the_story_carries_its_shipped_text_and_opens_the_whole_run():
    at = open_app()
    at.selectbox(key="train_preset").set_value("story")
    at = go(run(at), EXPORT)
    assert not any("does not carry" in info for info in texts(at.info))
    params = dict(at.query_params)
    assert params["text"] == "the_little_lighthouse" and "file" not in params
    opened = AppTest.from_file(APP, default_timeout=60)
    opened.query_params.update(params)
    opened = run(opened)
    assert CONFIG.get(opened.session_state) == PRESETS["story"].config
    assert not opened.warning and any("the text of the preset “story”" in info for info in texts(opened.info))


def test_a_pasted_text_not_yet_used_is_still_in_its_box_after_a_walk():
    at = open_app()
    at.text_area(key=PASTE_KEY).set_value("half a poem,\nnot used yet")
    at = go(go(run(at), CHALLENGES), TRAIN)
    assert at.text_area(key=PASTE_KEY).value == "half a poem,\nnot used yet"
    assert CONFIG.get(at.session_state).text == ""


def test_a_pasted_text_with_a_control_character_names_its_line():
    at = open_app()
    before = CONFIG.get(at.session_state)
    at.text_area(key=PASTE_KEY).set_value("fine\nnot \x07 fine")
    at.button(key=USE_TEXT_BUTTON).click()
    at = run(at)
    assert CONFIG.get(at.session_state) == before
    assert texts(at.error) == [
        "Nothing was changed. Line 2 of the pasted text has an invisible control character (U+0007), which a text "
        "to learn cannot hold; remove it and try again."
    ]


def test_the_csv_download_holds_the_current_pairs(monkeypatch):
    saved: dict[str | None, bytes] = {}
    load = MemoryMediaFileStorage.load_and_get_id

    def recording(self, data, mimetype, kind, filename=None):
        saved[filename] = data
        return load(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    at = open_app()
    at.text_area(key=SOURCES_KEY).set_value('a,b\n"q"')
    at.text_area(key="train_targets").set_value("b,a\nq''")
    at = run(at)
    assert not at.download_button(key=DOWNLOAD_BUTTON).disabled
    content = saved["pairs.csv"]
    assert read_pairs(io.BytesIO(content), "pairs.csv") == (("a,b", "b,a"), ('"q"', "q''"))
    upload_pairs(at, "mine.tsv", b"ab\tba\n")
    assert saved["mine.csv"] == b"source,target\r\nab,ba\r\n"


def test_a_link_cannot_carry_the_file_and_says_which_one_to_upload():
    at = upload_pairs(open_app(), "words.csv", b"ab,ba\ncd,dc\n")
    config = CONFIG.get(at.session_state)
    at = go(at, EXPORT)
    sentence = data_left_out(config)
    assert sentence is not None and "words.csv" in sentence
    assert sentence in texts(at.info)
    assert any("'ab' → 'ba', 'cd' → 'dc' from 'words.csv'" in line for line in texts(at.caption))  # the summary
    params = dict(at.query_params)
    assert "src" not in params and params["file"] == "words.csv"
    opened = AppTest.from_file(APP, default_timeout=60)
    opened.query_params.update(params)
    opened = run(opened)
    assert any(sentence in warning for warning in texts(opened.warning))
    assert not any("Training on the pairs of" in info for info in texts(opened.info))  # the boxes, not the file
    assert opened.text_area(key=SOURCES_KEY).value == "hello"
    (panel,) = [expander for expander in opened.expander if expander.label.startswith("Your own data")]
    assert panel.proto.expanded  # open where the file is uploaded
    assert CONFIG.get(opened.session_state).data_file == ""  # the session holds no file until it is uploaded
    opened.number_input(key="train_hidden_size").set_value(12)
    opened = run(opened)
    assert opened.text_area(key=SOURCES_KEY).value == "hello"  # still the boxes after any change
    upload_pairs(opened, "words.csv", b"ab,ba\ncd,dc\n")
    assert CONFIG.get(opened.session_state) == config.with_changes(hidden_size=12)
