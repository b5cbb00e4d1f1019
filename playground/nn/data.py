"""From the learner's strings to the tensors the network receives.

The vocabulary's order decides which one-hot column each character gets, which is why the
lessons spell it out (``['h', 'i', 'e', 'l', 'o']``) and why presets must set it to
reproduce their numbers.

Pairs of a batch may differ in length: a tensor needs one length, so shorter pairs are padded
at the end up to the longest. A padded target is `PAD_TARGET`, the index cross-entropy ignores,
so padding never counts in the loss; a padded source is `PAD_SOURCE`, an ordinary character
whose outputs are never used (the model packs or masks them, see `model`). ``Dataset.lengths``
says where each pair really ends, for every view that must stop there.

A text of one's own (`RunConfig.text`) is cut into windows (`text_windows`); a batch of a run in
mini-batches is some rows of the encoded pairs, cut to its own longest pair (`batch_of`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import torch

from playground.nn.text import check_printable, quoted, split_characters
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS, Limits

# Why a pair of different lengths is refused, and where it can go instead (`playground.nn.seq2seq`).
ONE_OUTPUT_PER_STEP = (
    "each source character needs one target character: this network writes one character for each it reads. "
    "An encoder–decoder takes pairs of any lengths, for now from the command line: "
    "python -m playground train --architecture seq2seq --source … --target …"
)
# Cross-entropy's default ``ignore_index``: a padded target adds nothing to the loss or its gradients.
PAD_TARGET = -100
# What fills a shorter pair's source: index 0, a real character, since an input must be one; the
# network's outputs at padded positions are never read (see `RecurrentModel.forward`).
PAD_SOURCE = 0
Characters = list[tuple[str, ...]]  # each string of some pairs, split into characters


@dataclass(frozen=True)
class Vocabulary:
    """An ordered list of characters; a character's index is its one-hot column."""

    chars: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.chars)

    def index(self, char: str) -> int:
        return self.chars.index(char)

    def encode(self, chars: list[str]) -> list[int]:
        return [self.chars.index(char) for char in chars]

    def decode(self, indices: list[int]) -> str:
        return "".join(self.chars[i] for i in indices)


@dataclass(frozen=True)
class Dataset:
    """Encoded training pairs, padded to the longest, ready for the model.

    ``source_indices`` and ``target_indices`` are (batch, seq) LongTensors, seq the longest
    pair's length; a shorter pair is padded with `PAD_SOURCE` / `PAD_TARGET` after its end.
    ``source_onehot`` is (batch, seq, vocab). ``source_chars`` keeps the characters (real
    ones only) per position so views can label their axes; ``lengths`` each pair's length.
    """

    vocab: Vocabulary
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    source_chars: tuple[tuple[str, ...], ...]
    target_chars: tuple[tuple[str, ...], ...]
    source_indices: torch.Tensor
    target_indices: torch.Tensor
    source_onehot: torch.Tensor
    lengths: tuple[int, ...]

    @property
    def padded(self) -> bool:
        """Whether some pair is shorter than the batch: only then do the model and views mask."""
        return len(set(self.lengths)) > 1

    @property
    def real(self) -> torch.Tensor:
        """(batch, seq) bool: True at a pair's real positions, False on its padding."""
        return torch.arange(self.seq_len) < torch.tensor(self.lengths).unsqueeze(1)

    @property
    def batch_size(self) -> int:
        return self.source_indices.shape[0]

    @property
    def seq_len(self) -> int:
        return self.source_indices.shape[1]


def _pairs(
    config: RunConfig, sources: tuple[str, ...], targets: tuple[str, ...], what: str
) -> tuple[tuple[str, str], ...]:
    """(source, target) pairs of ``sources`` and ``targets``; next-char derives them from each source alone."""
    if config.task == "next-char":
        pairs = []
        for text in sources:
            chars = split_characters(text)
            if len(chars) < 2:
                raise PlaygroundError(
                    f"Next-character prediction needs at least 2 characters; {quoted(text)} has {len(chars)}."
                )
            pairs.append(("".join(chars[:-1]), "".join(chars[1:])))
        return tuple(pairs)
    if len(sources) != len(targets):
        raise PlaygroundError(
            f"There are {len(sources)} {what}source string(s) but {len(targets)} {what}target "
            "string(s); give one target for every source."
        )
    return tuple(zip(sources, targets))


def text_windows(text: str, window: int) -> list[list[str]]:
    """``text``'s characters in consecutive windows of ``window + 1``, each starting where the last one's
    source ended (stride ``window``), so one epoch reads the text once; a last piece shorter than 2
    characters, which holds no pair, is dropped."""
    chars = split_characters(text)
    pieces = (chars[start : start + window + 1] for start in range(0, len(chars), window))
    return [piece for piece in pieces if len(piece) >= 2]


def training_pairs(config: RunConfig) -> tuple[tuple[str, str], ...]:
    """The (source, target) pairs a config trains on: next-char derives them from each string, or from
    the windows of its own text (each window's characters but the last, and but the first)."""
    if config.text:
        return tuple(("".join(w[:-1]), "".join(w[1:])) for w in text_windows(config.text, config.window))
    return _pairs(config, config.sources, config.targets, "")


def held_out_pairs(config: RunConfig) -> tuple[tuple[str, str], ...]:
    """The held-out (source, target) pairs a config measures after every epoch (none by default)."""
    return _pairs(config, config.test_sources, config.test_targets, "test ")


def build_vocabulary(
    config: RunConfig,
    source_chars: list[tuple[str, ...]],
    target_chars: list[tuple[str, ...]],
    limits: Limits = LIMITS,
) -> Vocabulary:
    """Explicit order if typed, else sorted or in order of first appearance (sources first).

    Takes the strings already split into characters, as `build_dataset` checked them.
    """
    if config.vocab:
        check_printable(config.vocab, "vocabulary")
        chars = split_characters(config.vocab)
    else:
        chars = list(dict.fromkeys(char for rows in (source_chars, target_chars) for row in rows for char in row))
        if config.vocab_order == "sorted":
            chars.sort()
    if len(chars) > limits.max_vocabulary:
        raise PlaygroundError(f"The vocabulary has {len(chars)} characters; the limit is {limits.max_vocabulary}.")
    duplicates = sorted(char for char, count in Counter(chars).items() if count > 1)  # only a typed one can
    if duplicates:
        raise PlaygroundError(f"The vocabulary lists {', '.join(quoted(c) for c in duplicates)} more than once.")
    return Vocabulary(tuple(chars))


def check_string(text: str, what: str, limits: Limits) -> list[str]:
    """``text`` split into characters, or `PlaygroundError` naming ``what``: printable, not empty,
    within the length cap (typed strings here, a pairs file's cells in `playground.nn.data_files`)."""
    check_printable(text, what)
    if not text.strip():
        raise PlaygroundError(f"The {what} is empty; type at least one character.")
    chars = split_characters(text)
    if len(chars) > limits.max_string_length:
        raise PlaygroundError(
            f"The {what} has {len(chars)} characters; the limit is {limits.max_string_length} "
            "(a cap that keeps training fast on a shared server)."
        )
    return chars


def _checked_chars(
    pairs: tuple[tuple[str, str], ...], what: str, limits: Limits
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Each pair split into characters, checked: printable, not empty, within the length cap, aligned."""
    source_chars, target_chars = [], []
    for number, (source, target) in enumerate(pairs, start=1):
        label = f" on line {number}" if len(pairs) > 1 else ""
        src = check_string(source, f"{what}source string{label}", limits)
        tgt = check_string(target, f"{what}target string{label}", limits)
        if len(src) != len(tgt):
            raise PlaygroundError(
                f"The {what}source{label} {quoted(source)} has {len(src)} characters but the {what}target "
                f"{quoted(target)} has {len(tgt)}; {ONE_OUTPUT_PER_STEP}"
            )
        source_chars.append(tuple(src))
        target_chars.append(tuple(tgt))
    return source_chars, target_chars


def _encoded(vocab: Vocabulary, source_chars: list[tuple[str, ...]], target_chars: list[tuple[str, ...]]) -> Dataset:
    """Pairs already checked against ``vocab`` as padded tensors."""
    seq_len = max(len(chars) for chars in source_chars)

    def padded(rows: list[tuple[str, ...]], pad: int) -> torch.Tensor:
        return torch.tensor([vocab.encode(list(c)) + [pad] * (seq_len - len(c)) for c in rows], dtype=torch.long)

    source_indices = padded(source_chars, PAD_SOURCE)
    lengths = tuple(len(chars) for chars in source_chars)
    real = torch.arange(seq_len) < torch.tensor(lengths).unsqueeze(1)
    return Dataset(
        vocab=vocab,
        sources=tuple("".join(c) for c in source_chars),
        targets=tuple("".join(c) for c in target_chars),
        source_chars=tuple(source_chars),
        target_chars=tuple(target_chars),
        source_indices=source_indices,
        target_indices=padded(target_chars, PAD_TARGET),
        # all zeros on the padding: no character is fed there (views show this tensor)
        source_onehot=torch.nn.functional.one_hot(source_indices, len(vocab)).float() * real.unsqueeze(-1),
        lengths=lengths,
    )


def _text_chars(config: RunConfig) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The windows of ``config``'s own text as characters of sources and targets (the text's length
    and characters are settings, checked by `playground.run.settings_checks`). A window may be all
    spaces: it is a piece of the text, not a string someone forgot to type."""
    check_printable(config.text, "text")
    if not config.text.strip():
        raise PlaygroundError("Your text is only spaces; it needs characters to learn from.")
    windows = text_windows(config.text, config.window)
    if not windows:
        raise PlaygroundError("Your text needs at least 2 characters: one to read and the next to predict.")
    return [tuple(w[:-1]) for w in windows], [tuple(w[1:]) for w in windows]


def check_pair_count(config: RunConfig, count: int, limits: Limits = LIMITS) -> None:
    """At most `Limits.max_pairs` typed pairs, `Limits.max_file_pairs` from a file (a text's windows are
    bounded by its characters); past `Limits.max_pairs` only in mini-batches."""
    if config.data_file and not config.text and count > limits.max_file_pairs:
        raise PlaygroundError(
            f"The file {quoted(config.data_file, 60)} has {count} string pairs; the limit is "
            f"{limits.max_file_pairs} (a cap set by the host)."
        )
    if not config.data_file and not config.text and count > limits.max_pairs:
        raise PlaygroundError(f"{count} string pairs is more than the limit of {limits.max_pairs} per batch.")
    if count > limits.max_pairs and not 1 <= config.batch_size <= limits.max_pairs:
        raise PlaygroundError(
            f"{count} string pairs do not fit in one batch (at most {limits.max_pairs}): set a batch size "
            f"between 1 and {limits.max_pairs} to train them in mini-batches."
        )


def build_dataset(config: RunConfig, limits: Limits = LIMITS) -> Dataset:
    """Validate the strings (or the text) of ``config`` and encode them; raises `PlaygroundError`."""
    return _encoded(*training_characters(config, limits))


# How a kind of network splits and checks its pairs: (pairs, "" or "test ", limits) -> sources' and targets' characters.
CheckPairs = Callable[[tuple[tuple[str, str], ...], str, Limits], tuple[Characters, Characters]]


def training_characters(
    config: RunConfig, limits: Limits = LIMITS, check_pairs: CheckPairs = _checked_chars
) -> tuple[Vocabulary, Characters, Characters]:
    """The vocabulary and the characters of ``config``'s training pairs (or its text's windows), split by
    ``check_pairs`` (the per-step network's check: aligned pairs); raises `PlaygroundError`."""
    if config.text:
        source_chars, target_chars = _text_chars(config)
        check_pair_count(config, len(source_chars), limits)
    else:
        if not config.sources:
            raise PlaygroundError("Type a source string to train on.")
        pairs = training_pairs(config)
        check_pair_count(config, len(pairs), limits)
        source_chars, target_chars = check_pairs(pairs, "", limits)
    vocab = build_vocabulary(config, source_chars, target_chars, limits)
    for kind, rows in (("source", source_chars), ("target", target_chars)):
        for chars in rows:
            missing = [c for c in chars if c not in vocab.chars]
            if missing:
                raise PlaygroundError(
                    f"The {kind} character {quoted(missing[0])} is not in the vocabulary "
                    f"{quoted(''.join(vocab.chars))}; add it to the vocabulary or leave the vocabulary "
                    "empty to build it from the strings."
                )
    return vocab, source_chars, target_chars


def build_test_dataset(config: RunConfig, vocab: Vocabulary, limits: Limits = LIMITS) -> Dataset | None:
    """The held-out pairs of ``config`` encoded with the training strings' ``vocab``; None without any."""
    chars = held_out_characters(config, vocab, limits)
    return None if chars is None else _encoded(vocab, *chars)


def held_out_characters(
    config: RunConfig,
    vocab: Vocabulary,
    limits: Limits = LIMITS,
    check_pairs: CheckPairs = _checked_chars,
) -> tuple[Characters, Characters] | None:
    """The held-out pairs of ``config`` split into characters by ``check_pairs`` (the per-step network's
    check: aligned pairs), within the cap and knowing only ``vocab``'s characters; None without any."""
    pairs = held_out_pairs(config)
    if not pairs:
        return None
    if len(pairs) > limits.max_test_pairs:
        raise PlaygroundError(
            f"{len(pairs)} test pairs is more than the limit of {limits.max_test_pairs} (a cap set by the host)."
        )
    source_chars, target_chars = check_pairs(pairs, "test ", limits)
    # A held-out character the vocabulary lacks has no input vector and no output score: refused with a
    # sentence naming it rather than silently dropped.
    for kind, rows in (("source", source_chars), ("target", target_chars)):
        for number, chars in enumerate(rows, start=1):
            missing = [c for c in chars if c not in vocab.chars]
            if missing:
                line = f" on line {number}" if len(rows) > 1 else ""
                raise PlaygroundError(
                    f"The test {kind}{line} has the character {quoted(missing[0])}, which no training string "
                    f"contains: the network only knows the training strings' characters "
                    f"{quoted(''.join(vocab.chars))}. Leave it out of the test strings or add it to a training string."
                )
    return source_chars, target_chars


def select_pairs(dataset: Dataset, rows: range | list[int]) -> Dataset:
    """The pairs at ``rows`` of ``dataset`` as a dataset of their own, padded to their own longest."""
    return _encoded(
        dataset.vocab, [dataset.source_chars[row] for row in rows], [dataset.target_chars[row] for row in rows]
    )


def batch_of(dataset: Dataset, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Source and target indices of the pairs at ``rows``, cut to the longest of them (so no step is
    padding in every pair), and their lengths when they differ (the model then packs), else None."""
    lengths = torch.tensor(dataset.lengths)[rows]
    longest = int(lengths.max())
    sources = dataset.source_indices[rows, :longest]
    targets = dataset.target_indices[rows, :longest]
    return sources, targets, lengths if bool((lengths != longest).any()) else None
