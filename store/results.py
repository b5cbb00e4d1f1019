"""Challenge results: each challenge of its class a student's run passed, with the evidence.

A result is graded here, by the server, from the run being saved (`store.runs.save_run` calls
`keep_results` in the same transaction): the trainer the server itself trained, never a progress
file a learner uploaded, which stays a claim in their own session. A student keeps their best
evidence per challenge (`playground.lessons.challenges.better`), as the Challenges page does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict

from sqlalchemy import Connection, select, update

from playground.lessons.challenges import CHALLENGES, Evidence, applies_to, better, check_run
from playground.run.trainer import Trainer
from store.schema import results


def evidence_of_row(raw: str) -> Evidence:
    return Evidence(**json.loads(raw))


def keep_results(
    connection: Connection, student_id: int, run_id: int, trainer: Trainer, challenges: Iterable[str]
) -> None:
    """Grade ``trainer``'s run against each of the class's ``challenges`` whose strings it trains; keep
    each pass that beats the student's stored evidence."""
    for name in challenges:
        challenge = CHALLENGES.get(name)
        if challenge is None or not applies_to(challenge, trainer.config):
            continue
        verdict = check_run(challenge, trainer)
        if not verdict.passed:
            continue
        mine = (results.c.student_id == student_id, results.c.challenge == name)
        stored = connection.execute(select(results.c.evidence).where(*mine)).scalar_one_or_none()
        values = {"evidence": json.dumps(asdict(verdict.evidence)), "run_id": run_id, "passed_at": time.time()}
        if stored is None:
            connection.execute(results.insert().values(student_id=student_id, challenge=name, **values))
        elif better(challenge, verdict.evidence, evidence_of_row(stored)):
            connection.execute(update(results).where(*mine).values(**values))


def class_results(connection: Connection, student_ids: Iterable[int]) -> dict[int, Mapping[str, Evidence]]:
    """Each of these students' passed challenges and their evidence."""
    passed: dict[int, dict[str, Evidence]] = {}
    rows = connection.execute(
        select(results.c.student_id, results.c.challenge, results.c.evidence).where(
            results.c.student_id.in_(list(student_ids))
        )
    )
    for row in rows:
        passed.setdefault(row.student_id, {})[row.challenge] = evidence_of_row(row.evidence)
    return passed
