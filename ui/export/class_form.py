"""Share & export's "A class that remembers": a teacher starts a class, gets its two links, sees who joined.

The form takes a name, an optional instruction, the challenges to work on and the controls to lock
or hide (the classroom link's pickers). The class is made in the class store (`store.classes`); the
student link (``?class=CODE``) can be shared with everyone, the teacher link (``&teacher=TOKEN``)
is shown once, as the store keeps only its hash, and can be replaced by a new one. The session that
made the class, or opened its teacher link, is the teacher's: its Class dashboard (`ui.dashboard`)
shows the students and their runs. Outside a class nothing is stored, and the section says so.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from playground import PlaygroundError
from playground.lessons.challenges import CHALLENGES
from playground.url_state import NOTE_MAX_CHARS
from store.classes import CLASS_NAME_MAX_CHARS, ClassRoom, create_class, renew_teacher_token
from store.database import shared_database
from ui.core.class_member import CLASS_PARAM, STORE_DOWN, TEACHER_PARAM
from ui.core.classroom_link import control_pickers
from ui.core.markdown import escape_markdown
from ui.core.state import (
    CLASS_NEW_TEACHER_TOKEN,
    CLASS_PROBLEM,
    CLASS_ROOM,
    CLASS_STUDENT,
    CLASS_TEACHER_TOKEN,
    DASHBOARD_PAGE,
    URL_PAGE_PATH,
)

FORM = "class_form"
NAME_BOX, NOTE_BOX, CHALLENGE_PICKER = "class_form_name", "class_form_note", "class_form_challenges"
LOCK_PICKER, HIDE_PICKER = "class_form_lock", "class_form_hide"
RENEW_BUTTON, HIDE_LINK_BUTTON = "class_renew_teacher_link", "class_hide_teacher_link"
WHAT_IS_KEPT = (
    "Outside a class nothing you do is stored on the server: a reload or a restarted server starts afresh, "
    "and the model file and progress file you download are the only copies. In a class, each student's runs "
    "(settings, weights, history) are saved in the class store as they train, so they survive a reload, "
    "another server replica and a restart; the teacher sees each student's latest run."
)

logger = logging.getLogger(__name__)


def _base_url() -> str:
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}/" if parts.netloc else "/"


def student_link(room: ClassRoom) -> str:
    return f"{_base_url()}?{urlencode({CLASS_PARAM: room.code})}"


def teacher_link(room: ClassRoom, token: str) -> str:
    """The link that opens this page (where the teacher's class is) as the class's teacher."""
    return f"{_base_url()}{URL_PAGE_PATH.get()}?{urlencode({CLASS_PARAM: room.code, TEACHER_PARAM: token})}"


def class_section() -> None:
    """The teacher's class, or the form that starts one (not for a student in a class)."""
    st.header("A class that remembers")
    st.caption(WHAT_IS_KEPT)
    room, token = CLASS_ROOM.get(), CLASS_TEACHER_TOKEN.get()
    if room is not None and token is not None:
        teacher_view(room, token)
    elif CLASS_STUDENT.get() is not None:
        st.caption(f"You are in the class {escape_markdown(room.name)}: your runs are saved as you train.")
    else:
        with st.expander("Start a class", icon=":material/group_add:"):
            start_class_form()


def _create() -> None:
    state = st.session_state
    try:
        room, token = create_class(
            shared_database(),
            state.get(NAME_BOX, ""),
            state.get(NOTE_BOX, ""),
            state.get(CHALLENGE_PICKER, []),
            state.get(LOCK_PICKER, []),
            state.get(HIDE_PICKER, []),
        )
    except PlaygroundError as error:
        CLASS_PROBLEM.set(str(error))
        return
    except SQLAlchemyError:
        logger.exception("creating a class failed")
        CLASS_PROBLEM.set(STORE_DOWN)
        return
    CLASS_PROBLEM.clear()
    CLASS_ROOM.set(room)
    CLASS_TEACHER_TOKEN.set(token)
    CLASS_NEW_TEACHER_TOKEN.set(True)


def start_class_form() -> None:
    """A class's name, instruction, challenges and locked controls; submitting makes the class."""
    with st.form(FORM, border=False):
        st.text_input("Class name", key=NAME_BOX, max_chars=CLASS_NAME_MAX_CHARS, placeholder="e.g. Year 10, Tuesday")
        st.text_input(
            "Instruction shown above every page (optional)",
            key=NOTE_BOX,
            max_chars=NOTE_MAX_CHARS,
            placeholder="e.g. Train the GRU, then try the challenges below.",
        )
        st.multiselect(
            "Challenges to work on", list(CHALLENGES), key=CHALLENGE_PICKER, format_func=lambda n: CHALLENGES[n].title
        )
        control_pickers(LOCK_PICKER, HIDE_PICKER)
        st.form_submit_button("Start the class", on_click=_create, icon=":material/school:")


def _renew(room: ClassRoom, token: str) -> None:
    try:
        CLASS_TEACHER_TOKEN.set(renew_teacher_token(shared_database(), room.code, token))
        CLASS_NEW_TEACHER_TOKEN.set(True)
    except PlaygroundError as error:
        CLASS_PROBLEM.set(str(error))
    except SQLAlchemyError:
        logger.exception("renewing a teacher token failed")
        CLASS_PROBLEM.set(STORE_DOWN)


def teacher_view(room: ClassRoom, token: str) -> None:
    """The class's links (the teacher's once), a new teacher link, and the way to its dashboard."""
    st.subheader(room.name)
    if room.instruction:
        st.caption(f"Instruction: {escape_markdown(room.instruction)}")
    if room.challenges:
        st.caption("Challenges: " + ", ".join(escape_markdown(CHALLENGES[name].title) for name in room.challenges))
    st.markdown("**Student link**: share it with the class.")
    st.code(student_link(room), language=None, wrap_lines=True)
    if CLASS_NEW_TEACHER_TOKEN.get():
        st.markdown("**Your teacher link**: copy it now, it is shown only once. It opens this class as its teacher.")
        st.code(teacher_link(room, token), language=None, wrap_lines=True)
        st.button("I have copied it", key=HIDE_LINK_BUTTON, on_click=CLASS_NEW_TEACHER_TOKEN.clear)
    else:
        st.button(
            "Make a new teacher link",
            key=RENEW_BUTTON,
            on_click=_renew,
            args=(room, token),
            help="The old teacher link stops working.",
            icon=":material/key:",
        )
    st.page_link(DASHBOARD_PAGE, label="Open the class dashboard", icon=":material/dashboard:")
