"""Everything that defines one experiment, in one frozen dataclass.

A `RunConfig` is the single source of truth shared by the pages, the command line, the
presets, URL sharing and code export: the same config and seed always give the same
numbers. How each field is shown, linked, typed on the command line and checked lives
next to it, in `playground.run.settings`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal, get_args

import playground.nn.cells as cells
from playground.run.errors import PlaygroundError

CellName = Literal["rnncell", "rnn", "lstm", "gru"]
TaskKind = Literal["translate", "next-char"]
VocabOrder = Literal["sorted", "appearance"]
Encoding = Literal["onehot", "embedding", "linear"]
Head = Literal["hidden", "linear"]
Nonlinearity = Literal["tanh", "relu"]
Reduction = Literal["sum", "mean"]
Optimizer = Literal["adam", "sgd"]
Architecture = Literal["aligned", "seq2seq"]
Attention = Literal["none", "dot", "additive"]

# Each field's choices, read off its Literal type (the cores off their registry) so they cannot drift apart.
CELL_NAMES: tuple[str, ...] = tuple(cells.CELLS)
ENCODINGS: tuple[str, ...] = get_args(Encoding)
HEADS: tuple[str, ...] = get_args(Head)
TASK_KINDS: tuple[str, ...] = get_args(TaskKind)
VOCAB_ORDERS: tuple[str, ...] = get_args(VocabOrder)
NONLINEARITIES: tuple[str, ...] = get_args(Nonlinearity)
REDUCTIONS: tuple[str, ...] = get_args(Reduction)
OPTIMIZERS: tuple[str, ...] = get_args(Optimizer)
ARCHITECTURES: tuple[str, ...] = get_args(Architecture)
ATTENTIONS: tuple[str, ...] = get_args(Attention)

CELL_LABELS = {name: cell.label for name, cell in cells.CELLS.items()}
ENCODING_LABELS = {
    "onehot": "one-hot vectors",
    "embedding": "nn.Embedding",
    "linear": "nn.Linear on one-hot",
}
HEAD_LABELS = {"hidden": "hidden state as logits", "linear": "nn.Linear head"}
ARCHITECTURE_LABELS = {"aligned": "one output per input character", "seq2seq": "encoder–decoder (any two strings)"}
ATTENTION_LABELS = {"none": "none", "dot": "dot product (Luong)", "additive": "additive (Bahdanau)"}


@dataclass(frozen=True)
class RunConfig:
    """One experiment. For ``task="next-char"`` only ``sources`` (and ``test_sources``) are used,
    or ``text`` instead of ``sources`` when it is not empty (see `playground.nn.data.training_pairs`)."""

    sources: tuple[str, ...] = ("hello",)
    targets: tuple[str, ...] = ("ohlol",)
    task: TaskKind = "translate"
    vocab: str = ""  # explicit vocabulary order; empty means use `vocab_order`
    vocab_order: VocabOrder = "sorted"
    cell: CellName = "rnn"
    encoding: Encoding = "embedding"
    embedding_size: int = 10
    head: Head = "linear"
    hidden_size: int = 8
    layers: int = 1
    bidirectional: bool = False
    nonlinearity: Nonlinearity = "tanh"
    batch_first: bool = False  # PyTorch's own default: (seq, batch, feature)
    loss_reduction: Reduction = "mean"
    optimizer: Optimizer = "adam"
    lr: float = 0.1
    momentum: float = 0.9
    epochs: int = 30
    seed: int = 777
    clip_grad_norm: float = 0.0  # 0 is off; else the largest gradient norm an update may use
    # Held-out pairs: measured after every epoch, never trained on (for next-char only the sources).
    test_sources: tuple[str, ...] = ()
    test_targets: tuple[str, ...] = ()
    patience: int = 0  # early stopping: 0 is off; else stop after this many epochs without a better test loss
    # A corpus for a next-character model: when not empty, the training pairs are its consecutive windows of
    # `window` characters (and `sources` are ignored). One line: a file's line breaks arrive as spaces.
    text: str = ""
    window: int = 32  # characters each pair of `text` reads
    # Pairs per optimizer step: 0 is every pair in one batch; else each epoch shuffles the pairs (seeded by
    # seed + epoch index) and steps once per batch of this many.
    batch_size: int = 0
    data_file: str = ""  # the file the pairs or text came from ("" = typed): links cannot carry it
    # "aligned": one output per input character (the lessons' network). "seq2seq": an encoder reads the source,
    # a decoder writes the target one character at a time, of any length (`playground.nn.seq2seq`).
    architecture: Architecture = "aligned"
    attention: Attention = "none"  # seq2seq only: how each decoder step looks back at the encoder's outputs
    teacher_forcing: float = 1.0  # seq2seq only: the share of training steps fed the true previous character

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def with_changes(self, **changes: Any) -> RunConfig:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {name: list(value) if isinstance(value, tuple) else value for name, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunConfig:
        """Build a config from JSON-like data, refusing unknown keys and wrong types."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(str(key) for key in data if key not in known)  # a file may hold keys of any type
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
