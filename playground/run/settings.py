"""Every `RunConfig` field once: how it is shown, linked, typed on the command line and checked.

The Train page's widgets, the short URL parameters of a shared link and the CLI's flags are
all generated from `SETTINGS`, so a new field is one `RunConfig` attribute plus one entry
here (tests/test_settings.py fails until every consumer has it). What an entry may say is
`playground.run.setting_type.Setting`; `playground.run.settings_checks.validate_settings` reads the
choices and ranges from the same entries, so a widget's help text ("1 to 256") and the
error for a value out of range name the same cap.

`SETTINGS` is in the order the Train page shows the settings; links and the CLI list them in
`RunConfig`'s order (`in_config_order`), which keeps existing links unchanged.
"""

from __future__ import annotations

from dataclasses import fields

from playground.run.config import (
    CELL_LABELS,
    CELL_NAMES,
    ENCODING_LABELS,
    ENCODINGS,
    HEAD_LABELS,
    HEADS,
    NONLINEARITIES,
    OPTIMIZERS,
    REDUCTIONS,
    TASK_KINDS,
    VOCAB_ORDERS,
    RunConfig,
)
from playground.run.setting_type import Setting

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "sources",
        "src",
        "source",
        "Source string(s), one per line",
        "strings",
        row="strings",
        help="What the network reads, one character per time step. Several lines train as one batch; "
        "they may differ in length (the shorter ones are padded, and the padding is left out of the loss).",
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
        "test_sources",
        "tsrc",
        "test-source",
        "Test pairs: held-out sources, one per line (optional)",
        "strings",
        row="test_strings",
        help="Held-out strings: never trained on, only measured after every epoch (test loss and accuracy), "
        "to tell a network that learned the rule from one that memorised its training strings. "
        "They may use only characters the training strings contain.",
        metavar="S",
        cli_help="held-out source string, never trained on (repeat for more)",
    ),
    Setting(
        "test_targets",
        "ttgt",
        "test-target",
        "Test pairs: held-out targets, one per line",
        "strings",
        row="test_strings",
        help="What the network should output for each test source; same length as its source.",
        metavar="T",
        cli_help="held-out target string, one per --test-source",
        unused=lambda values: values["task"] == "next-char",
    ),
    Setting(
        "cell",
        "cell",
        "cell",
        "Recurrent core",
        "model",
        noun="recurrent core",
        choices=CELL_NAMES,
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
        "patience",
        "patience",
        "patience",
        "Early stopping patience",
        "training",
        noun="early stopping patience",
        low=0,
        cap="max_epochs",
        step=1,
        metavar="N",
        help="0 = off. Otherwise training stops once the test loss has not improved for this many epochs, "
        "and the best epoch is marked; it needs test strings. {low} to {high}.",
        cli_help="stop when the test loss has not improved for N epochs (0: off; needs test pairs)",
        unused=lambda values: not values["test_sources"],
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
        typed_as_text=True,
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
        choices=TASK_KINDS,
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
    Setting(
        "clip_grad_norm",
        "clip",
        "clip-grad-norm",
        "Clip gradient norm",
        "advanced",
        noun="gradient clipping norm",
        low=0,
        high=1000,
        step=0.5,
        number_format="%.3g",
        metavar="X",
        help="0 = off. Otherwise every update first scales the gradient of all weights down to at most this "
        "norm (torch.nn.utils.clip_grad_norm_), which tames exploding gradients; {low} to {high}.",
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
