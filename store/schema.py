"""The class store's tables, and the ordered steps that upgrade a database to them keeping its data.

`metadata` is the schema as the code reads and writes it (the latest version). A database records
its version in ``schema_version``; `upgrade` runs each step above it in order, in one transaction,
so a database made by any earlier version opens with its classes, students and runs intact. A
step is frozen once released: a change is a new step at the end, never an edit of an old one.

Version 1: classes, their students, the students' runs. Version 2: ``students.last_seen``, when
the student last had the app open, for the teacher to see who is idle. Version 3: what the teacher's
dashboard reads without unpacking a model file, ``runs.losses`` (the run's loss curve, thinned, as JSON
``[[epoch, loss], …]``) and ``runs.solved_epoch``, and ``classes.closed_at``, when the teacher closed the
class (its data is deleted a retention period later). Version 4: ``results``, each challenge a student's
run passed, graded by the server from the run as it was saved, with its evidence (JSON).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
    text,
    update,
)

from playground.run.errors import PlaygroundError

HASH_LENGTH = 64  # a sha256 digest in hex
CODE_LENGTH = 8


def _tables_v1(metadata: MetaData) -> tuple[Table, Table, Table, Table]:
    """The tables as version 1 made them (times are Unix seconds, lists are JSON text)."""
    version = Table("schema_version", metadata, Column("version", Integer, nullable=False))
    classes = Table(
        "classes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("code", String(CODE_LENGTH), nullable=False, unique=True),
        Column("name", Text, nullable=False),
        Column("instruction", Text, nullable=False),
        Column("challenges", Text, nullable=False),
        Column("locked", Text, nullable=False),
        Column("hidden", Text, nullable=False),
        Column("teacher_token_hash", String(HASH_LENGTH), nullable=False),
        Column("created_at", Float, nullable=False),
    )
    students = Table(
        "students",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("class_id", Integer, ForeignKey("classes.id", ondelete="CASCADE"), nullable=False, index=True),
        Column("name", Text, nullable=False),
        Column("token_hash", String(HASH_LENGTH), nullable=False, unique=True),
        Column("joined_at", Float, nullable=False),
    )
    runs = Table(
        "runs",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("student_id", Integer, ForeignKey("students.id", ondelete="CASCADE"), nullable=False, index=True),
        Column("config", Text, nullable=False),
        Column("epoch", Integer, nullable=False),
        Column("model", LargeBinary, nullable=False),
        Column("size", Integer, nullable=False),
        Column("saved_at", Float, nullable=False),
    )
    return version, classes, students, runs


def _create_v1(connection: Connection) -> None:
    frozen = MetaData()
    version, *_ = _tables_v1(frozen)
    frozen.create_all(connection)
    connection.execute(version.insert().values(version=0))


def _add_last_seen(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE students ADD COLUMN last_seen DOUBLE PRECISION"))
    connection.execute(text("UPDATE students SET last_seen = joined_at"))


def _add_dashboard_columns(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE runs ADD COLUMN losses TEXT"))  # runs saved before: no curve until saved again
    connection.execute(text("ALTER TABLE runs ADD COLUMN solved_epoch INTEGER"))
    connection.execute(text("ALTER TABLE classes ADD COLUMN closed_at DOUBLE PRECISION"))


def _results_v4(metadata: MetaData) -> Table:
    return Table(
        "results",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("student_id", Integer, ForeignKey("students.id", ondelete="CASCADE"), nullable=False, index=True),
        Column("challenge", Text, nullable=False),
        Column("evidence", Text, nullable=False),
        Column("run_id", Integer, nullable=True),  # the run that earned it (it may have been dropped since)
        Column("passed_at", Float, nullable=False),
        UniqueConstraint("student_id", "challenge"),
    )


def _create_results(connection: Connection) -> None:
    frozen = MetaData()
    _tables_v1(frozen)  # the table the foreign key names
    _results_v4(frozen).create(connection)


# Step n brings a database from version n - 1 to version n.
STEPS: tuple[Callable[[Connection], None], ...] = (_create_v1, _add_last_seen, _add_dashboard_columns, _create_results)
LATEST = len(STEPS)

metadata = MetaData()
schema_version, classes, students, runs = _tables_v1(metadata)
students.append_column(Column("last_seen", Float, nullable=True))  # version 2
runs.append_column(Column("losses", Text, nullable=True))  # version 3
runs.append_column(Column("solved_epoch", Integer, nullable=True))
classes.append_column(Column("closed_at", Float, nullable=True))
results = _results_v4(metadata)  # version 4


def database_version(connection: Connection) -> int:
    """The version a database is at (0: an empty database)."""
    if not inspect(connection).has_table(schema_version.name):
        return 0
    return connection.execute(select(schema_version.c.version)).scalar_one()


def _lock(connection: Connection) -> None:
    """Keep two replicas starting at once from upgrading together (SQLite: BEGIN IMMEDIATE already does)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": 31_2026})


def upgrade(engine: Engine, to: int = LATEST) -> int:
    """Run every step from the database's version up to ``to``, in one transaction; the version reached."""
    with engine.begin() as connection:
        _lock(connection)
        found = database_version(connection)
        if found > LATEST:
            raise PlaygroundError(
                f"The class store's database is at schema version {found}, newer than this program's {LATEST}; "
                "run the newer program, or point RNN_PLAYGROUND_DATABASE_URL at another database."
            )
        for step in STEPS[found:to]:
            step(connection)
        if to > found:
            connection.execute(update(schema_version).values(version=to))
        return max(found, to)
