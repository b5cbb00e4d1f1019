"""Putting text from outside (a keyboard, a link, a file) inside Streamlit markdown, as text.

`st.markdown`, `st.warning` and friends parse markdown, and Streamlit's browser code then
rewrites the parsed text once more: ``:material/home:`` becomes an icon, ``:streamlit:`` a logo,
``:smile:`` an emoji, and GFM turns ``https://…``, ``www.…`` and ``name@host.org`` into links.
Backslash escapes stop the parser but not these rewrites, which see the text after the
backslashes are gone; so `escape_markdown` also puts an invisible U+2060 WORD JOINER where
each rewrite would start, and the text reads as typed with nothing to act on. Engine messages
are plain text; the page escapes a whole message where it meets markdown. Charts escape for
their own renderers in `charts.labels`.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"  # draws nothing and joins its neighbours: no line break, no visible trace
# A "." only starts markup after a digit (an ordered list, "1."; "www." gets a word joiner), and
# a "=" only where it can begin a line of "===" under a heading; elsewhere both stay as typed, so
# "run.pt" and "lr=0.1" read as themselves in the source too.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~$:&@]|(?<=\d)\.|(?<!\S)=)")
# Where a rewrite of the parsed text would start: a colon that opens a shortcode (":smile:",
# ":material/…", ":streamlit:") or follows a URL's scheme ("https:"), an "@" of an e-mail
# address, the "." of "www.", and the pairs Streamlit turns into arrows and signs ("->", "<=").
_REWRITE_START = re.compile(r"(?<=:)(?=[\w+\-/])|(?<=@)(?=[\w\-])|(?<=www)(?=\.)|(?<=[<>~\-])(?=[\->=])", re.IGNORECASE)


def escape_markdown(text: str) -> str:
    """``text`` as markdown that shows exactly its characters: every markdown-active ASCII
    character backslash-escaped, and each place Streamlit or GFM would rewrite the parsed text
    broken by a word joiner."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _REWRITE_START.sub(WORD_JOINER, text))


def inline_code(text: str) -> str:
    """``text`` as an inline code span, fenced by more backticks than it contains in a row.

    Streamlit rewrites ``:material/`` in the whole source, code spans too; a word joiner keeps it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    text = text.replace(":material/", f":{WORD_JOINER}material/")
    return f"{fence}{padding}{text}{padding}{fence}"
