"""The Train page's inputs: strings, preset picker and every setting of a `RunConfig`.

Each control is a keyed widget whose value lives in session state, so a preset can fill
all of them at once (a callback writes the keys before the page redraws) and the config
is always rebuilt from exactly what the learner sees. Controls are seeded from the
session's current config, so returning from another page shows the run that was trained.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from playground import PlaygroundError, RunConfig
from playground.config import (
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
)
from playground.limits import LIMITS
from playground.presets import PRESETS
from playground.text import split_characters

PREFIX = "train_"
PRESET_KEY = PREFIX + "preset"
SOURCES_KEY, TARGETS_KEY = PREFIX + "sources", PREFIX + "targets"
# What the text boxes accept: every allowed pair plus a margin (the config check names the caps).
STRINGS_MAX_CHARS = LIMITS.max_string_length * LIMITS.max_pairs + 64

TASK_LABELS = {"translate": "translate source → target", "next-char": "predict the next character"}
VOCAB_ORDER_LABELS = {"sorted": "sorted", "appearance": "order of first appearance"}
REDUCTION_LABELS = {"sum": "sum", "mean": "mean"}
OPTIMIZER_LABELS = {"adam": "Adam", "sgd": "SGD"}


@dataclass(frozen=True)
class Field:
    """How one `RunConfig` field is shown in a widget and read back."""

    name: str
    to_widget: Callable[[Any], Any] = lambda value: value
    from_widget: Callable[[Any], Any] = lambda value: value

    @property
    def key(self) -> str:
        return PREFIX + self.name


def lines_to_strings(text: str | None) -> tuple[str, ...]:
    """One string per line; trailing blank lines are ignored, spaces are kept (they are characters)."""
    lines = (text or "").replace("\r", "").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    return tuple(lines)


FIELDS = (
    Field("sources", "\n".join, lines_to_strings),
    Field("targets", "\n".join, lines_to_strings),
    Field("task"), Field("vocab", from_widget=lambda v: v or ""), Field("vocab_order"),
    Field("cell"), Field("encoding"), Field("embedding_size", from_widget=int), Field("head"),
    Field("hidden_size", from_widget=int), Field("layers", from_widget=int),
    Field("bidirectional", from_widget=bool), Field("nonlinearity"),
    Field("batch_first", from_widget=bool), Field("loss_reduction"), Field("optimizer"),
    Field("lr", from_widget=float), Field("momentum", from_widget=float),
    Field("epochs", from_widget=int), Field("seed", from_widget=int),
)


def fill_widgets(config: RunConfig) -> None:
    """Write every control's value from ``config`` (before the widgets are drawn)."""
    for field in FIELDS:
        st.session_state[field.key] = field.to_widget(getattr(config, field.name))


def config_from_widgets() -> RunConfig:
    """The config the controls currently describe; `PlaygroundError` if a value is no number."""
    values = {}
    for field in FIELDS:
        try:
            values[field.name] = field.from_widget(st.session_state[field.key])
        except (TypeError, ValueError, OverflowError):
            label = field.name.replace("_", " ")
            raise PlaygroundError(f"The {label} must be a finite number.") from None
    return RunConfig(**values)


def matching_preset(config: RunConfig) -> str | None:
    return next((name for name, preset in PRESETS.items() if preset.config == config), None)


def _apply_preset() -> None:
    name = st.session_state.get(PRESET_KEY)
    if name in PRESETS:
        fill_widgets(PRESETS[name].config)


def ensure_widgets(config: RunConfig) -> None:
    """Seed the controls from ``config`` on a first visit (or after another page was shown,
    which makes Streamlit forget this page's widget values)."""
    if any(field.key not in st.session_state for field in FIELDS):
        fill_widgets(config)


def _forget_outgrown_vocabulary() -> None:
    """Typing new strings drops an explicit vocabulary (set by a preset) that lacks their characters.

    The explicit order matters only for reproducing a lesson; once the learner types
    characters it does not list, the vocabulary is rebuilt from the strings instead of
    refusing them with an error about a setting hidden under "Advanced".
    """
    vocab = st.session_state.get(PREFIX + "vocab")
    if not vocab:
        return
    known = set(split_characters(vocab))
    typed = st.session_state.get(SOURCES_KEY, "") + st.session_state.get(TARGETS_KEY, "")
    if not set(split_characters(typed.replace("\n", ""))) <= known:
        st.session_state[PREFIX + "vocab"] = ""
        st.toast("New characters: the vocabulary is now built from your strings.")


def preset_and_strings() -> None:
    """Preset picker and the source/target text areas, for the top of the page."""
    try:
        config = config_from_widgets()
    except PlaygroundError:
        config = None  # the page explains the bad number; keep the picker on "custom"
    st.session_state[PRESET_KEY] = matching_preset(config) if config else None
    st.selectbox(
        "Preset", list(PRESETS), key=PRESET_KEY, format_func=lambda name: PRESETS[name].title,
        on_change=_apply_preset, placeholder="Custom settings (pick a preset to start over)",
        help="Fills every control with a lesson's experiment.",
    )
    preset = PRESETS.get(st.session_state[PRESET_KEY])
    if preset is not None:
        st.caption(preset.description)
    next_char = st.session_state[PREFIX + "task"] == "next-char"
    left, right = st.columns(2)
    left.text_area(
        "Source text" if next_char else "Source string(s), one per line",
        key=SOURCES_KEY, height=90, max_chars=STRINGS_MAX_CHARS,
        on_change=_forget_outgrown_vocabulary,
        help="What the network reads, one character per time step. Several lines train as one batch.",
    )
    right.text_area(
        "Target string(s), one per line", key=TARGETS_KEY, height=90, disabled=next_char,
        max_chars=STRINGS_MAX_CHARS, on_change=_forget_outgrown_vocabulary,
        help=("Not used: next-character prediction learns each source character's successor."
              if next_char else "What the network should output at each step; same length as its source."),
    )


def _select(label: str, name: str, options: tuple[str, ...], labels: dict[str, str] | None = None,
            **kwargs: Any) -> None:
    st.selectbox(label, options, key=PREFIX + name,
                 format_func=(labels.get if labels else str), **kwargs)


def model_and_training_settings() -> None:
    """Every model and optimiser setting, for the sidebar; rarely used ones in "Advanced".

    Number boxes have no min/max of their own: a value out of range is kept and explained
    by the config check (naming the cap), instead of being silently clamped."""
    st.subheader("Model")
    _select("Recurrent core", "cell", CELLS, CELL_LABELS)
    _select("Input encoding", "encoding", ENCODINGS, ENCODING_LABELS)
    st.number_input(
        "Embedding size", step=1, key=PREFIX + "embedding_size",
        disabled=st.session_state[PREFIX + "encoding"] == "onehot",
        help="Features per character for nn.Embedding / nn.Linear; one-hot uses the vocabulary size.",
    )
    _select("Output head", "head", HEADS, HEAD_LABELS,
            help="'Hidden state as logits' reads the hidden state directly as one score per "
                 "character, so it needs hidden size = vocabulary size.")
    left, right = st.columns(2)
    left.number_input("Hidden size", step=1, key=PREFIX + "hidden_size",
                      help=f"Units per layer and direction, 1 to {LIMITS.max_hidden_size}.")
    right.number_input("Layers", step=1, key=PREFIX + "layers", help=f"1 to {LIMITS.max_layers}.")
    st.toggle("Bidirectional", key=PREFIX + "bidirectional")
    st.subheader("Training")
    left, right = st.columns(2)
    left.number_input("Learning rate", step=0.01, format="%.4g", key=PREFIX + "lr",
                      help=f"Above 0, at most {LIMITS.max_learning_rate:g}; typical values 0.01 to 0.1.")
    right.number_input("Epochs", step=1, key=PREFIX + "epochs", help=f"1 to {LIMITS.max_epochs}.")
    left, right = st.columns(2)
    with left:
        _select("Optimizer", "optimizer", OPTIMIZERS, OPTIMIZER_LABELS)
    with right:
        _select("Loss", "loss_reduction", REDUCTIONS, REDUCTION_LABELS,
                help="Sum of the per-step cross-entropies (as the hand-written loop does) or their mean.")
    st.number_input("Seed", step=1, key=PREFIX + "seed",
                    help="Same settings and seed give the same numbers every time.")
    with st.expander("Advanced"):
        _select("Task", "task", TASKS, TASK_LABELS)
        st.text_input("Vocabulary (explicit order)", key=PREFIX + "vocab",
                      placeholder="empty: built from the strings",
                      help="Type the characters in the order you want their indices, e.g. 'hielo'.")
        _select("Vocabulary order", "vocab_order", VOCAB_ORDERS, VOCAB_ORDER_LABELS,
                disabled=bool(st.session_state[PREFIX + "vocab"]))
        _select("Nonlinearity", "nonlinearity", NONLINEARITIES,
                help="Only nn.RNN and nn.RNNCell offer relu.")
        st.toggle("batch_first", key=PREFIX + "batch_first",
                  help="Tensor layout (batch, seq, features) or (seq, batch, features); results are identical.")
        st.number_input("SGD momentum", step=0.05, format="%.3g", key=PREFIX + "momentum",
                        disabled=st.session_state[PREFIX + "optimizer"] != "sgd")
