"""Putting the learner's text inside Streamlit markdown safely.

`st.markdown`, `st.success` and friends parse markdown (and Streamlit's ``:red[...]``,
``:material/...:`` and emoji ``:name:`` directives), so a typed string such as ``<script>``
or ``**x**`` must be escaped to show as the characters the learner typed. Charts escape for
their own renderers in `charts.labels`.
"""

from __future__ import annotations

import re

# A "." only starts markup after a digit (an ordered list, "1.") or in "www." (a link);
# elsewhere it stays as typed, so a file name like "run.pt" reads as itself in the source too.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~$:&@]|(?<=\d)\.|(?<=www)\.)", re.IGNORECASE)


def escape_markdown(text: str) -> str:
    """``text`` with every markdown-active ASCII punctuation character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def inline_code(text: str) -> str:
    """``text`` as an inline code span, fenced by more backticks than it contains in a row."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"
