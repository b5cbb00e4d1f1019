"""Every `RunConfig` field once: how it is shown, linked, typed on the command line and checked.

The Train page's widgets, the short URL parameters of a shared link and the CLI's flags are
all generated from `SETTINGS`, so a new field is one `RunConfig` attribute plus one entry
here (tests/test_settings.py fails until every consumer has it). `validate_settings` reads
the choices and ranges from the same entries, so a widget's help text ("1 to 256") and the
error for a value out of range name the same cap.

`SETTINGS` is in the order the Train page shows the settings; links and the CLI list them in
`RunConfig`'s order (`in_config_order`), which keeps existing links unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from . import cells
from .config import (
    CELL_LABELS,
    CELLS,
    ENCODING_LABELS,
    ENCODINGS,
    HEAD_LABELS,
    HEADS,
    NONLINEARITIES,
    OPTIMIZERS,
    REDUCTIONS,
    TASKS,
    VOCAB_ORDERS,
    RunConfig,
)
from .errors import PlaygroundError
from .limits import LIMITS, Limits

Section = Literal["strings", "model", "training", "advanced"]
_DEFAULTS = RunConfig()


@dataclass(frozen=True)
class Setting:
    """One `RunConfig` field as every consumer needs it.

    ``help`` may name the range as ``{low}`` and ``{high}``; they are filled from the limits the
    host set, so the text never disagrees with the check. ``unused`` says, from the other
    settings' values, when this one has no effect (its widget is then greyed out).
    """

    field: str  # the RunConfig attribute
    url: str  # query parameter in a shared link
    flag: str  # command-line flag, without the leading dashes
    label: str  # widget label on the Train page
    section: Section  # where the Train page draws it
    noun: str = ""  # how error messages name it; empty for settings never refused on their own
    help: str | None = None
    choices: tuple[str, ...] = ()
    choice_labels: Mapping[str, str] | None = None  # display text per choice; the choice itself if None
    low: int | float | None = None
    high: int | float | None = None  # a fixed upper bound ...
    cap: str | None = None  # ... or the name of the `Limits` field the host sets
    row: str | None = None  # consecutive settings with the same row share a line, in columns
    step: int | float | None = None  # number boxes: the +/- step
    number_format: str | None = None  # number boxes: printf-style display format
    placeholder: str | None = None  # free-text boxes: shown while empty
    metavar: str | None = None  # CLI: the value's name in --help
    cli_help: str | None = None  # CLI: --help text, where the flag's name does not say it all
    unused: Callable[[Mapping[str, Any]], bool] | None = None

    @property
    def kind(self) -> type:
        """The Python type of the field's values (tuple, str, int, float or bool)."""
        return type(getattr(_DEFAULTS, self.field))

    def bounds(self, limits: Limits = LIMITS) -> tuple[int | float, int | float]:
        """The lowest and highest allowed value; the highest is a host's cap if ``cap`` is set."""
        if self.low is None:
            raise ValueError(f"Setting '{self.field}' has no range.")
        high = getattr(limits, self.cap) if self.cap else self.high
        return self.low, high

    def help_text(self, limits: Limits = LIMITS) -> str | None:
        if self.help is None or self.low is None:
            return self.help
        low, high = self.bounds(limits)
        return self.help.format(low=low, high=high)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "sources",
        "src",
        "source",
        "Source string(s), one per line",
        "strings",
        row="strings",
        help="What the network reads, one character per time step. Several lines train as one batch.",
        metavar="S",
        cli_help="source string (repeat for a batch)",
    ),
    Setting(
        "targets",
        "tgt",
        "target",
        "Target string(s), one per line",
        "strings",
        row="strings",
        help="What the network should output at each step; same length as its source.",
        metavar="T",
        cli_help="target string, one per --source",
        unused=lambda values: values["task"] == "next-char",
    ),
    Setting(
        "cell",
        "cell",
        "cell",
        "Recurrent core",
        "model",
        noun="recurrent core",
        choices=CELLS,
        choice_labels=CELL_LABELS,
    ),
    Setting(
        "encoding",
        "enc",
        "encoding",
        "Input encoding",
        "model",
        noun="input encoding",
        choices=ENCODINGS,
        choice_labels=ENCODING_LABELS,
    ),
    Setting(
        "embedding_size",
        "emb",
        "embedding-size",
        "Embedding size",
        "model",
        noun="embedding size",
        low=1,
        cap="max_embedding_size",
        step=1,
        metavar="N",
        help="Features per character for nn.Embedding / nn.Linear; one-hot uses the vocabulary size.",
        unused=lambda values: values["encoding"] == "onehot",
    ),
    Setting(
        "head",
        "head",
        "head",
        "Output head",
        "model",
        noun="output head",
        choices=HEADS,
        choice_labels=HEAD_LABELS,
        help="'Hidden state as logits' reads the hidden state directly as one score per "
        "character, so it needs hidden size = vocabulary size.",
    ),
    Setting(
        "hidden_size",
        "hidden",
        "hidden-size",
        "Hidden size",
        "model",
        noun="hidden size",
        low=1,
        cap="max_hidden_size",
        row="sizes",
        step=1,
        metavar="N",
        help="Units per layer and direction, {low} to {high}.",
    ),
    Setting(
        "layers",
        "layers",
        "layers",
        "Layers",
        "model",
        noun="number of layers",
        low=1,
        cap="max_layers",
        row="sizes",
        step=1,
        metavar="N",
        help="{low} to {high}.",
    ),
    Setting("bidirectional", "bidir", "bidirectional", "Bidirectional", "model"),
    Setting(
        "lr",
        "lr",
        "lr",
        "Learning rate",
        "training",
        noun="learning rate",
        low=0,
        cap="max_learning_rate",
        row="length",
        step=0.01,
        number_format="%.4g",
        metavar="X",
        help="Above {low}, at most {high:g}; typical values 0.01 to 0.1.",
    ),
    Setting(
        "epochs",
        "epochs",
        "epochs",
        "Epochs",
        "training",
        noun="number of epochs",
        low=1,
        cap="max_epochs",
        row="length",
        step=1,
        metavar="N",
        help="{low} to {high}.",
    ),
    Setting(
        "optimizer",
        "opt",
        "optimizer",
        "Optimizer",
        "training",
        noun="optimizer",
        choices=OPTIMIZERS,
        choice_labels={"adam": "Adam", "sgd": "SGD"},
        row="method",
    ),
    Setting(
        "loss_reduction",
        "loss",
        "loss-reduction",
        "Loss",
        "training",
        noun="loss reduction",
        choices=REDUCTIONS,
        row="method",
        help="Sum of the per-step cross-entropies (as the hand-written loop does) or their mean.",
    ),
    Setting(
        "seed",
        "seed",
        "seed",
        "Seed",
        "training",
        noun="seed",
        low=0,
        high=2**32 - 1,
        step=1,
        metavar="N",
        help="Same settings and seed give the same numbers every time.",
    ),
    Setting(
        "task",
        "task",
        "task",
        "Task",
        "advanced",
        noun="task",
        choices=TASKS,
        choice_labels={"translate": "translate source → target", "next-char": "predict the next character"},
    ),
    Setting(
        "vocab",
        "vocab",
        "vocab",
        "Vocabulary (explicit order)",
        "advanced",
        placeholder="empty: built from the strings",
        metavar="CHARS",
        help="Type the characters in the order you want their indices, e.g. 'hielo'.",
        cli_help="explicit vocabulary order, e.g. hielo",
    ),
    Setting(
        "vocab_order",
        "order",
        "vocab-order",
        "Vocabulary order",
        "advanced",
        noun="vocabulary order",
        choices=VOCAB_ORDERS,
        choice_labels={"sorted": "sorted", "appearance": "order of first appearance"},
        unused=lambda values: bool(values["vocab"]),
    ),
    Setting(
        "nonlinearity",
        "act",
        "nonlinearity",
        "Nonlinearity",
        "advanced",
        noun="nonlinearity",
        choices=NONLINEARITIES,
        help="Only nn.RNN and nn.RNNCell offer relu.",
    ),
    Setting(
        "batch_first",
        "bf",
        "batch-first",
        "batch_first",
        "advanced",
        help="Tensor layout (batch, seq, features) or (seq, batch, features); results are identical.",
    ),
    Setting(
        "momentum",
        "mom",
        "momentum",
        "SGD momentum",
        "advanced",
        noun="momentum",
        low=0,
        high=1,
        step=0.05,
        number_format="%.3g",
        metavar="X",
        unused=lambda values: values["optimizer"] != "sgd",
    ),
)
SETTING_BY_FIELD: dict[str, Setting] = {setting.field: setting for setting in SETTINGS}


PRESET_CONTROL = "preset"  # the Train page's preset picker: lockable like a setting, under this name


def lockable_controls() -> dict[str, str]:
    """What a classroom link may lock or hide, by URL name, with the label a teacher picks it by:
    the preset picker and every setting (Train, Step, Reset and the epoch slider always stay)."""
    return {PRESET_CONTROL: "Preset", **{setting.url: setting.label for setting in SETTINGS}}


def in_config_order() -> tuple[Setting, ...]:
    """The settings in `RunConfig`'s field order: the order of a link's parameters and the CLI's flags."""
    return tuple(SETTING_BY_FIELD[field.name] for field in fields(RunConfig))


def _check_choice(value: str, setting: Setting) -> None:
    if value not in setting.choices:
        raise PlaygroundError(f"Unknown {setting.noun} '{value}'; choose one of: {', '.join(setting.choices)}.")


def _check_range(value: int, setting: Setting, limits: Limits) -> None:
    low, high = setting.bounds(limits)
    if not low <= value <= high:
        hint = " (a cap set by the host)" if setting.cap else ""
        what = setting.noun[0].upper() + setting.noun[1:]
        raise PlaygroundError(f"{what} must be between {low} and {high}{hint}; got {value}.")


def _check_learning_rate(lr: float, limits: Limits) -> None:
    low, high = SETTING_BY_FIELD["lr"].bounds(limits)
    if not math.isfinite(lr) or lr <= low:
        raise PlaygroundError(f"Learning rate must be a positive finite number; got {lr}.")
    if lr > high:
        raise PlaygroundError(
            f"Learning rate must be at most {high} (a cap set by the host); got {lr:g}. Typical values are 0.01 to 0.1."
        )


def _check_momentum(momentum: float) -> None:
    low, high = SETTING_BY_FIELD["momentum"].bounds()
    if not math.isfinite(momentum) or not low <= momentum < high:
        raise PlaygroundError(f"Momentum must be at least {low} and below {high}; got {momentum}.")


def validate_settings(config: RunConfig, limits: Limits = LIMITS) -> None:
    """Check every setting that does not depend on the strings."""
    ordered = in_config_order()
    for setting in ordered:
        if setting.choices:
            _check_choice(getattr(config, setting.field), setting)
    for setting in ordered:
        if setting.kind is int:
            _check_range(getattr(config, setting.field), setting, limits)
    _check_learning_rate(config.lr, limits)
    _check_momentum(config.momentum)
    if cells.CELLS[config.cell].hand_looped and config.bidirectional:
        raise PlaygroundError(
            "The hand-written nn.RNNCell loop runs forward in time only; "
            "choose nn.RNN, nn.LSTM or nn.GRU for a bidirectional network."
        )
    if config.nonlinearity == "relu" and not cells.CELLS[config.cell].takes_nonlinearity:
        raise PlaygroundError(
            "The relu nonlinearity exists only for the plain RNN; "
            "nn.LSTM and nn.GRU always use sigmoid and tanh inside."
        )
