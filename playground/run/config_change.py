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


def change_with_locks(
    current: RunConfig, wanted: RunConfig, locked: frozenset[str], source: str
) -> tuple[RunConfig, ExperimentChange]:
    """``wanted`` with every setting whose URL name is in ``locked`` kept from ``current``, and the
    change that makes from ``current``."""
    kept_values = {setting.field: getattr(current, setting.field) for setting in SETTINGS if setting.url in locked}
    new = wanted.with_changes(**kept_values)
    changed = tuple(
        setting.label for setting in SETTINGS if getattr(new, setting.field) != getattr(current, setting.field)
    )
    kept = tuple(
        setting.label
        for setting in SETTINGS
        if setting.url in locked and getattr(wanted, setting.field) != getattr(current, setting.field)
    )
    return new, ExperimentChange(source, changed, kept, new)
