"""A task that needs a long memory, to watch gradients vanish in a plain RNN.

Each source starts with a letter, then a run of '-' and a final '?'; the target is '-'
everywhere except at the '?', where it must repeat the first letter. Only the last step's
loss needs the distant past, so ‖∂L/∂h_t‖ for early t is what reaches back through the
recurrence from that final step. In a plain RNN it shrinks by a factor per step and the
network never learns the task; the gates of a GRU or LSTM let it through.

The three cores race as one `Comparison` of `memory_contenders`: same task, seed and
optimizer, trained round-robin in CPU-time slices like every other comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from playground.run.compare import Contender
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS
from playground.run.trainer import Trainer

COMPARED_CELLS: tuple[str, ...] = ("rnn", "lstm", "gru")
FILLER, CUE = "-", "?"
DEFAULT_LENGTH = 20
DEFAULT_LETTERS = "ab"


def memory_task_config(
    cell: str, length: int = DEFAULT_LENGTH, letters: str = DEFAULT_LETTERS, epochs: int = 300
) -> RunConfig:
    """The remember-the-first-letter task as a `RunConfig` for ``cell``."""
    if not 3 <= length <= LIMITS.max_string_length:
        raise PlaygroundError(f"The sequence length must be between 3 and {LIMITS.max_string_length}; got {length}.")
    if not letters or FILLER in letters or CUE in letters or len(set(letters)) != len(letters):
        raise PlaygroundError(f"Give distinct letters to remember, without '{FILLER}' or '{CUE}'.")
    sources = tuple(letter + FILLER * (length - 2) + CUE for letter in letters)
    targets = tuple(FILLER * (length - 1) + letter for letter in letters)
    return RunConfig(
        sources=sources,
        targets=targets,
        vocab=FILLER + CUE + letters,
        cell=cell,
        encoding="embedding",
        embedding_size=8,
        head="linear",
        hidden_size=32,
        layers=1,
        batch_first=True,
        loss_reduction="sum",
        optimizer="adam",
        lr=0.01,
        epochs=epochs,
        seed=777,
    )


def memory_contenders(length: int = DEFAULT_LENGTH, letters: str = DEFAULT_LETTERS) -> list[Contender]:
    """The task once per compared core, each labelled with its cell name."""
    return [Contender(cell, memory_task_config(cell, length, letters)) for cell in COMPARED_CELLS]


def gradient_curve(trainer: Trainer, epoch: int) -> torch.Tensor:
    """‖∂L/∂h_t‖ for every step t of the (single) layer at ``epoch``, from the engine."""
    return trainer.internals(epoch).grad_norms[0, 0]


@dataclass(frozen=True)
class FlowSummary:
    """How much of the last step's gradient is left at the first step."""

    cell: str
    epoch: int
    first: float
    last: float
    solved_epoch: int | None

    @property
    def ratio(self) -> float:
        return self.first / self.last if self.last > 0 else float("nan")


def flow_summary(trainer: Trainer, epoch: int) -> FlowSummary:
    curve = gradient_curve(trainer, epoch)
    return FlowSummary(trainer.config.cell, epoch, curve[0].item(), curve[-1].item(), trainer.solved_epoch)
