"""The one place that knows how a session's experiment changes.

Every page reads and writes the current `RunConfig` and `Trainer` through these functions,
so that a model trained on the Train page is the one the other pages look inside. A changed
number of epochs continues the run (its numbers are those of a fresh run of the new config);
any other change discards it, keeping its loss curve as the ghost the next run is drawn
against, so nothing stale is ever trained. A run put in place is not training until
something starts it (`TRAIN_RUN`, below). The values live under `ui.core.state` keys.
"""

from __future__ import annotations

from dataclasses import replace

from playground import RunConfig, Trainer
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from playground.run.config_change import change_with_locks
from ui.core.budgets import make_room
from ui.core.class_saving import keep_class_run
from ui.core.live_run import LiveRun
from ui.core.state import (
    CLASSROOM_LINK,
    CONFIG,
    CONFIG_LOADED,
    EXPERIMENT_CHANGE,
    TRAIN_GHOST,
    TRAIN_GHOST_STRINGS,
    TRAIN_GHOST_TEST,
    TRAIN_LIVE,
    TRAIN_PACE,
    TRAIN_STOP_WHEN_SOLVED,
    TRAINER,
)


def get_config() -> RunConfig:
    config = CONFIG.get()
    if config is None:
        config = PRESETS[DEFAULT_PRESET].config
        CONFIG.set(config)
    return config


def set_config(config: RunConfig) -> None:
    """Store ``config``; the current run continues under it if only its epochs changed, else is dropped."""
    if CONFIG.get() == config:
        return
    CONFIG.set(config)
    trainer = TRAINER.get()
    if trainer is not None and trainer.can_continue_with(config):
        trainer.continue_with(config)  # a run going keeps going
    else:
        drop_run()


def change_experiment(config: RunConfig, source: str) -> None:
    """Make ``config`` the experiment as a whole, from a preset, a challenge or a generated task
    (``source`` names it for the learner): a teacher's locked controls keep their values, the Train
    page's controls show the result the next time they are drawn, and that page says what changed."""
    link = CLASSROOM_LINK.get()
    current = get_config()
    config, change = change_with_locks(current, config, link.locked | link.hidden, source)
    if (config.sources, config.targets) != (current.sources, current.targets):
        TRAIN_STOP_WHEN_SOLVED.set(strings_are_typed(config))  # a lesson's strings train all its epochs
    set_config(config)
    CONFIG_LOADED.set(True)
    EXPERIMENT_CHANGE.set(change)


def drop_run() -> None:
    """Forget the current run, keeping its losses (if it trained any) as the ghost curve."""
    trainer = TRAINER.get()
    if trainer is not None and trainer.epoch:
        TRAIN_GHOST.set(tuple(record.loss for record in trainer.history))
        TRAIN_GHOST_TEST.set(tuple(record.test_loss for record in trainer.history if record.has_test))
        TRAIN_GHOST_STRINGS.set(trained_strings(trainer.config))
    TRAINER.clear()
    TRAIN_LIVE.running.set(False)


def trained_strings(config: RunConfig) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a run learns, to tell whether a previous run's curve belongs behind it: its own text
    (its source strings are then unused) or its source and target strings."""
    return ((config.text,), ()) if config.text else (config.sources, config.targets)


def get_trainer() -> Trainer | None:
    return TRAINER.get()


def use_trainer(trainer: Trainer) -> None:
    """Make ``trainer`` (e.g. a run loaded from a file) the session's run, with its config."""
    set_config(trainer.config)
    TRAINER.set(trainer)
    TRAIN_LIVE.running.set(False)


def new_trainer() -> Trainer:
    """A fresh run of the current config; raises `PlaygroundError` for invalid settings, or when
    the session's or the server's memory has no room for it (the current run then stays)."""
    config = get_config()
    trainer = Trainer(config, stop_when_solved=stops_when_solved(config))
    make_room(trainer, replacing=TRAINER)
    use_trainer(trainer)
    return trainer


def strings_are_typed(config: RunConfig) -> bool:
    """Whether ``config``'s strings are the learner's own rather than a lesson preset's."""
    return all(
        (preset.config.sources, preset.config.targets) != (config.sources, config.targets)
        for preset in PRESETS.values()
    )


def stops_when_solved(config: RunConfig) -> bool:
    """The learner's "Stop when solved" choice; until they make one, on for typed strings only:
    a lesson's preset trains its lesson's epochs, typed strings train until they are learned."""
    chosen = TRAIN_STOP_WHEN_SOLVED.get()
    return strings_are_typed(config) if chosen is None else chosen


# The session's run trained live. The Train page redraws four views per slice, so its slices are
# short, and a click mid-slice takes the run back to the epoch on screen. A class member's run is
# saved to the class store as it goes (`ui.core.class_saving`).
TRAIN_RUN: LiveRun[Trainer] = LiveRun(
    TRAINER,
    TRAIN_LIVE,
    slice_seconds=0.05,
    finish_within=0.1,
    refresh_seconds=0.1,
    pace=TRAIN_PACE,
    rewinds_to_shown=True,
    one_fragment=True,
    on_progress=keep_class_run,
)
# The same run trained from another page ("train it here"), which shows only its progress:
# with nothing to watch, it goes at full speed.
TRAIN_RUN_ELSEWHERE: LiveRun[Trainer] = replace(TRAIN_RUN, pace=None, rewinds_to_shown=False, one_fragment=False)
