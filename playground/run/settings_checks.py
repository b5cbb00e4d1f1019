"""Checking a `RunConfig` against the settings table, before any string is read.

Every choice and every whole-number range comes from the table's own entries
(`playground.run.settings`), so a cap the host lowers is refused with the number the widget's
help names; the few float settings and the combinations no single entry can judge are
checked by hand, each with a sentence that says what to change.
"""

from __future__ import annotations

import math

import playground.nn.cells as cells
from playground.nn.text import check_printable, quoted, split_characters
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS, Limits
from playground.run.setting_type import Setting
from playground.run.settings import SETTING_BY_FIELD, in_config_order


def _check_choice(value: str, setting: Setting) -> None:
    if value not in setting.choices:
        choices = ", ".join(setting.choices)
        raise PlaygroundError(f"Unknown {setting.noun} {quoted(value, 40)}; choose one of: {choices}.")


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


def _check_clip(norm: float) -> None:
    low, high = SETTING_BY_FIELD["clip_grad_norm"].bounds()
    if not math.isfinite(norm) or not low <= norm <= high:
        raise PlaygroundError(f"Gradient clipping norm must be between {low} (off) and {high}; got {norm}.")


def _check_teacher_forcing(ratio: float) -> None:
    low, high = SETTING_BY_FIELD["teacher_forcing"].bounds()
    if not math.isfinite(ratio) or not low <= ratio <= high:
        raise PlaygroundError(
            f"The teacher forcing ratio is the chance a training batch's decoder reads the true previous "
            f"characters, between {low} and {high}; got {ratio}."
        )


def check_architecture(config: RunConfig) -> None:
    """Attention belongs to the encoder–decoder, which translates typed pairs with an nn.Linear head.

    Checked with the strings (by the trainers), not with each setting alone: a link that sets the
    architecture and the attention is read one setting at a time."""
    if config.architecture == "aligned":
        if config.attention != "none":
            raise PlaygroundError(
                f"Attention ({config.attention}) looks back over a source the network has read to the end, which "
                "only the encoder–decoder does; choose the architecture seq2seq, or attention none."
            )
        return
    if config.task != "translate":
        raise PlaygroundError(
            "The encoder–decoder translates a source string into a target string; choose the task "
            "'translate source → target' (next-character prediction is the per-step network's)."
        )
    if config.head != "linear":
        raise PlaygroundError(
            "The encoder–decoder scores the target characters and the end marker ⟨/s⟩ with an nn.Linear head; "
            "choose the nn.Linear head."
        )


# Code points a text of the cap's characters could need at most (an emoji family is up to 7 of them): past
# this many, a pasted text is refused without splitting it into characters first.
CODE_POINTS_PER_CHARACTER = 8


def text_characters(text: str, limits: Limits = LIMITS) -> int | None:
    """The characters of a corpus ``text``; None when it surely has more than the cap allows."""
    if len(text) > CODE_POINTS_PER_CHARACTER * limits.max_corpus_characters:
        return None
    return len(split_characters(text))


def _check_text(config: RunConfig, limits: Limits) -> None:
    """A corpus is for next-character prediction, printable on one line, within the host's cap."""
    if not config.text:
        return
    if config.task != "next-char":
        raise PlaygroundError(
            "Your own text trains a next-character model; choose the task 'predict the next character' "
            "(or empty the text to translate the source strings)."
        )
    check_printable(config.text, "text")
    count = text_characters(config.text, limits)
    if count is None or count > limits.max_corpus_characters:
        size = f"has {count} characters" if count is not None else "is far longer than that"
        raise PlaygroundError(
            f"Your text may have at most {limits.max_corpus_characters} characters (a cap set by the host); "
            f"it {size}. Shorten it or train on a part of it."
        )


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
    _check_clip(config.clip_grad_norm)
    _check_text(config, limits)
    _check_teacher_forcing(config.teacher_forcing)
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
