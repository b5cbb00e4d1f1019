"""Throwaway database servers, started without changing the README's test command: for the store's
tests (tests/conftest.py) and for `bench.server_load --class --database postgresql`.

PostgreSQL comes from Debian's ``pg_virtualenv`` (package ``postgresql``, which ``.ci/run`` installs):
it creates a temporary cluster, runs a command with the ``PG*`` variables pointing at it, and drops
the cluster when the command ends. The command here prints those variables and then waits on its
stdin, so the server lives exactly as long as the test session keeps that pipe open.
"""

from __future__ import annotations

import os
import selectors
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import URL

READY = "pg-virtualenv-ready"
START_SECONDS = 60.0  # creating a cluster takes a few seconds; a busy machine may need more


class ServerUnavailable(RuntimeError):
    """No PostgreSQL server could be started here; the message says why (used as the skip reason)."""


def _read_variables(process: subprocess.Popen[str]) -> dict[str, str]:
    """The ``PG*`` variables the command prints before its ready line, within `START_SECONDS`."""
    variables: dict[str, str] = {}
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        if not selector.select(left):
            break
        line = process.stdout.readline()
        if not line:  # the command ended: pg_virtualenv could not create its cluster
            break
        name, _, value = line.rstrip("\n").partition("=")
        if name == READY:
            return variables
        if name.startswith("PG"):
            variables[name] = value
    raise ServerUnavailable("pg_virtualenv did not start a PostgreSQL server")


@contextmanager
def postgresql_server() -> Iterator[URL]:
    """The URL of a throwaway PostgreSQL server's ``postgres`` database, for the duration of the block."""
    if shutil.which("pg_virtualenv") is None:
        raise ServerUnavailable("pg_virtualenv is not installed (Debian's postgresql package; .ci/run installs it)")
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            ["pg_virtualenv", "sh", "-c", f"env | grep ^PG; echo {READY}; cat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env={name: value for name, value in os.environ.items() if not name.startswith("PG")},
        )
        try:
            try:
                found = _read_variables(process)
            except ServerUnavailable:
                log.seek(0)
                raise ServerUnavailable(
                    f"pg_virtualenv did not start a PostgreSQL server: {log.read()[-300:]}"
                ) from None
            yield URL.create(
                "postgresql+psycopg",
                username=found["PGUSER"],
                password=found.get("PGPASSWORD"),
                host=found["PGHOST"],
                port=int(found["PGPORT"]),
                database=found["PGDATABASE"],
            )
        finally:
            process.stdin.close()  # `cat` ends, so does the command, and pg_virtualenv drops the cluster
            try:
                process.wait(timeout=START_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
