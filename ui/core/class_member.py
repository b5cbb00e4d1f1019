"""A session in a class that remembers: the class link, the student's name and token, their run restored.

A student link is ``?class=CODE``: on a session's first run (`enter_class`, called by app.py) the class
is looked up in the class store (`store`), its locks and instruction apply as a classroom link's do
(`ui.core.classroom_link`), and a browser that joined before is recognised by the student token it
keeps in a cookie (``rnnp_class_<CODE>``, set by a small script: `remember_student`). A new student
types a display name (`show_join_form`). A known student's last saved run is replayed
(`playground.run.checkpoint.Replay`, so it is verified, not trusted) and becomes the session's run,
with a line saying so on every page. A teacher link also carries ``teacher=TOKEN``: the token is
checked, kept in the session only, and taken out of the URL at once. Without ``?class=`` nothing
here runs and nothing is stored.
"""

from __future__ import annotations

import logging
import time
import weakref

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from playground import PlaygroundError
from playground.lessons.challenges import CHALLENGES
from playground.nn.text import quoted
from playground.url_state import ClassroomLink
from store.classes import ClassRoom, closed_sentence, find_class, find_student, join_class, mark_seen, teacher_class
from store.database import shared_database
from store.runs import SavedRun, latest_run
from ui.core.budgets import make_room
from ui.core.class_saving import SavedMark
from ui.core.live_run import LiveRun, show_progress
from ui.core.markdown import escape_markdown
from ui.core.session import get_trainer, use_trainer
from ui.core.state import (
    CLASS_PROBLEM,
    CLASS_REPLAY,
    CLASS_REPLAY_LIVE,
    CLASS_RESTORED,
    CLASS_ROOM,
    CLASS_SAVED,
    CLASS_STUDENT,
    CLASS_TEACHER_TOKEN,
    CLASS_VIEWING,
    CLASSROOM_LINK,
    SessionKey,
)

CLASS_PARAM, TEACHER_PARAM = "class", "teacher"
CLASS_PARAMS = frozenset({CLASS_PARAM, TEACHER_PARAM})
COOKIE_PREFIX = "rnnp_class_"
COOKIE_DAYS = 30  # a term: the token names the student for as long as the class is likely kept
NAME_BOX, JOIN_FORM = "class_join_name", "class_join_form"
COOKIE_KEY = "class_student_cookie"  # the cookie setter's key: the frame's style hides its element
CLASS_ENTERED: SessionKey[bool] = SessionKey("class_entered", False)
STORE_DOWN = "The class store could not be reached, so this page works as usual but nothing is saved."

logger = logging.getLogger(__name__)

# Sets the student's cookie in the browser: `st.context.cookies` reads it on the next visit's first run.
COOKIE_SCRIPT = """
export default function ({ data }) {
    if (!data) return;
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `${data.name}=${data.value}; Path=/; Max-Age=${data.seconds}; SameSite=Lax${secure}`;
}
"""
_cookie_setter = st.components.v2.component("rnn_class_cookie", js=COOKIE_SCRIPT)

# A saved run being replayed into the session: training, as long as the saved run's was.
CLASS_REPLAY_RUN: LiveRun = LiveRun(
    CLASS_REPLAY, CLASS_REPLAY_LIVE, slice_seconds=0.3, finish_within=0.3, refresh_seconds=0.5
)


def cookie_name(room: ClassRoom) -> str:
    return COOKIE_PREFIX + room.code


def remembered_token(room: ClassRoom) -> str | None:
    """The student token this browser keeps for the class, if any (AppTest's mocked runtime gives no string)."""
    token = st.context.cookies.get(cookie_name(room))
    return token if isinstance(token, str) else None


def class_params() -> dict[str, str]:
    """The class link's parameter, kept in the URL while a student is in a class (not for the teacher)."""
    room = CLASS_ROOM.get()
    return {CLASS_PARAM: room.code} if room is not None and CLASS_TEACHER_TOKEN.get() is None else {}


def enter_class() -> None:
    """On a session's first run: the class its link names, the teacher's token, a known student and their last run."""
    if CLASS_ENTERED.get():
        return
    CLASS_ENTERED.set(True)
    code = st.query_params.get(CLASS_PARAM)
    token = st.query_params.get(TEACHER_PARAM)
    if TEACHER_PARAM in st.query_params:
        del st.query_params[TEACHER_PARAM]  # the token leaves the address bar (and the browser's history entry)
    if not code:
        return
    try:
        database = shared_database()
        room = find_class(database, code)
        if room is None:
            CLASS_PROBLEM.set(
                f"There is no class with the code {quoted(code, 20)}; check the link with your teacher. "
                "Nothing you do here is stored."
            )
            return
        if room.closed:
            CLASS_PROBLEM.set(closed_sentence(room.name) + " Nothing you do here is stored.")
            return
        if token is not None:
            try:
                teacher_class(database, room.code, token)
            except PlaygroundError as error:  # a wrong teacher link opens no class at all
                CLASS_PROBLEM.set(str(error))
                return
            CLASS_TEACHER_TOKEN.set(token)
        CLASS_ROOM.set(room)
        if token is not None:
            return  # the teacher's own pages are not locked
        CLASSROOM_LINK.set(ClassroomLink(room.locked, room.hidden, room.instruction))
        remembered = remembered_token(room)
        student = find_student(database, room, remembered)
        if student is not None:
            CLASS_STUDENT.set((student, remembered))
            mark_seen(database, student)
            _start_restoring(database, student)
    except SQLAlchemyError:
        logger.exception("the class store could not be reached")
        CLASS_PROBLEM.set(STORE_DOWN)
    except PlaygroundError as error:  # the host's RNN_PLAYGROUND_DATABASE_URL is not one the store can use
        CLASS_PROBLEM.set(str(error))


def _start_restoring(database, student) -> None:
    saved = latest_run(database, student)
    if saved is None:
        return
    try:
        start_replay(saved)
    except PlaygroundError as error:
        CLASS_PROBLEM.set(f"Your last run could not be restored: {error}")


def start_replay(saved: SavedRun, viewing: str | None = None) -> None:
    """Replay a saved run into the session (checked against its saved weights and history as it goes):
    a student's own last run, or, for the teacher, the run of the student named ``viewing``. The
    teacher's replay is their own copy: a teacher's session saves nothing (`keep_class_run`)."""
    replay = saved.replay()
    make_room(replay, replacing=CLASS_REPLAY)
    CLASS_REPLAY.set(replay)
    CLASS_VIEWING.set(viewing)
    CLASS_SAVED.set(SavedMark(weakref.ref(replay.trainer), saved.id, saved.epoch, time.monotonic(), 0.0))
    CLASS_REPLAY_RUN.start()


def _join(room: ClassRoom) -> None:
    try:
        student, token = join_class(shared_database(), room, st.session_state.get(NAME_BOX, ""))
    except PlaygroundError as error:
        CLASS_PROBLEM.set(str(error))
        return
    except SQLAlchemyError:
        logger.exception("joining a class failed")
        CLASS_PROBLEM.set(STORE_DOWN)
        return
    CLASS_PROBLEM.clear()
    CLASS_STUDENT.set((student, token))


def show_class_frame() -> None:
    """Above every page: a problem with the class, the join form, the restore going or done, the cookie."""
    if problem := CLASS_PROBLEM.get():
        st.warning(escape_markdown(problem), icon=":material/school:")
    room = CLASS_ROOM.get()
    if room is None:
        return
    if CLASS_TEACHER_TOKEN.get() is not None:
        _advance_restore()  # a student's run the teacher opened from the dashboard
        _show_restored()
        return
    member = CLASS_STUDENT.get()
    if member is None:
        show_join_form(room)
        return
    remember_student(room, member[1])
    name, you = escape_markdown(room.name), escape_markdown(member[0].name)
    line = f"In the class {name} as {you}: your runs are saved as you train."
    if room.challenges:
        line += (
            " Challenges to work on: " + ", ".join(escape_markdown(CHALLENGES[n].title) for n in room.challenges) + "."
        )
    st.caption(line)
    _advance_restore()
    _show_restored()


def show_join_form(room: ClassRoom) -> None:
    """The student's name, which joins the class: their runs are saved from then on."""
    with st.form(JOIN_FORM, border=True):
        st.markdown(f"**Join the class {escape_markdown(room.name)}**")
        st.caption(
            "Type the name your teacher will see. Your runs are then saved as you train, and this browser "
            "remembers you, so a reload or a restarted server brings your last run back."
        )
        st.text_input("Your name in this class", key=NAME_BOX, max_chars=40)
        st.form_submit_button("Join", on_click=_join, args=(room,), icon=":material/login:")


def remember_student(room: ClassRoom, token: str) -> None:
    """Keep the student's token in their browser (drawn on every run: setting it again changes nothing)."""
    st.html(f"<style>.st-key-{COOKIE_KEY} {{ display: none; }}</style>")
    with st.sidebar:
        _cookie_setter(key=COOKIE_KEY, data={"name": cookie_name(room), "value": token, "seconds": COOKIE_DAYS * 86400})


def _advance_restore() -> None:
    CLASS_REPLAY_RUN.advance()
    replay = CLASS_REPLAY.get()
    if replay is None:
        return
    if replay.verified:
        CLASS_REPLAY.clear()
        use_trainer(replay.trainer)
        mark = CLASS_SAVED.get()
        CLASS_RESTORED.set(mark)
        st.rerun()
    elif CLASS_REPLAY_RUN.going():
        whose = f"{escape_markdown(viewing)}'s run" if (viewing := CLASS_VIEWING.get()) else "your last run"
        st.caption(f"Restoring {whose} from the class store: replaying it with its seed…")
        CLASS_REPLAY_RUN.show(lambda going: show_progress(going, running=True), lambda: None)
    else:  # the replay stopped: the saved run contradicts itself, or the host's cap
        CLASS_REPLAY.clear()
        CLASS_PROBLEM.set(f"The saved run could not be restored: {CLASS_REPLAY_LIVE.error.get()}")


def _show_restored() -> None:
    """The line that says the session's run came back from the class store (the teacher's: whose it is)."""
    restored = CLASS_RESTORED.get()
    if restored is None or not restored.of(get_trainer()):
        return
    if viewing := CLASS_VIEWING.get():
        st.info(
            f"{escape_markdown(viewing)}'s latest run from the class store (epoch {restored.epoch}), replayed and "
            "verified. This is your copy: nothing you change here reaches their saved run.",
            icon=":material/visibility:",
        )
    else:
        st.success(f"Restored your last run from the class store (epoch {restored.epoch}).", icon=":material/history:")
