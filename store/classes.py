"""Classes: a teacher creates one, students join it with a display name, tokens say who is who.

A class has a public code (the student link, ``?class=CODE``) and a teacher token (the teacher
link); a student who joins gets a student token their browser keeps. Both tokens are stored only
as hashes (`store.tokens`). Names and instructions are stored as typed and are shown as text.
The teacher may remove a student (their runs go with them) and close the class: a closed class
opens for no one, and `purge_closed_classes` deletes it `Limits.retention_days` after (it runs
when the store is opened and whenever a class is created).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Row, delete, select, update
from sqlalchemy.exc import IntegrityError

from playground.lessons.challenges import CHALLENGES
from playground.nn.text import check_printable, quoted, split_characters
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS, Limits
from playground.run.settings import lockable_controls
from playground.url_state import NOTE_MAX_CHARS
from store.schema import CODE_LENGTH, classes, students
from store.tokens import matches, new_token, token_hash

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or copied from a projector is typed right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
NAME_MAX_CHARS = 40
CLASS_NAME_MAX_CHARS = 80


@dataclass(frozen=True)
class ClassRoom:
    """A class as its students see it: no token in it."""

    id: int
    code: str
    name: str
    instruction: str
    challenges: tuple[str, ...]
    locked: frozenset[str]
    hidden: frozenset[str]
    created_at: float
    closed_at: float | None = None  # when the teacher closed it; a closed class opens for no one

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class Student:
    id: int
    class_id: int
    name: str
    joined_at: float
    last_seen: float


def _class_of(row: Row) -> ClassRoom:
    return ClassRoom(
        id=row.id,
        code=row.code,
        name=row.name,
        instruction=row.instruction,
        challenges=tuple(json.loads(row.challenges)),
        locked=frozenset(json.loads(row.locked)),
        hidden=frozenset(json.loads(row.hidden)),
        created_at=row.created_at,
        closed_at=row.closed_at,
    )


def student_of(row: Row) -> Student:
    return Student(id=row.id, class_id=row.class_id, name=row.name, joined_at=row.joined_at, last_seen=row.last_seen)


def check_name(name: str, what: str, max_chars: int) -> str:
    """``name`` with its outer spaces removed: printable, 1 to ``max_chars`` characters, or a sentence why not."""
    name = " ".join(name.split())
    check_printable(name, what)
    if not name:
        raise PlaygroundError(f"Type a {what}: it cannot be empty.")
    if len(split_characters(name)) > max_chars:
        raise PlaygroundError(f"The {what} {quoted(name, max_chars)} is longer than {max_chars} characters.")
    return name


def _sorted_known(names: Iterable[str], known: Iterable[str], what: str) -> list[str]:
    order = list(known)
    unknown = sorted(set(names) - set(order))
    if unknown:
        raise PlaygroundError(f"There is no {what} named {quoted(unknown[0], 40)}.")
    return [name for name in order if name in set(names)]


def create_class(
    engine: Engine,
    name: str,
    instruction: str = "",
    challenges: Iterable[str] = (),
    locked: Iterable[str] = (),
    hidden: Iterable[str] = (),
) -> tuple[ClassRoom, str]:
    """A new class and its teacher token (returned this once; the store keeps only its hash)."""
    name = check_name(name, "class name", CLASS_NAME_MAX_CHARS)
    instruction = " ".join(instruction.split())
    check_printable(instruction, "instruction")
    if len(instruction) > NOTE_MAX_CHARS:
        raise PlaygroundError(f"The instruction is longer than {NOTE_MAX_CHARS} characters; shorten it.")
    challenges = _sorted_known(challenges, CHALLENGES, "challenge")
    hidden = _sorted_known(hidden, lockable_controls(), "control")
    locked = [control for control in _sorted_known(locked, lockable_controls(), "control") if control not in hidden]
    purge_closed_classes(engine)
    token = new_token()
    values = {
        "name": name,
        "instruction": instruction,
        "challenges": json.dumps(challenges),
        "locked": json.dumps(locked),
        "hidden": json.dumps(hidden),
        "teacher_token_hash": token_hash(token),
        "created_at": time.time(),
    }
    for _ in range(5):  # 25⁸ codes: a collision is rare, five in a row is a broken random source
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with engine.begin() as connection:
                row = connection.execute(classes.insert().values(code=code, **values).returning(classes)).one()
            return _class_of(row), token
        except IntegrityError:
            continue
    raise PlaygroundError("No free class code was found; try again.")


def find_class(engine: Engine, code: str | None) -> ClassRoom | None:
    """The class with this code, or None (no class, or no code)."""
    if not code:
        return None
    with engine.begin() as connection:
        row = connection.execute(select(classes).where(classes.c.code == code.strip().upper())).one_or_none()
    return None if row is None else _class_of(row)


def teacher_class(engine: Engine, code: str | None, token: str | None) -> ClassRoom:
    """The class whose teacher token is ``token``; the same sentence for a wrong code or a wrong token."""
    with engine.begin() as connection:
        row = connection.execute(select(classes).where(classes.c.code == (code or "").strip().upper())).one_or_none()
    if row is None or not matches(token, row.teacher_token_hash):
        raise PlaygroundError("This teacher link is not valid: the class or its teacher token is wrong.")
    if row.closed_at is not None:
        raise PlaygroundError(closed_sentence(row.name))
    return _class_of(row)


def closed_sentence(name: str) -> str:
    return f"The class {quoted(name, CLASS_NAME_MAX_CHARS)} is closed: nothing more is saved or shown for it."


def renew_teacher_token(engine: Engine, code: str, token: str) -> str:
    """A new teacher token for the class; the old one stops working. Needs the current one."""
    room = teacher_class(engine, code, token)
    fresh = new_token()
    with engine.begin() as connection:
        connection.execute(update(classes).where(classes.c.id == room.id).values(teacher_token_hash=token_hash(fresh)))
    return fresh


def lock_class(connection: Connection, class_id: int) -> ClassRoom:
    """Hold the class's row until the transaction ends, so that two students joining (or saving) at once
    are checked against the class's caps one after the other (SQLite's BEGIN IMMEDIATE already does);
    the class, or a sentence if it is closed (or deleted)."""
    row = connection.execute(select(classes).where(classes.c.id == class_id).with_for_update()).one_or_none()
    if row is None or row.closed_at is not None:
        raise PlaygroundError(closed_sentence(row.name if row is not None else "you are in"))
    return _class_of(row)


def join_class(engine: Engine, room: ClassRoom, name: str, limits: Limits = LIMITS) -> tuple[Student, str]:
    """Add a student named ``name`` to the class; the student and their token (returned this once)."""
    name = check_name(name, "name", NAME_MAX_CHARS)
    token = new_token()
    now = time.time()
    with engine.begin() as connection:
        lock_class(connection, room.id)
        members = connection.execute(select(students.c.name).where(students.c.class_id == room.id)).scalars().all()
        if len(members) >= limits.max_students_per_class:
            raise PlaygroundError(
                f"This class is full: it has {len(members)} students, the most this server allows "
                "(RNN_PLAYGROUND_MAX_STUDENTS_PER_CLASS). Ask your teacher."
            )
        if name.casefold() in {member.casefold() for member in members}:
            raise PlaygroundError(
                f"Someone in this class already uses the name {quoted(name)}; add an initial to yours."
            )
        row = connection.execute(
            students.insert()
            .values(class_id=room.id, name=name, token_hash=token_hash(token), joined_at=now, last_seen=now)
            .returning(students)
        ).one()
    return student_of(row), token


def find_student(engine: Engine, room: ClassRoom, token: str | None) -> Student | None:
    """The student of this class whose token is ``token`` (None for a missing, wrong or another class's token)."""
    if not token:
        return None
    with engine.begin() as connection:
        row = connection.execute(
            select(students).where(students.c.class_id == room.id, students.c.token_hash == token_hash(token))
        ).one_or_none()
    return None if row is None else student_of(row)


def mark_seen(engine: Engine, student: Student) -> None:
    """Record that the student has the app open now (the teacher's notion of idle reads it)."""
    with engine.begin() as connection:
        connection.execute(update(students).where(students.c.id == student.id).values(last_seen=time.time()))


def class_students(engine: Engine, room: ClassRoom) -> list[Student]:
    """The class's students, in the order they joined."""
    with engine.begin() as connection:
        rows = connection.execute(select(students).where(students.c.class_id == room.id).order_by(students.c.id))
        return [student_of(row) for row in rows]


def remove_student(engine: Engine, room: ClassRoom, student_id: int) -> bool:
    """Delete a student of ``room`` with their runs (the schema's cascade); False if no such student is in it."""
    with engine.begin() as connection:
        removed = connection.execute(
            delete(students).where(students.c.id == student_id, students.c.class_id == room.id)
        ).rowcount
    return removed > 0


def close_class(engine: Engine, room: ClassRoom, now: float | None = None) -> None:
    """Close the class: its links stop opening it, its students' runs stop being saved, and its data is
    deleted `Limits.retention_days` later (`purge_closed_classes`)."""
    with engine.begin() as connection:
        connection.execute(
            update(classes)
            .where(classes.c.id == room.id, classes.c.closed_at.is_(None))
            .values(closed_at=time.time() if now is None else now)
        )


def purge_closed_classes(engine: Engine, now: float | None = None, limits: Limits = LIMITS) -> int:
    """Delete the classes closed more than `Limits.retention_days` ago, with their students and runs; how many."""
    cutoff = (time.time() if now is None else now) - limits.retention_days * 86400
    with engine.begin() as connection:
        return connection.execute(delete(classes).where(classes.c.closed_at < cutoff)).rowcount
