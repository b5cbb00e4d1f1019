"""A class member's run saved to the class store: when it ends, when it is paused, and every few
seconds while it trains.

`keep_class_run` is called after every slice of the Train run (`ui.core.session.TRAIN_RUN`), on every
run of the Train page's panel that advances it (a Pause or a Step reruns only that fragment, not app.py)
and at the end of every full script run (app.py), where a run trained from another page is still; it
saves only a run whose epoch changed since it was last saved. While the run trains it saves at most every
`SAVE_EVERY_SECONDS`, or less often for a network whose model file is slow to write, so saving never
takes more than `SAVING_SHARE` of the training's time (a lesson's network saves in about 3 ms, the
largest network the caps allow in about 160 ms: docs/performance.md). The write happens outside the
session's turn (`ui.core.script_turns`): other students' pages do not wait for it. Outside a class
nothing is saved.
"""

from __future__ import annotations

import logging
import time
import weakref
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from playground import PlaygroundError, Trainer
from store.database import shared_database
from store.runs import save_run
from ui.core.script_turns import SCRIPT_TURNS
from ui.core.state import CLASS_PROBLEM, CLASS_SAVED, CLASS_STUDENT, TRAIN_LIVE, TRAINER

SAVE_EVERY_SECONDS = 5.0
SAVING_SHARE = 0.02  # the most of a training's time that saving may take
SAVE_FAILED = "Your run could not be saved to the class store just now (the database did not answer); it is kept here."

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedMark:
    """The session's run as it was last saved: which run (held weakly), its row, epoch and when."""

    trainer: weakref.ref[Trainer]
    run_id: int | None
    epoch: int
    at: float  # time.monotonic()
    seconds: float  # how long the save took

    def of(self, trainer: Trainer) -> bool:
        return self.trainer() is trainer


def _due(mark: SavedMark | None, trainer: Trainer, going: bool) -> bool:
    if mark is None or not mark.of(trainer):
        return True
    if mark.epoch == trainer.epoch:
        return False
    return not going or time.monotonic() - mark.at >= max(SAVE_EVERY_SECONDS, mark.seconds / SAVING_SHARE)


def keep_class_run() -> None:
    """Save the session's run for its student if it changed and a save is due; a refusal is kept as a sentence."""
    member, trainer = CLASS_STUDENT.get(), TRAINER.get()
    if member is None or trainer is None or trainer.epoch == 0:
        return
    mark = CLASS_SAVED.get()
    if not _due(mark, trainer, going=TRAIN_LIVE.running.get()):
        return
    run_id = mark.run_id if mark is not None and mark.of(trainer) else None
    started = time.monotonic()
    try:
        with SCRIPT_TURNS.outside():
            run_id = save_run(shared_database(), member[0], trainer, run_id)
        CLASS_PROBLEM.clear()
    except PlaygroundError as error:  # the class's megabytes are used up
        CLASS_PROBLEM.set(str(error))
    except SQLAlchemyError:
        logger.exception("saving a class member's run failed")
        CLASS_PROBLEM.set(SAVE_FAILED)
    CLASS_SAVED.set(
        SavedMark(weakref.ref(trainer), run_id, trainer.epoch, time.monotonic(), time.monotonic() - started)
    )
