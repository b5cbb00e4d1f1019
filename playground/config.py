"""Everything that defines one experiment, in one frozen dataclass.

A `RunConfig` is the single source of truth shared by the pages, the command line, the
presets, URL sharing and code export: the same config and seed always give the same
numbers. `validate` turns every impossible or unsafe setting into a `PlaygroundError`
with a sentence that says what to change.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from .cells import CELLS as CELL_REGISTRY
from .errors import PlaygroundError
from .limits import LIMITS, Limits

Cell = Literal["rnncell", "rnn", "lstm", "gru"]
Encoding = Literal["onehot", "embedding", "linear"]
Head = Literal["hidden", "linear"]

CELLS: tuple[str, ...] = tuple(CELL_REGISTRY)
ENCODINGS: tuple[str, ...] = ("onehot", "embedding", "linear")
HEADS: tuple[str, ...] = ("hidden", "linear")
TASKS: tuple[str, ...] = ("translate", "next-char")
VOCAB_ORDERS: tuple[str, ...] = ("sorted", "appearance")
NONLINEARITIES: tuple[str, ...] = ("tanh", "relu")
REDUCTIONS: tuple[str, ...] = ("sum", "mean")
OPTIMIZERS: tuple[str, ...] = ("adam", "sgd")

CELL_LABELS = {name: cell.label for name, cell in CELL_REGISTRY.items()}
ENCODING_LABELS = {
    "onehot": "one-hot vectors",
    "embedding": "nn.Embedding",
    "linear": "nn.Linear on one-hot",
}
HEAD_LABELS = {"hidden": "hidden state as logits", "linear": "nn.Linear head"}


@dataclass(frozen=True)
class RunConfig:
    """One experiment. For ``task="next-char"`` only ``sources`` is used."""

    sources: tuple[str, ...] = ("hello",)
    targets: tuple[str, ...] = ("ohlol",)
    task: str = "translate"
    vocab: str = ""  # explicit vocabulary order; empty means use `vocab_order`
    vocab_order: str = "sorted"
    cell: str = "rnn"
    encoding: str = "embedding"
    embedding_size: int = 10
    head: str = "linear"
    hidden_size: int = 8
    layers: int = 1
    bidirectional: bool = False
    nonlinearity: str = "tanh"
    batch_first: bool = False  # PyTorch's own default: (seq, batch, feature)
    loss_reduction: str = "mean"
    optimizer: str = "adam"
    lr: float = 0.1
    momentum: float = 0.9
    epochs: int = 30
    seed: int = 777

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def with_changes(self, **changes: Any) -> "RunConfig":
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sources"] = list(self.sources)
        data["targets"] = list(self.targets)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunConfig":
        """Build a config from JSON-like data, refusing unknown keys and wrong types."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise PlaygroundError(f"Unknown setting(s): {', '.join(unknown)}.")
        defaults = cls()
        values: dict[str, Any] = {}
        for name, value in data.items():
            default = getattr(defaults, name)
            values[name] = _coerce(name, value, default)
        return cls(**values)


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise PlaygroundError(f"Setting '{name}' must be a list of strings.")
        if not all(isinstance(item, str) for item in value):
            raise PlaygroundError(f"Setting '{name}' must be a list of strings.")
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise PlaygroundError(f"Setting '{name}' must be true or false.")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise PlaygroundError(f"Setting '{name}' must be a whole number.")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PlaygroundError(f"Setting '{name}' must be a number.")
        return float(value)
    if not isinstance(value, str):
        raise PlaygroundError(f"Setting '{name}' must be text.")
    return value


def _check_choice(value: str, choices: tuple[str, ...], what: str) -> None:
    if value not in choices:
        raise PlaygroundError(f"Unknown {what} '{value}'; choose one of: {', '.join(choices)}.")


def _check_range(value: int, low: int, high: int, what: str, cap_hint: bool = True) -> None:
    if not low <= value <= high:
        hint = " (a cap set by the host)" if cap_hint else ""
        raise PlaygroundError(f"{what} must be between {low} and {high}{hint}; got {value}.")


def validate_settings(config: RunConfig, limits: Limits = LIMITS) -> None:
    """Check every setting that does not depend on the strings."""
    _check_choice(config.task, TASKS, "task")
    _check_choice(config.vocab_order, VOCAB_ORDERS, "vocabulary order")
    _check_choice(config.cell, CELLS, "recurrent core")
    _check_choice(config.encoding, ENCODINGS, "input encoding")
    _check_choice(config.head, HEADS, "output head")
    _check_choice(config.nonlinearity, NONLINEARITIES, "nonlinearity")
    _check_choice(config.loss_reduction, REDUCTIONS, "loss reduction")
    _check_choice(config.optimizer, OPTIMIZERS, "optimizer")
    _check_range(config.hidden_size, 1, limits.max_hidden_size, "Hidden size")
    _check_range(config.layers, 1, limits.max_layers, "Number of layers")
    _check_range(config.embedding_size, 1, limits.max_embedding_size, "Embedding size")
    _check_range(config.epochs, 1, limits.max_epochs, "Number of epochs")
    _check_range(config.seed, 0, 2**32 - 1, "Seed", cap_hint=False)
    if not math.isfinite(config.lr) or config.lr <= 0:
        raise PlaygroundError(f"Learning rate must be a positive finite number; got {config.lr}.")
    if config.lr > limits.max_learning_rate:
        raise PlaygroundError(
            f"Learning rate must be at most {limits.max_learning_rate} (a cap set by the host); "
            f"got {config.lr:g}. Typical values are 0.01 to 0.1."
        )
    if not math.isfinite(config.momentum) or not 0 <= config.momentum < 1:
        raise PlaygroundError(f"Momentum must be at least 0 and below 1; got {config.momentum}.")
    if CELL_REGISTRY[config.cell].hand_looped and config.bidirectional:
        raise PlaygroundError(
            "The hand-written nn.RNNCell loop runs forward in time only; "
            "choose nn.RNN, nn.LSTM or nn.GRU for a bidirectional network."
        )
    if config.nonlinearity == "relu" and not CELL_REGISTRY[config.cell].takes_nonlinearity:
        raise PlaygroundError(
            "The relu nonlinearity exists only for the plain RNN; "
            "nn.LSTM and nn.GRU always use sigmoid and tanh inside."
        )
