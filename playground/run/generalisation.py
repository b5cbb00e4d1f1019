"""Learned or memorised? A run's training and held-out accuracy, said in words.

A network that gets every training pair right may have learned the task's rule or only the
strings themselves; the held-out pairs (`RunConfig.test_sources`), never trained on, tell them
apart. `generalisation` reads one epoch's record; the CLI's last lines, the Train page and the
challenges' evidence all say it with the same sentence:

    memorised: 100 % on the 8 training pairs, 31 % on 32 unseen ones

Accuracies are shares of characters. A run counts as generalising once its held-out accuracy
reaches `GENERALISES_AT` (95 %): a rule learned leaves at most a few characters wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from playground.run.epoch_record import EpochRecord

GENERALISES_AT = 0.95  # held-out share of characters right from which a run learned the rule


class Verdict(Enum):
    """What the two accuracies say; the value opens the sentence."""

    GENERALISED = "generalised"  # every training pair right, and the held-out ones (nearly) too
    MEMORISED = "memorised"  # every training pair right, the held-out ones not
    STILL_LEARNING = "not solved yet"  # some training pair still wrong


@dataclass(frozen=True)
class Generalisation:
    """One epoch's training and held-out accuracy (shares of characters) and what they say."""

    verdict: Verdict
    train_accuracy: float
    test_accuracy: float
    train_pairs: int
    test_pairs: int

    @property
    def sentence(self) -> str:
        """E.g. "memorised: 100 % on the 8 training pairs, 31 % on 32 unseen ones"."""
        return (
            f"{self.verdict.value}: {percent(self.train_accuracy)} on the {self.train_pairs} training "
            f"pair{'s' * (self.train_pairs != 1)}, {percent(self.test_accuracy)} on {self.test_pairs} "
            f"unseen one{'s' * (self.test_pairs != 1)}"
        )


def percent(share: float) -> str:
    """A share as whole percent, rounded down: "100 %" only when every character is right."""
    return f"{math.floor(100 * share)} %"


def judge(train_accuracy: float, test_accuracy: float, train_solved: bool) -> Verdict:
    """The verdict of a run whose training pairs are all right (``train_solved``) or not."""
    if not train_solved:
        return Verdict.STILL_LEARNING
    return Verdict.GENERALISED if test_accuracy >= GENERALISES_AT else Verdict.MEMORISED


def generalisation(record: EpochRecord) -> Generalisation | None:
    """What ``record``'s training and held-out accuracies say; None for a run without held-out pairs."""
    if not record.has_test:
        return None
    return Generalisation(
        verdict=judge(record.train_accuracy, record.test_accuracy, record.train_string_accuracy == 1),
        train_accuracy=record.train_accuracy,
        test_accuracy=record.test_accuracy,
        train_pairs=len(record.predictions),
        test_pairs=len(record.test_predictions),
    )
