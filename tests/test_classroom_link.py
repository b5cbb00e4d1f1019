"""Classroom links: locks, hidden controls and an instruction survive a real query string, the
Train page honours them, a student can unlock, and the caps still apply to every value."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from app_driving import rerun_until_stopped
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from playground.run.limits import LIMITS
from playground.run.settings import PRESET_CONTROL, lockable_controls
from playground.url_state import (
    NOTE_MAX_CHARS,
    ClassroomLink,
    classroom_from_params,
    classroom_to_params,
    config_from_params,
    query_string,
)
from ui.core.classroom_link import UNLOCK_BUTTON
from ui.core.state import CLASSROOM_LINK, CONFIG, TRAIN_LIVE
from ui.train.settings import PRESET_KEY

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LINK = ClassroomLink(
    locked=frozenset({"hidden", "epochs", PRESET_CONTROL}),
    hidden=frozenset({"cell", "enc"}),
    note="Press Train, then drag the epoch slider: when does it read ohlol? <b>not bold</b> & **not bold**",
)


def through_url(link: ClassroomLink) -> tuple[ClassroomLink, tuple[str, ...]]:
    config = PRESETS[DEFAULT_PRESET].config.with_changes(cell="gru")
    url = "http://host/?" + query_string(config, page_params=classroom_to_params(link))
    params = parse_qs(urlsplit(url).query, keep_blank_values=True)
    state = config_from_params(params, page_params=frozenset({"lock", "hide", "note"}))
    assert state.notices == () and state.config == config  # the experiment comes through unchanged
    return classroom_from_params(params)


def test_a_classroom_link_round_trips_through_a_real_query_string():
    assert through_url(LINK) == (LINK, ())
    assert through_url(ClassroomLink()) == (ClassroomLink(), ())


def test_every_setting_and_the_preset_picker_can_be_locked():
    link = ClassroomLink(locked=frozenset(lockable_controls()))
    assert through_url(link) == (link, ())


def test_bad_classroom_parameters_are_explained_and_never_raise():
    link, notices = classroom_from_params({"lock": "cell,nonsense", "hide": ["lr", ""], "note": "x" * 5000})
    assert link.locked == {"cell"} and link.hidden == {"lr"}
    assert len(link.note) <= NOTE_MAX_CHARS + 1
    assert len(notices) == 2 and "nonsense" in notices[0]
    hidden_wins, _ = classroom_from_params({"lock": "cell", "hide": "cell"})
    assert hidden_wins.hidden == {"cell"} and not hidden_wins.locked
    control, _ = classroom_from_params({"note": "line one\nline\x00 two"})
    assert control.note == "line one line two"


def open_link(query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, values in parse_qs(query, keep_blank_values=True).items():
        at.query_params[name] = values
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def labels(at: AppTest) -> set[str]:
    return {w.label for w in [*at.selectbox, *at.number_input, *at.text_area, *at.toggle]}


def test_the_train_page_locks_hides_and_shows_the_instruction_then_unlocks():
    controls = lockable_controls()
    at = open_link(query_string(PRESETS[DEFAULT_PRESET].config, page_params=classroom_to_params(LINK)))
    assert CLASSROOM_LINK.get(at.session_state) == LINK
    assert any(
        "when does it read ohlol" in info.value and "<b>" not in info.value.replace("\\<b\\>", "") for info in at.info
    )
    assert controls["cell"] not in labels(at) and controls["enc"] not in labels(at)
    assert at.number_input(key="train_hidden_size").disabled and at.number_input(key="train_epochs").disabled
    assert at.selectbox(key=PRESET_KEY).disabled
    assert not at.number_input(key="train_lr").disabled  # not chosen: stays free
    rerun_until_stopped(at.button(key="train_train_button").click().run(), TRAIN_LIVE)  # Train always works
    assert any("Solved at epoch" in s.value for s in at.success)
    assert at.query_params["lock"] == "preset,hidden,epochs"  # the URL keeps the locks
    at.button(key=UNLOCK_BUTTON).click().run()
    assert not at.exception
    assert controls["cell"] in labels(at) and not at.number_input(key="train_hidden_size").disabled
    assert "lock" not in at.query_params and "hide" not in at.query_params  # their own copy
    assert any("when does it read ohlol" in info.value for info in at.info)  # the instruction stays
    at.number_input(key="train_hidden_size").set_value(12).run()
    assert CONFIG.get(at.session_state).hidden_size == 12


def test_locked_values_still_obey_the_caps():
    at = open_link(f"hidden={LIMITS.max_hidden_size * 4}&lock=hidden")
    assert CONFIG.get(at.session_state).hidden_size != LIMITS.max_hidden_size * 4
    assert any("hidden" in w.value for w in at.warning)  # the ignored value is explained


@pytest.mark.parametrize("query", ["lock=", "hide=,,,", "note=", "lock=src&hide=tgt"])
def test_odd_classroom_links_open_cleanly(query):
    open_link(query)


def test_a_hidden_setting_keeps_the_links_value_while_others_change():
    at = open_link("cell=gru&hide=cell")
    at.number_input(key="train_lr").set_value(0.05).run()
    at.number_input(key="train_hidden_size").set_value(9).run()
    config = CONFIG.get(at.session_state)
    assert (config.cell, config.lr, config.hidden_size) == ("gru", 0.05, 9)
