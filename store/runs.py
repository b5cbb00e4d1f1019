"""The runs saved for a class's students, as RNN Playground model files.

A run is stored as the bytes `playground.run.checkpoint.save_checkpoint` writes (its config, its
weights and its history of losses and predictions) beside its config as JSON and the epoch it
reached, its loss curve (thinned to `CURVE_POINTS`) and the epoch it was solved at, so the teacher's
dashboard reads a whole class in one query without unpacking a model. Restoring replays it with
`playground.run.checkpoint.Replay`, which checks the replay against the saved weights and history:
what comes back is verified, not trusted. Every query names the student, so a student's token
reaches their own runs and no one else's.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, Row, delete, func, select, update

from playground.lessons.challenges import Evidence
from playground.run.checkpoint import Replay, load_checkpoint, save_checkpoint
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS, Limits
from playground.run.trainer import Trainer
from store.classes import ClassRoom, Student, lock_class, student_of
from store.results import class_results, keep_results
from store.schema import runs, students

CURVE_POINTS = 200  # a student's curve in the class overlay: enough for its shape, small to read every few seconds


def loss_curve(trainer: Trainer) -> list[tuple[int, float]]:
    """The run's ``(epoch, loss)`` points, every epoch's up to `CURVE_POINTS`, evenly thinned beyond (the last kept)."""
    history = trainer.history
    stride = max(1, math.ceil(len(history) / CURVE_POINTS))
    kept = history[::stride]
    if kept and kept[-1] is not history[-1]:
        kept = [*kept[:-1], history[-1]]
    return [(record.epoch, record.loss) for record in kept]


@dataclass(frozen=True)
class SavedRun:
    id: int
    config: RunConfig
    epoch: int
    model: bytes
    saved_at: float

    def replay(self) -> Replay:
        """A replay of this run, to be trained to its saved epoch (it checks itself as it gets there)."""
        return Replay(load_checkpoint(self.model))


def _class_bytes(connection: Connection, class_id: int, leaving_out: int | None) -> int:
    """The saved models' bytes of every student of the class, but for run ``leaving_out``."""
    query = (
        select(func.coalesce(func.sum(runs.c.size), 0))
        .select_from(runs.join(students, runs.c.student_id == students.c.id))
        .where(students.c.class_id == class_id)
    )
    if leaving_out is not None:
        query = query.where(runs.c.id != leaving_out)
    return connection.execute(query).scalar_one()


def save_run(
    engine: Engine, student: Student, trainer: Trainer, run_id: int | None = None, limits: Limits = LIMITS
) -> int:
    """Save ``trainer``'s run for ``student`` (over their run ``run_id``, or as a new one); its id.

    A new run beyond `Limits.max_runs_per_student` drops the student's oldest; a run that would take
    the class past `Limits.max_class_megabytes` is refused with a sentence. Saving marks the student
    as seen (the teacher's notion of idle reads it) and grades the run against the class's challenges
    (`store.results`).
    """
    if trainer.epoch < 1:
        raise PlaygroundError("A run is saved once it has trained at least one epoch.")
    model = save_checkpoint(trainer)
    values = {
        "config": json.dumps(trainer.config.to_dict()),
        "epoch": trainer.epoch,
        "model": model,
        "size": len(model),
        "saved_at": time.time(),
        "losses": json.dumps(loss_curve(trainer)),
        "solved_epoch": trainer.solved_epoch,
    }
    with engine.begin() as connection:
        room = lock_class(connection, student.class_id)
        connection.execute(update(students).where(students.c.id == student.id).values(last_seen=values["saved_at"]))
        mine = runs.c.student_id == student.id
        if (
            run_id is not None
            and connection.execute(select(runs.c.id).where(runs.c.id == run_id, mine)).first() is None
        ):
            run_id = None  # not this student's run (or dropped since): save as a new one
        used = _class_bytes(connection, student.class_id, leaving_out=run_id)
        if used + len(model) > limits.max_class_megabytes * 1e6:
            raise PlaygroundError(
                f"This run was not saved: the class's saved runs would take {(used + len(model)) / 1e6:.1f} MB, "
                f"more than the {limits.max_class_megabytes:g} MB this server keeps for a class "
                "(RNN_PLAYGROUND_MAX_CLASS_MEGABYTES). A smaller network saves in less."
            )
        if run_id is not None:
            connection.execute(update(runs).where(runs.c.id == run_id, mine).values(**values))
        else:
            run_id = connection.execute(
                runs.insert().values(student_id=student.id, **values).returning(runs.c.id)
            ).scalar_one()
            kept = select(runs.c.id).where(mine).order_by(runs.c.id.desc()).limit(limits.max_runs_per_student)
            connection.execute(delete(runs).where(mine, runs.c.id.not_in(kept.scalar_subquery())))
        keep_results(connection, student.id, run_id, trainer, room.challenges)
        return run_id


def latest_run(engine: Engine, student: Student) -> SavedRun | None:
    """The student's most recently saved run, or None."""
    with engine.begin() as connection:
        row = connection.execute(
            select(runs).where(runs.c.student_id == student.id).order_by(runs.c.saved_at.desc(), runs.c.id.desc())
        ).first()
    if row is None:
        return None
    return SavedRun(
        id=row.id,
        config=RunConfig.from_dict(json.loads(row.config)),
        epoch=row.epoch,
        model=row.model,
        saved_at=row.saved_at,
    )


def run_count(engine: Engine, student: Student) -> int:
    """How many runs the store keeps for the student."""
    with engine.begin() as connection:
        return connection.execute(
            select(func.count()).select_from(runs).where(runs.c.student_id == student.id)
        ).scalar_one()


@dataclass(frozen=True)
class MemberRun:
    """A student of a class and their latest saved run's config, epoch, loss curve and solving epoch
    (None and empty before their first, or for a run saved before the store kept curves), for the teacher."""

    student: Student
    config: RunConfig | None
    epoch: int | None
    saved_at: float | None
    run_id: int | None = None
    curve: tuple[tuple[int, float], ...] = ()
    solved_epoch: int | None = None
    passed: Mapping[str, Evidence] = field(default_factory=dict)  # challenge -> the stored evidence

    @property
    def loss(self) -> float | None:
        """The loss at the latest saved epoch."""
        return self.curve[-1][1] if self.curve else None


def class_runs(engine: Engine, room: ClassRoom) -> list[MemberRun]:
    """Every student of the class in the order they joined, with their latest run (its model file not read)
    and the challenges they passed: one transaction."""
    with engine.begin() as connection:
        members = connection.execute(
            select(students).where(students.c.class_id == room.id).order_by(students.c.id)
        ).all()
        saved = connection.execute(
            select(
                runs.c.id,
                runs.c.student_id,
                runs.c.config,
                runs.c.epoch,
                runs.c.saved_at,
                runs.c.losses,
                runs.c.solved_epoch,
            )
            .join(students, runs.c.student_id == students.c.id)
            .where(students.c.class_id == room.id)
            .order_by(runs.c.saved_at, runs.c.id)
        ).all()
        passed = class_results(connection, [row.id for row in members])
    latest = {row.student_id: row for row in saved}  # the last of each student's wins
    return [_member_run(row, latest.get(row.id), passed.get(row.id, {})) for row in members]


def _member_run(member: Row, run: Row | None, passed: Mapping[str, Evidence]) -> MemberRun:
    if run is None:
        return MemberRun(student=student_of(member), config=None, epoch=None, saved_at=None, passed=passed)
    return MemberRun(
        student=student_of(member),
        passed=passed,
        config=RunConfig.from_dict(json.loads(run.config)),
        epoch=run.epoch,
        saved_at=run.saved_at,
        run_id=run.id,
        curve=tuple((int(epoch), float(loss)) for epoch, loss in json.loads(run.losses or "[]")),
        solved_epoch=run.solved_epoch,
    )
