"""Classroom links: a teacher's link that locks or hides controls and shows a short instruction.

The teacher builds it on Share & export (`teacher_link_form`); a student who opens it sees the
instruction above every page and the chosen controls of the Train page disabled or absent
(`ui.train.settings` asks `control_state`). It is carried in the URL like the rest of the
experiment (`playground.url_state.ClassroomLink`), so it is a convenience for a lesson, not a
security boundary: the caps apply to every value as in any link, and the student can always
press **Unlock** to experiment on their own copy (the locks leave their URL; the note stays).
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

import streamlit as st

from playground.run.settings import lockable_controls
from playground.url_state import NOTE_MAX_CHARS, ClassroomLink, classroom_to_params, query_string
from ui.core.markdown import escape_markdown
from ui.core.session import get_config
from ui.core.state import CLASSROOM_LINK

UNLOCK_BUTTON = "classroom_unlock"
LOCK_PICKER, HIDE_PICKER, NOTE_BOX = "classroom_lock", "classroom_hide", "classroom_note"
ControlState = Literal["shown", "locked", "hidden"]


def control_state(name: str) -> ControlState:
    """How the current classroom link shows the control with this URL name."""
    link = CLASSROOM_LINK.get()
    if name in link.hidden:
        return "hidden"
    return "locked" if name in link.locked else "shown"


def _unlock() -> None:
    CLASSROOM_LINK.set(ClassroomLink(note=CLASSROOM_LINK.get().note))


def show_classroom_banner() -> None:
    """The teacher's instruction and, while controls are locked or hidden, the Unlock button."""
    link = CLASSROOM_LINK.get()
    if link.note:
        st.info(escape_markdown(link.note), icon=":material/school:")
    if link.locked or link.hidden:
        row = st.container(horizontal=True, vertical_alignment="center")
        row.caption("Your teacher's link locks or hides some controls. Unlock them to try your own ideas.")
        row.button("Unlock", key=UNLOCK_BUTTON, icon=":material/lock_open:", on_click=_unlock)


def classroom_url(link: ClassroomLink) -> str:
    """A link to the Train page (the app's first page) with this experiment and these locks."""
    parts = urlsplit(st.context.url or "")
    base = f"{parts.scheme}://{parts.netloc}/" if parts.netloc else ""
    query = query_string(get_config(), page_params=classroom_to_params(link))
    return f"{base}?{query}" if query else base


def control_pickers(lock_key: str, hide_key: str) -> tuple[list[str], list[str]]:
    """The pickers of the controls a teacher locks and hides, by URL name (a class's form uses them too)."""
    controls = lockable_controls()
    names = list(controls)
    locked = st.multiselect("Locked controls", names, key=lock_key, format_func=controls.get)
    hidden = st.multiselect("Hidden controls", names, key=hide_key, format_func=controls.get)
    return locked, hidden


def teacher_link_form() -> None:
    """Share & export: pick the controls to lock or hide and an instruction; show the link."""
    st.caption(
        "For a lesson: the link opens this experiment on the Train page with the controls you pick "
        "locked (shown, greyed out) or hidden, and your instruction above the page. Train, Step, "
        "Reset and the epoch slider always work. It is a convenience, not a restriction a student "
        "cannot lift: they can press Unlock (or edit the link) to experiment on their own copy."
    )
    locked, hidden = control_pickers(LOCK_PICKER, HIDE_PICKER)
    note = st.text_input(
        "Instruction shown above the page (optional)",
        key=NOTE_BOX,
        max_chars=NOTE_MAX_CHARS,
        placeholder="e.g. Press Train, then drag the epoch slider back: when does the output read ohlol?",
    )
    link = ClassroomLink(frozenset(locked) - frozenset(hidden), frozenset(hidden), " ".join(note.split()))
    st.code(classroom_url(link), language=None, wrap_lines=True)
