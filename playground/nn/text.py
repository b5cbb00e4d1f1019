"""Splitting a string into the characters a learner sees.

Python counts code points, so ``"é"`` typed as ``e`` + combining accent is two
"characters" and a family emoji is five. A learner who types them expects one each, and
the source and target must line up character by character, so the playground counts
*user-perceived characters* (a simplified form of Unicode grapheme clusters, with no new
dependency): text is NFC-normalised, then each base character keeps the combining marks,
variation selectors, skin-tone modifiers and zero-width-joiner sequences that follow it,
and regional-indicator flags pair up.
"""

from __future__ import annotations

import unicodedata

from playground.run.errors import PlaygroundError

ZERO_WIDTH_JOINER = "\u200d"


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


def check_printable(text: str, what: str) -> None:
    """Refuse control characters (tabs, newlines, NUL...) that cannot be shown in a cell."""
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cs") or char in "\u2028\u2029":
            raise PlaygroundError(
                f"The {what} contains an invisible control character (U+{ord(char):04X}); "
                "use letters, digits, spaces or symbols only."
            )
