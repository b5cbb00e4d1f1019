"""A learner's own data from a file: a text to predict character by character, or source,target pairs.

An upload is untrusted and may be huge, so a file is read in chunks and refused as soon as it is
provably past its cap: no text of ``max_corpus_characters`` characters is longer than 4 bytes each
(UTF-8's longest), and no file of ``max_file_pairs`` pairs longer than `pairs_byte_bound`, so the
server never holds more than that bound (and one chunk) of a 100 MB upload. What is read is decoded
as strict UTF-8 (a byte-order mark is accepted), and every refusal is a sentence naming the file's
byte, line or row and what to do.

A text becomes one printable line (a config's text is one line): each run of whitespace holding a
line break or a tab is one space. A pairs file is CSV (``.csv``, comma) or TSV (``.tsv``, tab), its
header ``source,target`` optional; each cell is a string like a typed one (`playground.nn.data.check_string`),
so ``NaN`` is three characters, not a missing number.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
from typing import BinaryIO

from playground.nn.data import ONE_OUTPUT_PER_STEP, check_string
from playground.nn.text import first_control_character, quoted, split_characters, visible
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS, Limits

CHUNK_BYTES = 64 * 1024
HEADER = ("source", "target")
# UTF-8's longest character; a CSV cell's quotes around it; a row's separator and line break (CR LF).
_BYTES_PER_CHARACTER, _QUOTES, _ROW_SEPARATORS = 4, 2, 3
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A run of whitespace holding a line break or a tab: one space in the config's one-line text.
_BREAKING_WHITESPACE = re.compile(r"[ \t\r\n]*[\t\r\n][ \t\r\n]*")


def text_byte_bound(limits: Limits = LIMITS) -> int:
    """The most bytes a text within ``max_corpus_characters`` can take (a byte-order mark included)."""
    return len(codecs.BOM_UTF8) + _BYTES_PER_CHARACTER * limits.max_corpus_characters


def pairs_byte_bound(limits: Limits = LIMITS) -> int:
    """The most bytes a pairs file within the caps can take: ``max_file_pairs`` rows and a header, each
    two quoted cells of ``max_string_length`` characters (a doubled quote is 2 bytes, under 4)."""
    cell = _BYTES_PER_CHARACTER * limits.max_string_length + _QUOTES
    return len(codecs.BOM_UTF8) + (limits.max_file_pairs + 1) * (2 * cell + _ROW_SEPARATORS)


def _read_bytes(stream: BinaryIO, name: str, bound: int, cap: str) -> bytes:
    """The stream's bytes, read a chunk at a time; `PlaygroundError` (its ``cap`` sentence) as soon
    as more than ``bound`` bytes came, having read at most ``bound + 1``."""
    data = bytearray()
    while chunk := stream.read(min(CHUNK_BYTES, bound + 1 - len(data))):
        data += chunk
        if len(data) > bound:
            raise PlaygroundError(
                f"There are more than {bound:,} bytes in {visible(name)}, more than the caps allow: {cap}"
            )
    return bytes(data)


def _decode(data: bytes, name: str, wanted: str) -> str:
    """``data`` as strict UTF-8 without its byte-order mark; `PlaygroundError` naming the first byte
    that is a NUL (a binary file's mark) or not UTF-8, and what to do; or saying it holds nothing but
    blank space, and that ``wanted`` belongs in it."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    advice = "save it as UTF-8 text (in most editors: Save as…, encoding UTF-8) and upload it again."
    nul = data.find(b"\x00", start)
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = start + error.start
    else:
        position = None
    if nul >= 0 and (position is None or nul < position):
        raise PlaygroundError(
            f"The file {visible(name)} is not UTF-8 text: byte {nul + 1:,} is a NUL byte (0x00), as in a "
            f"binary file such as an image or a document; {advice}"
        )
    if position is not None:
        line = data[:position].count(b"\n") + 1
        raise PlaygroundError(
            f"The file {visible(name)} is not UTF-8 text: byte {position + 1:,} (0x{data[position]:02X}), "
            f"on line {line:,}, is not UTF-8; {advice}"
        )
    if not text.strip():
        raise PlaygroundError(f"There is nothing but blank space in {visible(name)}; put {wanted} in it.")
    return text


def read_text(stream: BinaryIO, name: str, limits: Limits = LIMITS) -> str:
    """The text of a ``.txt`` upload (or a pasted text, ``name`` then saying so) as one line, each run of
    line breaks and tabs one space; `PlaygroundError` for a file past the cap, not UTF-8 text, empty or
    with a control character."""
    cap = (
        f"the limit is {limits.max_corpus_characters:,} characters "
        "(RNN_PLAYGROUND_MAX_CORPUS_CHARACTERS); use a shorter part of it."
    )
    text = _decode(_read_bytes(stream, name, text_byte_bound(limits), cap), name, "a text")
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        char = first_control_character(line.replace("\t", " "))
        if char is not None:
            raise PlaygroundError(
                f"Line {number:,} of {visible(name)} has an invisible control character (U+{ord(char):04X}), which "
                "a text to learn cannot hold; remove it and try again."
            )
    one_line = _BREAKING_WHITESPACE.sub(" ", text).strip()
    length = len(split_characters(one_line))
    if length > limits.max_corpus_characters:
        raise PlaygroundError(
            f"There are {length:,} characters in {visible(name)} (each run of line breaks counted as one space); {cap}"
        )
    return one_line


def _delimiter(name: str) -> str:
    """Comma for a ``.csv`` file, tab for ``.tsv``: told by the extension, never guessed from the content."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "csv":
        return ","
    if extension == "tsv":
        return "\t"
    raise PlaygroundError(
        f"The file {visible(name)} is neither a .csv nor a .tsv file; upload pairs as source,target rows "
        "in a .csv (comma) or .tsv (tab) file."
    )


def read_pairs(
    stream: BinaryIO, name: str, limits: Limits = LIMITS, aligned: bool = True
) -> tuple[tuple[str, str], ...]:
    """The (source, target) pairs of a ``.csv`` or ``.tsv`` upload, its header ``source,target``
    optional and blank lines skipped; `PlaygroundError` naming the row of the first bad one. ``aligned``:
    for the per-step network, whose source and target have one length (not for the encoder–decoder)."""
    delimiter = _delimiter(name)
    label = visible(name)
    cap = f"the limit is {limits.max_file_pairs:,} pairs (RNN_PLAYGROUND_MAX_FILE_PAIRS). Upload fewer rows."
    text = _decode(_read_bytes(stream, name, pairs_byte_bound(limits), cap), name, "source,target rows")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    pairs: list[tuple[str, str]] = []
    number, next_number = 1, 1  # the line the row read starts on (a quoted cell may hold line breaks)
    first = True
    try:
        for row in rows:
            number, next_number = next_number, rows.line_num + 1
            if not row:
                continue
            header, first = first and [cell.strip().lower() for cell in row] == list(HEADER), False
            if not header:
                pairs.append(_pair(row, number, label, delimiter, limits, aligned))
            if len(pairs) > limits.max_file_pairs:
                raise PlaygroundError(f"The file {label} has more than {limits.max_file_pairs:,} pairs; {cap}")
    except csv.Error as error:
        raise PlaygroundError(
            f"Row {next_number:,} of {label} cannot be read as {_format(delimiter)}: {error}. Check its "
            'quotes: a cell holding a quote or a separator is written in quotes, its quotes doubled ("say ""hi""").'
        ) from None
    if not pairs:
        raise PlaygroundError(f"The file {label} has a header but no pairs; add source,target rows under it.")
    return tuple(pairs)


def _format(delimiter: str) -> str:
    return "CSV (comma-separated)" if delimiter == "," else "TSV (tab-separated)"


def _pair(
    row: list[str], number: int, label: str, delimiter: str, limits: Limits, aligned: bool = True
) -> tuple[str, str]:
    """One row as a checked (source, target) pair; `PlaygroundError` naming row ``number``."""
    separator = "a comma" if delimiter == "," else "a tab"
    if len(row) != 2:
        found = "one column" if len(row) == 1 else f"{len(row)} columns"
        raise PlaygroundError(
            f"Row {number:,} of {label} has {found}; every row needs two, a source and a target separated "
            f"by {separator} (a cell holding {separator} goes in double quotes)."
        )
    source_what, target_what = (
        f"{kind} (column {column}) on row {number:,} of {label}" for column, kind in ((1, "source"), (2, "target"))
    )
    source = check_string(row[0], source_what, limits)
    target = check_string(row[1], target_what, limits)
    if aligned and len(source) != len(target):
        raise PlaygroundError(
            f"Row {number:,} of {label}: the source {quoted(row[0])} has {len(source)} characters but the target "
            f"{quoted(row[1])} has {len(target)}; {ONE_OUTPUT_PER_STEP}"
        )
    return row[0], row[1]


def pairs_csv(sources: Iterable[str], targets: Iterable[str]) -> str:
    """The pairs as CSV text under the header ``source,target``, quoted as the csv module does:
    what "Download pairs as CSV" gives, and what `read_pairs` reads back as the same pairs."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(zip(sources, targets))
    return buffer.getvalue()
