"""The database the class store lives in: one setting, ``RNN_PLAYGROUND_DATABASE_URL``, chooses it.

Unset, it is an embedded SQLite file in the project's ``data/`` folder (created on first use), so
``streamlit run app.py`` needs no set-up; a class larger than one machine sets a PostgreSQL URL
(``postgresql+psycopg://user:password@host/database``) shared by every replica. SQLite is put in
WAL mode with a busy timeout, and each transaction takes the write lock as it begins, since
several sessions and replicas write at once. Opening a database brings its schema up to date and deletes the
classes whose retention period has ended.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError

from playground.run.errors import PlaygroundError
from store.classes import purge_closed_classes
from store.schema import upgrade

DATABASE_URL_VARIABLE = "RNN_PLAYGROUND_DATABASE_URL"
DATA_FOLDER = Path(__file__).resolve().parent.parent / "data"
SQLITE_FILE = "classes.sqlite3"
BUSY_SECONDS = 10.0  # how long a SQLite writer waits for another one before giving up


def database_url(environ: Mapping[str, str] | None = None) -> URL:
    """The URL the host set in ``RNN_PLAYGROUND_DATABASE_URL``, or the default SQLite file."""
    environ = os.environ if environ is None else environ
    raw = environ.get(DATABASE_URL_VARIABLE, "").strip()
    if not raw:
        return URL.create("sqlite", database=str(DATA_FOLDER / SQLITE_FILE))
    try:
        url = make_url(raw)
    except ArgumentError:
        raise PlaygroundError(
            f"The environment variable {DATABASE_URL_VARIABLE} is not a database URL; use "
            "postgresql+psycopg://user:password@host/database, or unset it for the SQLite file in data/."
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise PlaygroundError(
            f"The environment variable {DATABASE_URL_VARIABLE} names a {url.get_backend_name()} database; "
            "the class store works with PostgreSQL (postgresql+psycopg://…) or SQLite."
        )
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def _prepare_sqlite(engine: Engine) -> None:
    """WAL (readers never wait for a writer), foreign keys, and BEGIN IMMEDIATE (the busy timeout is
    sqlite3's ``timeout``)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below opens every transaction
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        # Taking the write lock first means no transaction fails halfway when it reads, then writes.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def open_database(url: URL | str | None = None) -> Engine:
    """An engine for ``url`` (default: `database_url`) whose schema is brought up to date."""
    url = database_url() if url is None else make_url(url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS})
        _prepare_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    upgrade(engine)
    purge_closed_classes(engine)  # a closed class's retention period may have ended while no one opened the store
    return engine


def shared_database() -> Engine:
    """This process's engine for the host's database, opened on first use and shared by every session."""
    return _engine_for(database_url().render_as_string(hide_password=False))


@functools.cache
def _engine_for(url: str) -> Engine:
    return open_database(url)
