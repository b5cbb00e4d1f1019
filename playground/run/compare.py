"""Several contenders trained on the same task with the same seed, side by side.

A contender is a label and a `RunConfig` that differs from the task's base config in one
respect (the recurrent core, the input encoding, the hidden size or the learning rate), so
any difference in the results is caused by that one choice. A contender whose config is
invalid (say a bidirectional hand-written RNNCell loop, or hidden-as-logits with a hidden
size that is not the vocabulary size) keeps its error message and does not stop the others.
A comparison trains in rounds of one epoch per contender (`Comparison.train_epoch`), so a
page can train it in slices of CPU time like any run (`playground.run.budget`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from playground.nn.text import quoted
from playground.run.config import CELL_LABELS, CELL_NAMES, ENCODING_LABELS, ENCODINGS, RunConfig
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS
from playground.run.trainer import Trainer

CONTENDER_KINDS: dict[str, str] = {
    "cells": "Recurrent cores (RNNCell, RNN, LSTM, GRU)",
    "encodings": "Input encodings (one-hot, Embedding, Linear)",
    "hidden_sizes": "Hidden sizes",
    "learning_rates": "Learning rates",
}
MAX_CONTENDERS = 6  # keeps a comparison within a shared server's budget and a legend readable


@dataclass(frozen=True)
class Contender:
    label: str
    config: RunConfig


def cell_contenders(base: RunConfig) -> list[Contender]:
    return [Contender(CELL_LABELS[cell], base.with_changes(cell=cell)) for cell in CELL_NAMES]


def encoding_contenders(base: RunConfig) -> list[Contender]:
    return [Contender(ENCODING_LABELS[enc], base.with_changes(encoding=enc)) for enc in ENCODINGS]


def hidden_size_contenders(base: RunConfig, sizes: list[int]) -> list[Contender]:
    return [Contender(f"hidden size {size}", base.with_changes(hidden_size=size)) for size in sizes]


def learning_rate_contenders(base: RunConfig, rates: list[float]) -> list[Contender]:
    return [Contender(f"lr {rate:g}", base.with_changes(lr=rate)) for rate in rates]


def _parse_numbers(text: str, kind: type, what: str) -> list:
    values = []
    for piece in text.replace(";", ",").split(","):
        if not piece.strip():
            continue
        try:
            value = kind(piece.strip())
        except ValueError:
            raise PlaygroundError(
                f"{quoted(piece.strip(), 40)} is not a valid {what}; separate values with commas."
            ) from None
        if value not in values:
            values.append(value)
    if not values:
        raise PlaygroundError(f"Type at least one {what}, e.g. separated by commas.")
    if len(values) > MAX_CONTENDERS:
        raise PlaygroundError(f"Compare at most {MAX_CONTENDERS} values at once; you typed {len(values)}.")
    return values


def parse_hidden_sizes(text: str) -> list[int]:
    """'4, 8, 16' -> [4, 8, 16]; raises PlaygroundError for anything else."""
    return _parse_numbers(text, int, "hidden size")


def parse_learning_rates(text: str) -> list[float]:
    """'0.01, 0.1' -> [0.01, 0.1]; raises PlaygroundError for anything else."""
    return _parse_numbers(text, float, "learning rate")


def contenders_for(kind: str, base: RunConfig, values_text: str = "") -> list[Contender]:
    """The contenders of one kind; ``values_text`` lists the sizes or rates to try."""
    if kind == "cells":
        return cell_contenders(base)
    if kind == "encodings":
        return encoding_contenders(base)
    if kind == "hidden_sizes":
        return hidden_size_contenders(base, parse_hidden_sizes(values_text))
    if kind == "learning_rates":
        return learning_rate_contenders(base, parse_learning_rates(values_text))
    raise PlaygroundError(f"Unknown kind of comparison {quoted(kind, 40)}.")


def parameter_count(trainer: Trainer) -> int:
    return sum(p.numel() for p in trainer.model.parameters())


@dataclass
class ContenderRun:
    """One contender's trainer, or the reason it could not train (or stopped)."""

    contender: Contender
    trainer: Trainer | None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.trainer is None or self.error is not None or self.trainer.done


@dataclass
class Comparison:
    contenders: list[Contender]
    runs: list[ContenderRun] = field(init=False)

    def __post_init__(self) -> None:
        if len(self.contenders) > MAX_CONTENDERS:
            raise PlaygroundError(f"Compare at most {MAX_CONTENDERS} contenders at once.")
        self.runs = []
        for contender in self.contenders:
            try:
                self.runs.append(ContenderRun(contender, Trainer(contender.config)))
            except PlaygroundError as error:
                self.runs.append(ContenderRun(contender, None, str(error)))

    @property
    def done(self) -> bool:
        return all(run.finished for run in self.runs)

    @property
    def train_seconds(self) -> float:
        return sum(run.trainer.train_seconds for run in self.runs if run.trainer is not None)

    @property
    def trainers(self) -> dict[str, Trainer]:
        """The contenders that could train, by label."""
        return {run.contender.label: run.trainer for run in self.runs if run.trainer is not None}

    @property
    def epochs(self) -> int:
        """Epochs the longest contender is set to train."""
        return max(contender.config.epochs for contender in self.contenders)

    @property
    def epoch(self) -> int:
        """Epochs trained by the contender furthest behind among those still training."""
        training = [run.trainer.epoch for run in self.runs if not run.finished]
        return min(training) if training else self.epochs

    def train_epoch(self) -> None:
        """One round: one more epoch for every contender still training, so the curves stay
        level while they race (`Trainable`'s epoch, for `playground.run.budget`)."""
        self.step(1)

    def step(self, epochs: int = 1) -> None:
        """Train every unfinished contender up to ``epochs`` more epochs, in turn."""
        budget = LIMITS.max_train_seconds
        for run in self.runs:
            if run.finished:
                continue
            if self.train_seconds >= budget:
                run.error = f"Stopped: the comparison used its {budget:g} s of training time (a cap set by the host)."
                continue
            try:
                run.trainer.train(max_epochs=epochs)
            except PlaygroundError as error:  # diverged, or the run's own time cap
                run.error = str(error)

    def results_frame(self) -> pd.DataFrame:
        """The results table: one row per contender; with held-out pairs, its final test loss and accuracy."""
        rows = []
        for run in self.runs:
            trainer = run.trainer
            trained = trainer is not None and trainer.epoch > 0
            seconds = trainer.train_seconds if trained else None
            rows.append(
                {
                    "contender": run.contender.label,
                    "first correct epoch": trainer.solved_epoch if trainer is not None else None,
                    "final loss": trainer.history[-1].loss if trained else None,
                    "final prediction": " | ".join(trainer.history[-1].predictions) if trained else None,
                    # only when some contender has held-out pairs (their curves: each trainer's history)
                    "final test loss": trainer.history[-1].test_loss if trained else None,
                    "test accuracy": trainer.history[-1].test_accuracy if trained else None,
                    "parameters": parameter_count(trainer) if trainer is not None else None,
                    "epochs": trainer.epoch if trainer is not None else 0,
                    "training time (s)": seconds,
                    "epochs/s": trainer.epoch / seconds if seconds else None,
                    "status": run.error or ("done" if run.finished else "training"),
                }
            )
        frame = pd.DataFrame(rows)
        if not any(run.trainer is not None and run.trainer.test_dataset is not None for run in self.runs):
            frame = frame.drop(columns=["final test loss", "test accuracy"])
        frame["first correct epoch"] = frame["first correct epoch"].astype("Int64")
        frame["parameters"] = frame["parameters"].astype("Int64")
        return frame
