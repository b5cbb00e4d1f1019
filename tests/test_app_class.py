"""A class that remembers, driven in AppTest: a teacher starts a class on Share & export, a student
joins from the student link and trains, their run is in the class store, and a new session of the
same browser (its cookie) gets the run back, replayed and verified. The teacher's token stays out of
the URL and the student link; outside a class nothing reaches the database."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from app_driving import rerun_until_stopped
from playground.lessons.challenges import CHALLENGES
from store.classes import find_class, find_student
from store.database import DATABASE_URL_VARIABLE, open_database
from store.runs import latest_run
from ui.core import class_member, class_saving
from ui.core.class_member import NAME_BOX as JOIN_NAME_BOX
from ui.core.markdown import escape_markdown
from ui.core.state import (
    CLASS_REPLAY,
    CLASS_ROOM,
    CLASS_STUDENT,
    CLASS_TEACHER_TOKEN,
    TRAIN_LIVE,
    TRAINER,
)
from ui.export.class_form import CHALLENGE_PICKER, LOCK_PICKER, NAME_BOX, NOTE_BOX
from wrong_tokens import one_character_off

APP = str(Path(__file__).resolve().parent.parent / "app.py")
EXPORT = "app_pages/export.py"
TIMEOUT = 60


def start_class(name: str = "Year 10 <b>Tuesday</b>", locked: tuple[str, ...] = ("cell",)) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page(EXPORT).run()
    at.text_input(key=NAME_BOX).input(name)
    at.text_input(key=NOTE_BOX).input("Train the GRU first.")
    at.multiselect(key=CHALLENGE_PICKER).select("gru-hello")
    for control in locked:
        at.multiselect(key=LOCK_PICKER).select(control)
    at.button(key="FormSubmitter:class_form-Start the class").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def codes(at: AppTest) -> list[str]:
    return [code.value for code in at.code]


def join(code: str, name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["class"] = code
    at.run()
    at.text_input(key=JOIN_NAME_BOX).input(name)
    at.button(key="FormSubmitter:class_join_form-Join").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_teacher_starts_a_class_and_sees_both_links_the_token_only_in_the_teachers(store_file):
    at = start_class()
    room, token = CLASS_ROOM.get(at.session_state), CLASS_TEACHER_TOKEN.get(at.session_state)
    database = open_database(f"sqlite:///{store_file}")
    assert find_class(database, room.code) == room
    assert (room.name, room.instruction, room.challenges, room.locked) == (
        "Year 10 <b>Tuesday</b>",
        "Train the GRU first.",
        ("gru-hello",),
        {"cell"},
    )
    links = codes(at)
    student_links = [link for link in links if link.endswith(f"?class={room.code}")]
    teacher_links = [link for link in links if link.endswith(f"/export?class={room.code}&teacher={token}")]
    assert len(student_links) == 1 and len(teacher_links) == 1
    assert all(token not in value for value in at.query_params.values())
    assert any("Year 10 <b>Tuesday</b>" in header.value for header in at.subheader)  # shown as typed text
    at.button(key="class_hide_teacher_link").click().run()
    assert not any(token in link for link in codes(at)), "the teacher link is shown once"
    database.dispose()


def test_the_teacher_link_leaves_the_url_and_stays_in_the_session(store_file):
    teacher = start_class()
    room, token = CLASS_ROOM.get(teacher.session_state), CLASS_TEACHER_TOKEN.get(teacher.session_state)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"class": room.code, "teacher": token})
    at.run()
    assert "teacher" not in at.query_params and "class" not in at.query_params
    assert CLASS_TEACHER_TOKEN.get(at.session_state) == token
    wrong = AppTest.from_file(APP, default_timeout=TIMEOUT)
    wrong.query_params.update({"class": room.code, "teacher": one_character_off(token)})
    wrong.run()
    assert "teacher" not in wrong.query_params
    assert CLASS_TEACHER_TOKEN.get(wrong.session_state) is None
    assert [w.value for w in wrong.warning] == [
        escape_markdown("This teacher link is not valid: the class or its teacher token is wrong.")
    ]
    assert CLASS_ROOM.get(wrong.session_state) is None and "class" not in wrong.query_params


def test_a_student_joins_trains_and_a_new_session_of_their_browser_gets_the_run_back(store_file, monkeypatch):
    room = CLASS_ROOM.get(start_class().session_state)
    at = join(room.code, "Ana")
    student, token = CLASS_STUDENT.get(at.session_state)
    assert at.query_params["class"] == room.code and "teacher" not in at.query_params
    assert at.info[0].value == "Train the GRU first."  # the class's instruction, above the page
    title = escape_markdown(CHALLENGES["gru-hello"].title)
    assert any("as Ana: your runs are saved" in c.value and title in c.value for c in at.caption)
    rerun_until_stopped(at.button(key="train_train_button").click().run(), TRAIN_LIVE)
    trained = TRAINER.get(at.session_state)
    database = open_database(f"sqlite:///{store_file}")
    saved = latest_run(database, student)
    assert (saved.epoch, saved.config) == (trained.epoch, trained.config) and trained.epoch > 0

    monkeypatch.setattr(class_member, "remembered_token", lambda room: token)  # the browser's cookie
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.query_params["class"] = room.code
    again.run()
    for _ in range(200):
        if CLASS_REPLAY.get(again.session_state) is None:
            break
        again.run()
    assert not again.exception, [e.value for e in again.exception]
    recognised, kept_token = CLASS_STUDENT.get(again.session_state)
    assert (recognised.id, recognised.name, kept_token) == (student.id, "Ana", token)
    assert find_student(database, room, token).last_seen > student.last_seen  # seen again: not idle
    restored = TRAINER.get(again.session_state)
    assert restored.epoch == trained.epoch
    for weight, same in zip(trained.model.state_dict().values(), restored.model.state_dict().values()):
        assert torch.equal(weight, same)
    assert f"Restored your last run from the class store (epoch {trained.epoch})." in [s.value for s in again.success]
    database.dispose()


def test_a_wrong_student_token_is_a_new_student(store_file, monkeypatch):
    room = CLASS_ROOM.get(start_class().session_state)
    monkeypatch.setattr(class_member, "remembered_token", lambda room: "not-a-token")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["class"] = room.code
    at.run()
    assert CLASS_STUDENT.get(at.session_state) is None
    assert at.text_input(key=JOIN_NAME_BOX).label == "Your name in this class"


def test_outside_a_class_nothing_reaches_the_database(store_file):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    rerun_until_stopped(at.button(key="train_train_button").click().run(), TRAIN_LIVE)
    assert TRAINER.get(at.session_state).epoch > 0
    at.switch_page(EXPORT).run()
    assert not at.exception
    assert not store_file.exists()


def test_a_paused_run_is_saved_at_the_epoch_it_paused(store_file):
    room = CLASS_ROOM.get(start_class().session_state)
    at = join(room.code, "Ben")
    student, _ = CLASS_STUDENT.get(at.session_state)
    at.button(key="train_train_button").click().run()
    at.run()
    at.button(key="train_pause_button").click().run()
    trainer = TRAINER.get(at.session_state)
    assert not TRAIN_LIVE.running.get(at.session_state) and 0 < trainer.epoch < trainer.epochs
    database = open_database(f"sqlite:///{store_file}")
    assert latest_run(database, student).epoch == trainer.epoch
    database.dispose()


def test_a_run_is_saved_while_it_trains(store_file, monkeypatch):
    monkeypatch.setattr(class_saving, "SAVE_EVERY_SECONDS", 0.0)  # every slice, instead of every few seconds
    monkeypatch.setattr(class_saving, "SAVING_SHARE", float("inf"))
    room = CLASS_ROOM.get(start_class().session_state)
    at = join(room.code, "Cy")
    student, _ = CLASS_STUDENT.get(at.session_state)
    at.button(key="train_train_button").click().run()  # at the default pace: 10 epochs a second
    at.run()
    trainer = TRAINER.get(at.session_state)
    assert TRAIN_LIVE.running.get(at.session_state) and 0 < trainer.epoch
    database = open_database(f"sqlite:///{store_file}")
    assert latest_run(database, student).epoch == trainer.epoch
    database.dispose()


@pytest.mark.parametrize(
    "url,sentence",
    [
        ("mysql://u:p@db/class", "names a mysql database"),
        ("postgresql+psycopg://u:p@127.0.0.1:9/none", "The class store could not be reached"),
    ],
)
def test_a_store_that_cannot_be_used_is_a_sentence_and_the_page_works(monkeypatch, url, sentence):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["class"] = "ACDEFGHJ"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(sentence in warning.value for warning in at.warning)
    assert at.button(key="train_train_button")  # the Train page is there as usual
