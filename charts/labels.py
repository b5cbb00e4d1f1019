"""Typed text as a chart shows it: the one place where the learner's characters meet a renderer.

Plotly reads a few HTML tags and entities inside every label, title, hover text and tick, so
a typed ``<b>`` would turn the rest of a label bold and a typed ``&lt;`` would show as ``<``:
text bound for Plotly is HTML-escaped exactly once, here. Vega-Lite draws plain text, so the
same characters go to it unescaped (escaping them would show ``&lt;`` on screen). Quotes stay
as typed for Plotly too: they mean nothing outside a tag, and Plotly knows no ``&quot;``. Either way a
typed space is drawn as ``␣``: a blank tick or cell reads as missing.

Every builder in `charts` takes raw characters and calls these; pages never escape for a chart.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

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


def step_labels(input_chars: Sequence[str]) -> list[str]:
    """Plotly tick labels for time steps: the character fed at that step over its step number."""
    return [f"{char_label(char)}<br><sub>t={t}</sub>" for t, char in enumerate(input_chars)]


def label_chars(labels: Sequence[str]) -> int:
    """Characters shown in the longest line of any Plotly label, markup left out and entities as one."""
    lines = (line for label in labels for line in str(label).split("<br>"))
    return max((len(html.unescape(_MARKUP.sub("", line))) for line in lines), default=1)
