"""Fixtures shared by the store's tests: a fresh database of each kind the class store runs on.

`database_url` is parametrized over SQLite (a file in the test's temporary folder) and PostgreSQL
(a database of its own on a throwaway server, `devtools.store_servers.postgresql_server`, started once for
the session and only when a test asks for it; skipped with the reason where it cannot start).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, Engine, create_engine

from devtools.store_servers import ServerUnavailable, postgresql_server
from store.database import DATABASE_URL_VARIABLE, open_database


@pytest.fixture(scope="session")
def postgresql_server_url() -> Iterator[URL]:
    try:
        with postgresql_server() as url:
            yield url
    except ServerUnavailable as reason:
        pytest.skip(str(reason))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[URL]:
    """The URL of an empty database, its schema not made yet."""
    if request.param == "sqlite":
        yield URL.create("sqlite", database=str(tmp_path / "store.sqlite3"))
        return
    server: URL = request.getfixturevalue("postgresql_server_url")
    name = f"test_{uuid.uuid4().hex[:16]}"  # an identifier cannot be a bound parameter; this one is ours
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield server.set(database=name)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def database(database_url: URL) -> Iterator[Engine]:
    """A fresh class store at the latest schema version."""
    engine = open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store_file(tmp_path, monkeypatch) -> Path:
    """The app's class store (AppTests): a SQLite file of the test's own, not made until something is stored."""
    path = tmp_path / "classes.sqlite3"
    monkeypatch.setenv(DATABASE_URL_VARIABLE, f"sqlite:///{path}")
    return path
