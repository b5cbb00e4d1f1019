"""A class in a throwaway store, for `bench.server_load --class`: its students' links and cookies.

The servers are started with ``RNN_PLAYGROUND_DATABASE_URL`` naming a fresh store (a SQLite file
in a temporary folder, shared by every replica, or a throwaway PostgreSQL server's database,
`devtools.store_servers`). The benchmark creates a class there and joins its students through
the store's API, as the join form would; each student's client then opens the class link
(``?class=CODE``) with the cookie their browser keeps (``rnnp_class_CODE=<token>``), so the
session is a known member whose run is saved as it trains (`ui.core.class_saving`). The teacher
opens the class dashboard the way their link does (`open_dashboard`): a client opens the teacher
link, then the dashboard page, and keeps its session; the client sends the dashboard fragment's
reruns every `REFRESH_SECONDS` as the browser's timer does (`devtools.streamlit_client`).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from devtools.store_servers import postgresql_server
from devtools.streamlit_client import Client, load_page
from store.classes import ClassRoom, Student, create_class, join_class
from store.database import DATABASE_URL_VARIABLE
from store.runs import run_count
from ui.core.class_member import COOKIE_PREFIX

DATABASES = ("sqlite", "postgresql")


@contextlib.contextmanager
def class_store(database: str) -> Iterator[str]:
    """The URL of a fresh, empty store of the kind `database` names, for the duration of the block."""
    if database == "postgresql":
        with postgresql_server() as url:
            yield url.render_as_string(hide_password=False)
        return
    with tempfile.TemporaryDirectory(prefix="rnnp-bench-store-") as folder:
        yield f"sqlite:///{Path(folder) / 'classes.sqlite3'}"


def store_env(url: str) -> dict[str, str]:
    """The servers' environment for the store at `url`."""
    return {DATABASE_URL_VARIABLE: url}


@dataclass(frozen=True)
class Seat:
    """What one student's browser opens: the class link's query and the cookie naming them."""

    query_string: str
    cookie: str


@dataclass
class BenchClass:
    """A class created for one burst, and the students who joined it."""

    engine: Engine
    room: ClassRoom
    teacher_token: str
    students: list[Student] = field(default_factory=list)

    @classmethod
    def create(cls, engine: Engine, name: str) -> BenchClass:
        return cls(engine, *create_class(engine, name))

    def seats(self, n: int) -> list[Seat]:
        """Join `n` new students; their seats."""
        seats = []
        for _ in range(n):
            student, token = join_class(self.engine, self.room, f"Student {len(self.students) + 1}")
            self.students.append(student)
            seats.append(Seat(f"class={self.room.code}", f"{COOKIE_PREFIX}{self.room.code}={token}"))
        return seats

    def saved(self) -> int:
        """How many of the students have a run in the store."""
        return sum(run_count(self.engine, student) > 0 for student in self.students)


DASHBOARD_PATH = "dashboard"  # the url path of app_pages/dashboard.py


async def open_dashboard(url: str, members: BenchClass) -> Client:
    """A teacher's session on the class dashboard: the teacher link opened, then the dashboard page."""
    teacher = await load_page(url, f"class={members.room.code}&teacher={members.teacher_token}")
    await teacher.open_page(DASHBOARD_PATH)
    return teacher
