"""Putting the learner's text inside Streamlit markdown safely.

`st.markdown`, `st.success` and friends parse markdown (and Streamlit's ``:red[...]`` and
``:material/...:`` directives), so a typed string such as ``<script>`` or ``**x**`` must be
escaped to show as the characters the learner typed.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def escape_markdown(text: str) -> str:
    """``text`` with every markdown-active ASCII punctuation character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
