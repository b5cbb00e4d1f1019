"""The one place that knows how a session's experiment changes.

Every page reads and writes the current `RunConfig` and `Trainer` through these functions,
so that a model trained on the Train page is the one the other pages look inside, and a
changed setting always discards the stale run. A run put in place is not training until
something starts it (`ui.live_run.TRAIN_RUN`). The values live under `ui.state` keys.
"""

from __future__ import annotations

from playground import RunConfig, Trainer
from playground.presets import DEFAULT_PRESET, PRESETS
from ui.state import CONFIG, TRAIN_LIVE, TRAINER


def get_config() -> RunConfig:
    config = CONFIG.get()
    if config is None:
        config = PRESETS[DEFAULT_PRESET].config
        CONFIG.set(config)
    return config


def set_config(config: RunConfig) -> None:
    """Store ``config``; a different config drops the current run so nothing stale trains."""
    if CONFIG.get() != config:
        CONFIG.set(config)
        TRAINER.clear()
        TRAIN_LIVE.running.set(False)


def get_trainer() -> Trainer | None:
    return TRAINER.get()


def use_trainer(trainer: Trainer) -> None:
    """Make ``trainer`` (e.g. a run loaded from a file) the session's run, with its config."""
    set_config(trainer.config)
    TRAINER.set(trainer)
    TRAIN_LIVE.running.set(False)


def new_trainer() -> Trainer:
    """A fresh run of the current config; raises `PlaygroundError` for invalid settings."""
    trainer = Trainer(get_config())
    use_trainer(trainer)
    return trainer
