"""A learner's own files: text and pairs read in chunks, every bad file refused with a sentence."""

import io
import tracemalloc

import pytest

from playground import PlaygroundError
from playground.nn.data_files import CHUNK_BYTES, pairs_byte_bound, pairs_csv, read_pairs, read_text, text_byte_bound
from playground.run.limits import LIMITS, Limits


def text(data: bytes, name: str = "story.txt", limits: Limits = LIMITS) -> str:
    return read_text(io.BytesIO(data), name, limits)


def pairs(data: bytes, name: str = "pairs.csv", limits: Limits = LIMITS) -> tuple[tuple[str, str], ...]:
    return read_pairs(io.BytesIO(data), name, limits)


def refusal(read, data: bytes, name: str, limits: Limits = LIMITS) -> str:
    with pytest.raises(PlaygroundError) as error:
        read(io.BytesIO(data), name, limits)
    return str(error.value)


class LazyUpload(io.RawIOBase):
    """``size`` bytes of ``pattern`` made as they are read, counting how many were: a 100 MB upload
    that takes no memory of its own."""

    def __init__(self, size: int, pattern: bytes) -> None:
        self.size, self.pattern, self.read_bytes = size, pattern, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.read_bytes if n < 0 else min(n, self.size - self.read_bytes)
        self.read_bytes += n
        return (self.pattern * (n // len(self.pattern) + 1))[:n]


# Text


def test_text_becomes_one_line_with_each_line_break_and_tab_run_one_space():
    assert text(b"  Once upon\r\n\r\n  a time\tthere\rwas a   cat.\n") == "Once upon a time there was a   cat."


def test_text_accepts_a_byte_order_mark_and_counts_characters_as_the_learner_sees_them():
    assert text(b"\xef\xbb\xbfcaf\xc3\xa9") == "café"
    limits = Limits(max_corpus_characters=4)
    assert text("cafe\u0301".encode(), limits=limits) == "cafe\u0301"  # e + accent is one character


def test_text_past_the_cap_names_its_length_and_the_variable():
    message = refusal(read_text, b"ab\n\ncd", "story.txt", Limits(max_corpus_characters=4))
    assert message == (
        "There are 5 characters in story.txt (each run of line breaks counted as one space); the limit is "
        "4 characters (RNN_PLAYGROUND_MAX_CORPUS_CHARACTERS); use a shorter part of it."
    )


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n  "])
def test_empty_text_file(data):
    assert refusal(read_text, data, "story.txt") == "There is nothing but blank space in story.txt; put a text in it."


def test_a_binary_file_is_refused_at_its_first_nul_byte():
    message = refusal(read_text, b"GIF89a\x01\x00\x01\x00\x80\x00", "cat.txt")
    assert message.startswith("The file cat.txt is not UTF-8 text: byte 8 is a NUL byte (0x00), as in a binary file")
    assert "save it as UTF-8 text" in message


def test_a_latin_1_file_names_the_byte_and_line_that_is_not_utf8():
    message = refusal(read_text, "one\ncaf\xe9".encode("latin-1"), "old.txt")
    assert message.startswith("The file old.txt is not UTF-8 text: byte 8 (0xE9), on line 2, is not UTF-8; save it")


def test_a_control_character_is_named_with_its_line():
    message = refusal(read_text, b"fine\nbell \x07 here", "story.txt")
    assert message == (
        "Line 2 of story.txt has an invisible control character (U+0007), which a text to learn cannot "
        "hold; remove it and try again."
    )


def test_a_hostile_file_name_is_shown_with_its_hidden_characters_written_out():
    assert refusal(read_text, b"\x00", "evil\u202etxt.txt").startswith("The file evil⟨U+202E⟩txt.txt is not")


# Pairs


def test_pairs_with_and_without_a_header_blank_lines_skipped():
    assert pairs(b"ab,ba\n\ncd,dc\n") == (("ab", "ba"), ("cd", "dc"))
    assert pairs(b" Source , TARGET \r\nab,ba\r\n") == (("ab", "ba"),)
    assert pairs(b"\xef\xbb\xbfsource,target\nab,ba\n") == (("ab", "ba"),)  # a byte-order mark
    # only the first row can be a header: a later one is a pair like any other
    assert pairs(b"ab,ba\nsource,target\n") == (("ab", "ba"), ("source", "target"))


def test_tsv_is_split_on_tabs_and_keeps_commas_and_spaces():
    assert pairs(b"source\ttarget\na,b\tb,a\n c \t d \n", "pairs.tsv") == (("a,b", "b,a"), (" c ", " d "))


def test_nan_is_an_ordinary_string():
    assert pairs(b"NaN,nan\n") == (("NaN", "nan"),)


def test_round_trip_through_pairs_csv_keeps_quotes_commas_and_spaces():
    sources, targets = ("a,b", '"q"', " x ", "NaN", "é🙂"), ("b,a", "q''", "y  ", "nan", "🙂é")
    assert pairs(pairs_csv(sources, targets).encode()) == tuple(zip(sources, targets))
    assert pairs_csv(["ab"], ["ba"]) == "source,target\r\nab,ba\r\n"


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"ab\n", "Row 1 of pairs.csv has one column; every row needs two, a source and a target separated by a comma"),
        (b"ab,ba\ncd,dc,x\n", "Row 2 of pairs.csv has 3 columns; every row needs two"),
        (b"ab,ba\n\nab,\n", "The target (column 2) on row 3 of pairs.csv is empty"),
        (b",ab\n", "The source (column 1) on row 1 of pairs.csv is empty"),
        (
            b"ab,ba\na\x07,b\x07\n",
            "The source (column 1) on row 2 of pairs.csv contains an invisible control character (U+0007)",
        ),
        (
            b'ab,ba\n"a\nb",cd\n',
            "The source (column 1) on row 2 of pairs.csv contains an invisible control character (U+000A)",
        ),
        (
            b'ab,ba\ncd,"dc\nef,fe\n',
            "Row 2 of pairs.csv cannot be read as CSV (comma-separated): unexpected end of data. Check its quotes",
        ),
        (b'ab,"b"a\n', "Row 1 of pairs.csv cannot be read as CSV (comma-separated): ',' expected after '\"'"),
        (b"abc,ba\n", "Row 1 of pairs.csv: the source 'abc' has 3 characters but the target 'ba' has 2"),
        (b"source,target\n", "The file pairs.csv has a header but no pairs"),
        (b"\n \n", "There is nothing but blank space in pairs.csv; put source,target rows in it."),
        (b"ab,ba\n\x00", "The file pairs.csv is not UTF-8 text: byte 7 is a NUL byte"),
        (b"ab,b\xe4\n", "The file pairs.csv is not UTF-8 text: byte 5 (0xE4), on line 1, is not UTF-8"),
    ],
)
def test_every_bad_pairs_file_gets_a_sentence_naming_the_row(data, sentence):
    assert refusal(read_pairs, data, "pairs.csv").startswith(sentence)


def test_a_cell_past_the_string_length_cap_names_its_row():
    message = refusal(read_pairs, b"ab,ba\nabcde,edcba\n", "pairs.csv", Limits(max_string_length=4))
    assert message.startswith("The source (column 1) on row 2 of pairs.csv has 5 characters; the limit is 4")


def test_pairs_only_from_csv_or_tsv():
    assert refusal(read_pairs, b"ab,ba\n", "pairs.xlsx").startswith(
        "The file pairs.xlsx is neither a .csv nor a .tsv file"
    )


def test_too_many_pairs_refused_at_the_first_row_past_the_cap():
    limits = Limits(max_file_pairs=3)
    assert len(pairs(b"a,b\n" * 3, limits=limits)) == 3
    message = refusal(read_pairs, b"a,b\n" * 4 + b"oops", "pairs.csv", limits)  # the row after is never checked
    assert message == (
        "The file pairs.csv has more than 3 pairs; the limit is 3 pairs (RNN_PLAYGROUND_MAX_FILE_PAIRS). "
        "Upload fewer rows."
    )


def test_the_byte_bounds_hold_the_largest_files_the_caps_allow():
    limits = Limits(max_file_pairs=5, max_string_length=3, max_corpus_characters=10)
    widest = '"' + '""' * 3 + '"'  # three quotes, each doubled, in quotes
    largest = ("\ufeffsource,target\r\n" + "🙂🙂🙂,🙂🙂🙂\r\n" * 4 + f"{widest},{widest}\r\n").encode()
    assert len(largest) <= pairs_byte_bound(limits)
    assert len(pairs(largest, limits=limits)) == 5
    assert text(("\ufeff" + "🙂" * 10).encode(), limits=limits) == "🙂" * 10
    assert len(("\ufeff" + "🙂" * 10).encode()) == text_byte_bound(limits)


@pytest.mark.parametrize(
    ("read", "name", "bound", "cap"),
    [
        (read_text, "big.txt", text_byte_bound(), "RNN_PLAYGROUND_MAX_CORPUS_CHARACTERS"),
        (read_pairs, "big.csv", pairs_byte_bound(), "RNN_PLAYGROUND_MAX_FILE_PAIRS"),
    ],
)
def test_a_100_megabyte_upload_is_refused_early_in_bounded_memory(read, name, bound, cap):
    upload = LazyUpload(100 * 2**20, b"ab,ba\n")
    tracemalloc.start()
    try:
        with pytest.raises(PlaygroundError) as error:
            read(upload, name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(error.value).startswith(
        f"There are more than {bound:,} bytes in {name}, more than the caps allow: the limit"
    )
    assert cap in str(error.value)
    assert upload.read_bytes <= bound + 1 <= bound + CHUNK_BYTES
    assert peak < 8 * bound + 4 * CHUNK_BYTES < 10 * 2**20  # a few copies of the bound, far below 100 MB
