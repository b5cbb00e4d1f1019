"""Typed text inside Streamlit markdown: escaped where markdown would act on it, as typed elsewhere."""

import re

from ui.core.markdown import WORD_JOINER, escape_markdown, inline_code


def unescape(markdown: str) -> str:
    """The text a reader sees: backslash escapes and the invisible word joiners gone."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def test_markup_is_escaped_and_reads_back_as_typed():
    for typed in ("<b>&", "**x**", "[link](javascript:alert(1))", ":red[x] :smile:", "$x^2$", "a_b`c`", "x@y.org"):
        escaped = escape_markdown(typed)
        assert unescape(escaped) == typed
        assert not re.search(r"(?<!\\)[<>*&\[\]`$:_@]", escaped), escaped


def test_a_dot_is_escaped_only_where_it_starts_markup():
    assert escape_markdown("run.pt") == "run.pt"  # a file name reads as itself
    assert escape_markdown("1. item") == "1\\. item"  # not an ordered list
    # Not a link: GFM links "www." in the parsed text, after escapes are gone; a word joiner stops it.
    assert escape_markdown("WWW.example.org") == f"WWW{WORD_JOINER}.example.org"


def test_inline_code_fences_longer_than_any_backtick_run():
    assert inline_code("src=<b>&") == "`src=<b>&`"
    assert inline_code("a``b") == "```a``b```"
    assert inline_code("`x") == "`` `x ``"
