"""A model file's bytes back to a trained run, replayed in one go as Share & export replays it in slices."""

from __future__ import annotations

from playground import Trainer
from playground.run.budget import train_within
from playground.run.checkpoint import Replay, load_checkpoint


def load_run(data: bytes) -> Trainer:
    """The file's run replayed and checked, or a `PlaygroundError` saying why not."""
    replay = Replay(load_checkpoint(data))
    train_within(replay)
    return replay.trainer
