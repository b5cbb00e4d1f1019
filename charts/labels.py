"""Typed text as a chart shows it: the one place where the learner's characters meet a renderer.

Plotly reads a few HTML tags and entities inside every label, title, hover text and tick, so
a typed ``<b>`` would turn the rest of a label bold and a typed ``&lt;`` would show as ``<``:
text bound for Plotly is HTML-escaped exactly once, here. Vega-Lite draws plain text, so the
same characters go to it unescaped (escaping them would show ``&lt;`` on screen). Quotes stay
as typed for Plotly too: they mean nothing outside a tag, and Plotly knows no ``&quot;``. Either way a
typed space is drawn as ``␣``: a blank tick or cell reads as missing.

Every builder in `charts` takes raw characters and calls these; pages never escape for a chart.

The numbering every chart, table and download follows (the README says it once, for learners):
whatever indexes a tensor counts from 0, as PyTorch does: time steps ``t=0`` on, layers
``layer 0`` (nearest the input) on, units, strings of a batch and vocabulary indices.
Epochs count from 1: epoch 1 is the first pass over the data. Directions are words with an
arrow, ``forward →`` and ``backward ←``. A space is drawn as ``␣`` in charts and tables;
downloads (CSV, checkpoints) hold the characters as typed, so the data stays the data.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Collection, Sequence

VISIBLE_SPACE = "␣"
_MARKUP = re.compile(r"<[^>]+>")


def char_label(char: str) -> str:
    """A character as Plotly should draw it: escaped, with a space made visible."""
    return VISIBLE_SPACE if char == " " else html.escape(char, quote=False)


def text_label(text: str) -> str:
    """A typed string (a source, a target, a run's name) as Plotly should draw it, spaces kept."""
    return html.escape(text, quote=False)


def plain_char(char: str) -> str:
    """A character as Vega-Lite should draw it: as typed, with a space made visible."""
    return VISIBLE_SPACE if char == " " else char


def visible_text(text: str) -> str:
    """A typed string for a table (plain text, not Plotly): its spaces drawn as ``␣``."""
    return text.replace(" ", VISIBLE_SPACE)


def step_name(step: int) -> str:
    """A time step as every chart, table and hover names it."""
    return f"t={step}"


def layer_name(layer: int, direction: int = 0, directions: int = 1) -> str:
    """Where a state lives: its layer, and its direction when there are two."""
    return f"layer {layer}" + (f" · {direction_name(direction)}" if directions == 2 else "")


def direction_name(direction: int) -> str:
    """A direction of a bidirectional network, index 0 or 1 as in ``h_n``."""
    return "backward ←" if direction else "forward →"


def step_stride(steps: int, plot_px: float, label_px: float = 34) -> int:
    """Label every how-many-th step so that labels ``label_px`` wide never overlap in ``plot_px``.

    Labels stay horizontal: rotated, a character printed over the next step's number."""
    return max(1, math.ceil(steps * label_px / max(plot_px, 1)))


def step_labels(input_chars: Sequence[str], stride: int = 1, numbered: Collection[int] | None = None) -> list[str]:
    """Plotly tick labels for time steps: the character fed at that step over its step number.

    With ``stride`` above 1 (long strings in a narrow chart) every step keeps its character
    and only every ``stride``-th step its number (or the steps in ``numbered``), so nothing
    collides and no step is unnamed."""
    shown = set(range(0, len(input_chars), stride) if numbered is None else numbered)
    return [
        f"{char_label(char)}<br><sub>{step_name(t) if t in shown else ''}</sub>" for t, char in enumerate(input_chars)
    ]


def numbered_steps(steps: int, plot_px: float, label_px: float) -> list[int]:
    """The steps whose numbers a time-step axis ``plot_px`` wide shows, labels ``label_px`` wide
    with their gap: every `step_stride`-th, less the last where its label would stick out past
    the axis's end, into the first label of a panel beside it (t=63 ran into t=0)."""
    stride = step_stride(steps, plot_px, label_px)
    step_px = plot_px / max(steps, 1)
    return [t for t in range(0, steps, stride) if t == 0 or (steps - 0.5 - t) * step_px >= label_px / 2]


def label_chars(labels: Sequence[str]) -> int:
    """Characters shown in the longest line of any Plotly label, markup left out and entities as one."""
    lines = (line for label in labels for line in str(label).split("<br>"))
    return max((len(html.unescape(_MARKUP.sub("", line))) for line in lines), default=1)
