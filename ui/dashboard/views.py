"""The Class dashboard: the teacher's class, live, and what only its teacher may do to it.

The page opens only for a session holding its class's teacher token, checked against the store on
every run (`store.classes.teacher_class`): a wrong token, another class's, a renewed one or a closed
class gets one sentence and nothing of the class. The live part is a fragment that reruns every
`REFRESH_SECONDS` and reads the class in one transaction (`store.runs.class_runs`: students, and their
latest runs' settings, epoch and loss curve, never the model files). Removing a student and closing the
class each take a second, confirming click. A student's latest run opens on Train in the teacher's
session, replayed and verified (`ui.core.class_member.start_replay`), as the teacher's own copy.
"""

from __future__ import annotations

import logging
import time

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from charts.class_losses import StudentCurve, class_loss_figure
from playground import PlaygroundError
from playground.lessons.challenges import CHALLENGES
from playground.run.limits import LIMITS
from store.classes import ClassRoom, close_class, remove_student, teacher_class
from store.database import shared_database
from store.runs import MemberRun, class_runs, latest_run
from ui.core.class_member import STORE_DOWN, start_replay
from ui.core.markdown import escape_markdown
from ui.core.script_turns import SCRIPT_TURNS, taking_timed_turns
from ui.core.state import CLASS_ROOM, CLASS_TEACHER_TOKEN
from ui.dashboard.state import DASHBOARD_CONFIRM, DASHBOARD_OPENED
from ui.dashboard.table import csv_text, table_rows

REFRESH_SECONDS = 5
NOT_TEACHER = (
    "The class dashboard opens from a teacher link: start a class on Share & export, or open the teacher "
    "link you copied when you started it."
)
REMOVE_PICKER, OPEN_PICKER = "dashboard_remove_student", "dashboard_open_student"
TRAIN_PAGE = "app_pages/train.py"

logger = logging.getLogger(__name__)


def teacher_room() -> ClassRoom | None:
    """The session's class if it holds that class's valid teacher token; else a sentence, and None."""
    room, token = CLASS_ROOM.get(), CLASS_TEACHER_TOKEN.get()
    if room is None or token is None:
        st.info(NOT_TEACHER, icon=":material/lock:")
        return None
    try:
        with SCRIPT_TURNS.outside():
            return teacher_class(shared_database(), room.code, token)
    except PlaygroundError as error:  # a wrong or renewed token, or a closed class
        st.warning(escape_markdown(str(error)), icon=":material/lock:")
    except SQLAlchemyError:
        logger.exception("checking a teacher token failed")
        st.warning(STORE_DOWN)
    return None


def dashboard() -> None:
    """The class's name and challenges, then its live view."""
    room = teacher_room()
    if room is None:
        return
    st.subheader(escape_markdown(room.name))
    if room.challenges:
        st.caption("Challenges: " + ", ".join(escape_markdown(CHALLENGES[name].title) for name in room.challenges))
    live_class()


@st.fragment(run_every=REFRESH_SECONDS)
@taking_timed_turns  # a timed rerun does not pass through app.py, which takes the turn for full runs
def live_class() -> None:
    """The table, the loss overlay, the CSV file and the teacher's actions, read afresh every few seconds."""
    room = teacher_room()  # the class may have been closed, or the token renewed, since the page opened
    if room is None:
        return
    try:
        with SCRIPT_TURNS.outside():
            members = class_runs(shared_database(), room)
    except SQLAlchemyError:
        logger.exception("reading a class failed")
        st.warning(STORE_DOWN)
        return
    if not members:
        st.caption("No student has joined yet: share the student link from Share & export.")
    else:
        rows = table_rows(members, time.time(), room.challenges)
        frame = pd.DataFrame(rows).astype({"Epoch": "Int64"})  # whole epochs, empty before a first run
        titles = [CHALLENGES[name].title for name in room.challenges]
        st.markdown("**What each student is doing**")
        st.dataframe(frame.drop(columns=titles), hide_index=True)
        if titles:  # a table of their own: beside the experiments, they pushed them out of sight
            st.markdown("**Challenges passed** (graded by the server from each saved run)")
            st.dataframe(frame[["Student", *titles]], hide_index=True)
        st.download_button(
            "Download the table (CSV)",
            csv_text(rows),
            file_name=f"class_{room.code}.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
        )
        curves = [StudentCurve(m.student.name, m.curve, m.solved_epoch) for m in members if m.curve]
        if curves:
            st.plotly_chart(class_loss_figure(curves), config={"displaylogo": False})
        else:
            st.caption("The loss curves appear here once students have trained.")
        open_student_run([member for member in members if member.run_id is not None])
    st.divider()
    teacher_actions(room, members)


def open_student_run(members: list[MemberRun]) -> None:
    """A student's latest run, opened on Train in the teacher's session: replayed and verified as a
    restore is, and the teacher's own copy (a teacher's session saves nothing)."""
    if DASHBOARD_OPENED.take():
        st.switch_page(TRAIN_PAGE)
    if not members:
        return
    by_id = {member.student.id: member for member in members}
    picked = st.selectbox(
        "Open a student's run", list(by_id), format_func=lambda key: by_id[key].student.name, key=OPEN_PICKER
    )
    st.button(
        "Open it on Train (read-only)",
        key="dashboard_open_run",
        on_click=_open_run,
        args=(by_id[picked],),
        icon=":material/visibility:",
        help="Replays their latest saved run in your session; nothing you change reaches their saved run.",
    )


def _open_run(member: MemberRun) -> None:
    try:
        saved = latest_run(shared_database(), member.student)
        if saved is None:
            return
        start_replay(saved, viewing=member.student.name)
    except PlaygroundError as error:
        st.toast(escape_markdown(str(error)))
        return
    except SQLAlchemyError:
        logger.exception("opening a student's run failed")
        st.toast(STORE_DOWN)
        return
    DASHBOARD_OPENED.set(True)


def teacher_actions(room: ClassRoom, members: list[MemberRun]) -> None:
    """Remove a student, close the class: each asks for a second click."""
    confirm = DASHBOARD_CONFIRM.get()
    left, right = st.columns(2)
    with left:
        names = {member.student.id: member.student.name for member in members}
        if confirm is not None and confirm[0] == "remove" and confirm[1] in names:
            st.warning(
                f"Remove {escape_markdown(names[confirm[1]])} from the class? "
                "Their saved runs and results are deleted.",
                icon=":material/person_remove:",
            )
            st.button(
                "Yes, remove", key="dashboard_remove_yes", on_click=_remove, args=(room, confirm[1]), type="primary"
            )
            st.button("Cancel", key="dashboard_remove_cancel", on_click=DASHBOARD_CONFIRM.clear)
        elif names:
            picked = st.selectbox("Remove a student", list(names), format_func=names.get, key=REMOVE_PICKER)
            st.button("Remove…", key="dashboard_remove", on_click=DASHBOARD_CONFIRM.set, args=(("remove", picked),))
    with right:
        if confirm == ("close", room.id):
            st.warning(
                "Close the class? Its links stop working at once, nothing more is saved, and its students, their "
                f"runs and results are deleted after {LIMITS.retention_days:g} days (RNN_PLAYGROUND_RETENTION_DAYS).",
                icon=":material/lock:",
            )
            st.button("Yes, close the class", key="dashboard_close_yes", on_click=_close, args=(room,), type="primary")
            st.button("Cancel", key="dashboard_close_cancel", on_click=DASHBOARD_CONFIRM.clear)
        else:
            st.button(
                "Close the class…",
                key="dashboard_close",
                on_click=DASHBOARD_CONFIRM.set,
                args=(("close", room.id),),
                icon=":material/lock:",
            )


def _remove(room: ClassRoom, student_id: int) -> None:
    DASHBOARD_CONFIRM.clear()
    try:
        remove_student(shared_database(), room, student_id)
    except SQLAlchemyError:
        logger.exception("removing a student failed")
        st.toast(STORE_DOWN)


def _close(room: ClassRoom) -> None:
    DASHBOARD_CONFIRM.clear()
    try:
        close_class(shared_database(), room)
    except SQLAlchemyError:
        logger.exception("closing a class failed")
        st.toast(STORE_DOWN)
