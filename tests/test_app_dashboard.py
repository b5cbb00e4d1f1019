"""The teacher's Class dashboard, driven in AppTest: listed only for a teacher's session, refused with a
sentence and nothing of the class for a missing, wrong, another class's or a closed class's token; the
students' latest runs in its table and its CSV file, names shown as typed; removing a student and
closing the class, each after a confirming click; the token never in the URL."""

from __future__ import annotations

import csv
import io
import json
import os
import time

import pandas as pd
import pytest
import torch
from streamlit.testing.v1 import AppTest

from app_driving import rerun_until_stopped
from playground.lessons.challenges import CHALLENGES, progress_to_json
from store.classes import find_class
from store.database import DATABASE_URL_VARIABLE, open_database
from store.runs import class_runs, latest_run, run_count
from test_app_class import APP, TIMEOUT, join, start_class
from ui.challenges.board import load_button_key
from ui.challenges.state import CHALLENGE_PROGRESS
from ui.core.markdown import escape_markdown
from ui.core.state import (
    CLASS_REPLAY,
    CLASS_ROOM,
    CLASS_STUDENT,
    CLASS_TEACHER_TOKEN,
    DASHBOARD_PAGE,
    TRAIN_LIVE,
    TRAINER,
)
from ui.dashboard.table import csv_text, table_rows
from ui.dashboard.views import NOT_TEACHER
from wrong_tokens import one_character_off

WRONG_TEACHER = "This teacher link is not valid: the class or its teacher token is wrong."


def open_dashboard(at: AppTest) -> AppTest:
    at.switch_page(DASHBOARD_PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def train(at: AppTest) -> None:
    rerun_until_stopped(at.button(key="train_train_button").click().run(), TRAIN_LIVE)


def shown_text(at: AppTest) -> str:
    return repr(
        [
            element.value
            for kind in ("markdown", "caption", "subheader", "warning", "info")
            for element in getattr(at, kind)
        ]
    )


def test_a_session_without_a_teacher_token_does_not_list_the_dashboard(store_file):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(DASHBOARD_PAGE)
    room = CLASS_ROOM.get(start_class().session_state)
    student = join(room.code, "Ana")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        student.switch_page(DASHBOARD_PAGE)


def test_the_teacher_link_lists_the_dashboard_and_keeps_the_token_out_of_the_url(store_file):
    teacher = start_class()
    room, token = CLASS_ROOM.get(teacher.session_state), CLASS_TEACHER_TOKEN.get(teacher.session_state)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"class": room.code, "teacher": token})
    at.run()
    open_dashboard(at)
    assert [title.value for title in at.title] == ["Class dashboard"]
    assert all(token not in value for value in at.query_params.values())
    assert "No student has joined yet" in shown_text(at)


@pytest.mark.parametrize("which", ["wrong", "another class's", "closed"])
def test_the_dashboard_refuses_a_token_that_is_not_its_class_teachers(store_file, which):
    teacher = start_class("Year 10 secret")
    room, token = CLASS_ROOM.get(teacher.session_state), CLASS_TEACHER_TOKEN.get(teacher.session_state)
    join(room.code, "Ana")
    if which == "wrong":
        CLASS_TEACHER_TOKEN.set(one_character_off(token), teacher.session_state)
        sentence = WRONG_TEACHER
    elif which == "another class's":
        other = start_class("Year 11")
        CLASS_TEACHER_TOKEN.set(CLASS_TEACHER_TOKEN.get(other.session_state), teacher.session_state)
        sentence = WRONG_TEACHER
    else:
        open_dashboard(teacher)
        teacher.button(key="dashboard_close").click().run()
        teacher.button(key="dashboard_close_yes").click().run()
        sentence = "The class 'Year 10 secret' is closed: nothing more is saved or shown for it."
    open_dashboard(teacher)
    assert [w.value for w in teacher.warning] == [escape_markdown(sentence)]
    assert not teacher.dataframe and not teacher.subheader and "Ana" not in shown_text(teacher)


def test_a_session_that_lost_its_class_gets_the_sentence_and_nothing_else(store_file):
    teacher = start_class()
    CLASS_ROOM.set(None, teacher.session_state)
    open_dashboard(teacher)
    assert [info.value for info in teacher.info] == [NOT_TEACHER] and not teacher.dataframe


def test_the_table_shows_each_students_run_and_the_csv_says_the_same(store_file):
    teacher = start_class()
    room = CLASS_ROOM.get(teacher.session_state)
    ana = join(room.code, "Ana")
    join(room.code, "<b>x</b> **y**")
    train(ana)
    join(room.code, "=1+1")  # a name a spreadsheet would run
    open_dashboard(teacher)
    frame = teacher.dataframe[0].value
    assert list(frame["Student"]) == ["Ana", "<b>x</b> **y**", "=1+1"]  # as typed: a dataframe shows text
    assert frame["Network"][0] and frame["Epoch"][0] > 0 and frame["Solved"][0].startswith("at epoch")
    assert pd.isna(frame["Epoch"][1]) and frame["Last seen"][1] == "now"
    assert len(teacher.get("download_button")) == 1
    rows = list(csv.DictReader(io.StringIO(csv_of(teacher))))
    assert [row["Student"] for row in rows] == ["Ana", "<b>x</b> **y**", "'=1+1"]
    assert rows[0]["Epoch"] == str(frame["Epoch"][0]) and rows[1]["Epoch"] == ""
    assert CLASS_TEACHER_TOKEN.get(teacher.session_state) not in csv_of(teacher)
    assert len(teacher.get("plotly_chart")) == 1  # one curve: Ana's


def csv_of(at: AppTest) -> str:

    room = CLASS_ROOM.get(at.session_state)
    database = open_database(_url())
    try:
        return csv_text(table_rows(class_runs(database, room), time.time()))
    finally:
        database.dispose()


def _url() -> str:
    return os.environ[DATABASE_URL_VARIABLE]


def test_removing_a_student_takes_a_confirming_click_and_deletes_their_runs(store_file):
    teacher = start_class()
    room = CLASS_ROOM.get(teacher.session_state)
    ana = join(room.code, "Ana")
    train(ana)
    join(room.code, "Bo")
    student, _ = CLASS_STUDENT.get(ana.session_state)
    open_dashboard(teacher)
    teacher.selectbox(key="dashboard_remove_student").select(student.id).run()
    teacher.button(key="dashboard_remove").click().run()
    assert any("Remove Ana from the class?" in w.value for w in teacher.warning)
    teacher.button(key="dashboard_remove_cancel").click().run()
    assert list(teacher.dataframe[0].value["Student"]) == ["Ana", "Bo"]
    teacher.button(key="dashboard_remove").click().run()
    teacher.button(key="dashboard_remove_yes").click().run()
    assert list(teacher.dataframe[0].value["Student"]) == ["Bo"]
    database = open_database(_url())
    assert [m.student.name for m in class_runs(database, room)] == ["Bo"]
    database.dispose()


def test_closing_the_class_closes_its_student_link(store_file):
    teacher = start_class()
    room = CLASS_ROOM.get(teacher.session_state)
    open_dashboard(teacher)
    teacher.button(key="dashboard_close").click().run()
    assert any("deleted after 30 days" in w.value for w in teacher.warning)
    teacher.button(key="dashboard_close_yes").click().run()
    assert not teacher.dataframe and any("is closed" in w.value for w in teacher.warning)
    database = open_database(_url())
    assert find_class(database, room.code).closed
    database.dispose()
    late = AppTest.from_file(APP, default_timeout=TIMEOUT)
    late.query_params["class"] = room.code
    late.run()
    assert any("is closed" in w.value for w in late.warning)
    assert CLASS_ROOM.get(late.session_state) is None
    with pytest.raises(KeyError):
        late.text_input(key="class_join_name")  # no join form
    assert late.button(key="train_train_button")


def test_a_passing_run_shows_as_passed_and_an_uploaded_progress_file_stores_nothing(store_file):
    teacher = start_class(locked=())  # its challenge: gru-hello, on a GRU
    room = CLASS_ROOM.get(teacher.session_state)
    ana, bo = join(room.code, "Ana"), join(room.code, "Bo")
    ana.switch_page("app_pages/challenges.py").run()
    ana.button(key=load_button_key("gru-hello")).click().run()  # its GRU of two units
    ana.switch_page("app_pages/train.py").run()
    ana.selectbox(key="train_encoding").select("embedding").run()
    ana.number_input(key="train_lr").set_value(0.1).run()
    train(ana)
    bo.switch_page("app_pages/challenges.py").run()
    claim = json.loads(progress_to_json({}))
    claim["passed"]["gru-hello"] = dict(epochs_trained=30, solved_epoch=3, accuracy=1.0, errors=0, parameters=9)
    bo.file_uploader[0].set_value(("progress.json", json.dumps(claim).encode(), "application/json")).run()
    assert set(CHALLENGE_PROGRESS.get(bo.session_state)) == {"gru-hello"}  # Bo's own session believes the file
    open_dashboard(teacher)
    experiments, challenges = (table.value for table in teacher.dataframe)
    assert "Epoch" in experiments and "Epoch" not in challenges
    title = CHALLENGES["gru-hello"].title
    frame = challenges
    assert frame[title][0].startswith("passed: solved at epoch"), frame[title][0]
    assert frame[title][1] == "not yet"


def test_the_teacher_opens_a_students_run_verified_and_cannot_change_the_stored_one(store_file):
    teacher = start_class()
    room = CLASS_ROOM.get(teacher.session_state)
    ana = join(room.code, "<i>Ana</i>")
    train(ana)
    student, _ = CLASS_STUDENT.get(ana.session_state)
    trained = TRAINER.get(ana.session_state)
    database = open_database(_url())
    stored = latest_run(database, student)
    open_dashboard(teacher)
    teacher.button(key="dashboard_open_run").click().run()
    assert [title.value for title in teacher.title] == ["Train a recurrent network"]  # the page went to Train
    for _ in range(200):
        if CLASS_REPLAY.get(teacher.session_state) is None:
            break
        teacher.run()
    assert not teacher.exception, [e.value for e in teacher.exception]
    viewed = TRAINER.get(teacher.session_state)
    assert viewed is not trained and viewed.epoch == trained.epoch
    for weight, same in zip(trained.model.state_dict().values(), viewed.model.state_dict().values()):
        assert torch.equal(weight, same)
    assert any(escape_markdown("<i>Ana</i>'s latest run") in info.value for info in teacher.info)
    teacher.switch_page("app_pages/train.py").run()  # AppTest reruns the page it last switched to itself
    teacher.button(key="train_reset_button").click().run()  # the teacher trains a run of their own
    train(teacher)
    assert TRAINER.get(teacher.session_state).epoch > 0
    again = latest_run(database, student)
    assert (again.id, again.epoch, again.model) == (stored.id, stored.epoch, stored.model)
    assert run_count(database, student) == 1
    database.dispose()
