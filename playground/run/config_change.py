"""Changing the experiment to another config as a whole (a preset, a challenge, a generated task):
what changes, setting by setting, and what a teacher's locks keep.

A learner who picks a preset or loads a challenge should see what it did to their settings, and a
classroom link's locked controls must keep the values the teacher chose, whatever replaces the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.run.config import RunConfig
from playground.run.settings import SETTINGS


@dataclass(frozen=True)
class ExperimentChange:
    """What one change did: its source ("Preset …"), the settings it changed and the locked ones it
    left as they were, each by its label."""

    source: str
    changed: tuple[str, ...]
    kept: tuple[str, ...]
    result: RunConfig  # the experiment it made: the notice stands until the learner changes it

    def sentence(self) -> str:
        """What a learner reads: "Preset “Hello, GRU” changed: recurrent core, hidden size and epochs."
        and, with a teacher's locks, what they kept."""
        changed = f": {listed(self.changed)}" if self.changed else " nothing: the settings were already these"
        kept = f" Kept as your teacher's link locks them: {listed(self.kept)}." if self.kept else ""
        return f"{self.source} changed{changed}.{kept}"


# Settings that only make sense together: the strings and the vocabulary they are written in. A
# teacher who locks one of them keeps the others too, so a preset cannot pair a locked source with
# its own targets (of another length, in another vocabulary).
TOGETHER = frozenset({"sources", "targets", "task", "vocab", "vocab_order"})


def short_label(label: str) -> str:
    """A setting's label as a list of changes names it: "Source string(s), one per line" → "Source string(s)"."""
    return label.split(",")[0].split(" (explicit")[0]


def in_a_sentence(label: str) -> str:
    """A setting's short label as it reads inside a sentence: "Your own text (next-character
    prediction)" → "your own text", "Test pairs: held-out sources" → "held-out sources"; a label
    that starts with a name or an acronym ("SGD momentum", "batch_first") keeps its capitals."""
    label = label.split(" (")[0].split(": ")[-1]
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def listed(labels: tuple[str, ...]) -> str:
    """Labels as a sentence lists them: "a", "a and b", "a, b and c"; "" for none."""
    words = [in_a_sentence(label) for label in labels]
    return " and ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def change_with_locks(
    current: RunConfig, wanted: RunConfig, locked: frozenset[str], source: str
) -> tuple[RunConfig, ExperimentChange]:
    """``wanted`` with every setting whose URL name is in ``locked`` kept from ``current`` (and the
    strings' whole group with any of them, `TOGETHER`), and the change that makes from ``current``."""
    fields = {setting.field for setting in SETTINGS if setting.url in locked}
    if fields & TOGETHER:
        fields |= TOGETHER
    new = wanted.with_changes(**{field: getattr(current, field) for field in fields})
    changed = tuple(
        short_label(setting.label)
        for setting in SETTINGS
        if getattr(new, setting.field) != getattr(current, setting.field)
    )
    kept = tuple(
        short_label(setting.label)
        for setting in SETTINGS
        if setting.field in fields and getattr(wanted, setting.field) != getattr(current, setting.field)
    )
    return new, ExperimentChange(source, changed, kept, new)
