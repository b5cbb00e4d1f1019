"""Splitting a string into the characters a learner sees.

Python counts code points, so ``"é"`` typed as ``e`` + combining accent is two
"characters" and a family emoji is five. A learner who types them expects one each, and
the source and target must line up character by character, so the playground counts
*user-perceived characters* (a simplified form of Unicode grapheme clusters, with no new
dependency): text is NFC-normalised, then each base character keeps the combining marks,
variation selectors, skin-tone modifiers and zero-width-joiner sequences that follow it,
and regional-indicator flags pair up.

A message that quotes what the learner typed (or a link or a file held) quotes it with
`quoted`: characters that are invisible or reorder the text around them (right-to-left
overrides, zero-width spaces and joiners, byte-order marks, controls) are written out as
``⟨U+202E⟩``, so the sentence reads in order and shows every character it quotes.
"""

from __future__ import annotations

import unicodedata

from playground.run.errors import PlaygroundError

ZERO_WIDTH_JOINER = "\u200d"
BLACK_FLAG = "\U0001f3f4"  # the base of a subdivision flag, spelled by the tag characters after it
# Controls, format characters (bidirectional overrides and isolates, zero-width spaces and
# joiners, the word joiner, the byte-order mark, the soft hyphen), surrogates, line and
# paragraph separators: none draws a glyph of its own.
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")


def _extends_previous(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def split_characters(text: str) -> list[str]:
    """The user-perceived characters of ``text``, after NFC normalisation."""
    clusters: list[str] = []
    joined = False
    for char in unicodedata.normalize("NFC", text):
        if clusters and (joined or _extends_previous(char) or char == ZERO_WIDTH_JOINER):
            clusters[-1] += char
            joined = char == ZERO_WIDTH_JOINER
        elif (
            clusters
            and _is_regional_indicator(char)
            and len(clusters[-1]) == 1
            and _is_regional_indicator(clusters[-1])
        ):
            clusters[-1] += char
        else:
            clusters.append(char)
            joined = False
    return clusters


def first_control_character(text: str) -> str | None:
    """The first control character of ``text`` (tab, newline, NUL...: none can be shown in a cell), if any."""
    return next((char for char in text if unicodedata.category(char) in ("Cc", "Cs") or char in "\u2028\u2029"), None)


def check_printable(text: str, what: str) -> None:
    """Refuse control characters (tabs, newlines, NUL...) that cannot be shown in a cell."""
    char = first_control_character(text)
    if char is not None:
        raise PlaygroundError(
            f"The {what} contains an invisible control character (U+{ord(char):04X}); "
            "use letters, digits, spaces or symbols only."
        )


def _is_tag(char: str) -> bool:
    return 0xE0020 <= ord(char) <= 0xE007F


def _is_pictographic(char: str) -> bool:
    """An emoji, or a modifier or variation selector that belongs to one."""
    code = ord(char)
    return unicodedata.category(char) == "So" or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF


def _part_of_an_emoji(text: str, index: int) -> bool:
    """Whether the hidden character at ``index`` builds an emoji: a joiner between two
    pictographs (👨‍👩‍👧), or a tag character of a subdivision flag."""
    char, before = text[index], text[index - 1] if index else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if char == ZERO_WIDTH_JOINER:
        return bool(before and after) and _is_pictographic(before) and _is_pictographic(after)
    return _is_tag(char) and before != "" and (before == BLACK_FLAG or _is_tag(before))


def visible(text: str) -> str:
    """``text`` with each character that draws nothing or reorders its neighbours written as
    ``⟨U+XXXX⟩``; everything else, emoji sequences included, stays as typed."""
    return "".join(
        f"⟨U+{ord(char):04X}⟩"
        if unicodedata.category(char) in _HIDDEN_CATEGORIES and not _part_of_an_emoji(text, index)
        else char
        for index, char in enumerate(text)
    )


def quoted(text: str, limit: int | None = None) -> str:
    """``text`` in single quotes for a message, its hidden characters made `visible`; cut after
    ``limit`` characters with an ellipsis when it is longer."""
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return f"'{visible(text)}'"
