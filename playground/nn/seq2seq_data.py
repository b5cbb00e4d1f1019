"""Pairs of any two lengths, as the encoder–decoder (`playground.nn.seq2seq`) reads and writes them.

The encoder reads the source's characters; the decoder reads ``⟨s⟩`` and then the target's
characters, and is trained to write the target's characters and then ``⟨/s⟩``. The two markers
are indices of their own after the typed characters (``len(vocab)`` and ``len(vocab) + 1``), so
no typed character can ever be one: a string that contains a marker's display text is refused,
since a decoded string showing it would be ambiguous.

Sources and targets are padded at the end, each to its own longest: a padded source is
`PAD_SOURCE`, masked in the attention and packed in the encoder; a padded decoder target is
`PAD_TARGET`, which the loss ignores; a padded decoder input is ``⟨/s⟩``, read only after a
pair's end, where nothing it gives counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from playground.nn.data import (
    PAD_SOURCE,
    PAD_TARGET,
    Vocabulary,
    check_string,
    held_out_characters,
    training_characters,
)
from playground.nn.text import quoted
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS, Limits

START, END = "⟨s⟩", "⟨/s⟩"  # how the decoder's start and end markers show everywhere


@dataclass(frozen=True)
class Seq2SeqDataset:
    """Encoded pairs of any lengths: sources (batch, source steps), decoder inputs and targets
    (batch, target steps + 1), each padded to its own longest."""

    vocab: Vocabulary  # the typed characters: the encoder's inputs; the decoder's, then ⟨s⟩ and ⟨/s⟩
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    source_chars: tuple[tuple[str, ...], ...]
    target_chars: tuple[tuple[str, ...], ...]
    source_indices: torch.Tensor
    source_lengths: torch.Tensor  # (batch,) characters of each source
    decoder_inputs: torch.Tensor  # ⟨s⟩ then the target's characters; ⟨/s⟩ after a pair's end
    decoder_targets: torch.Tensor  # the target's characters then ⟨/s⟩; PAD_TARGET after it

    @property
    def batch_size(self) -> int:
        return self.source_indices.shape[0]

    @property
    def start_index(self) -> int:
        return len(self.vocab)

    @property
    def end_index(self) -> int:
        return len(self.vocab) + 1

    def decode(self, indices: list[int]) -> str:
        """Decoder indices as text, a marker as its display text (a ⟨s⟩ written by a network that has
        not learned yet shows as such)."""
        return "".join((*self.vocab.chars, START, END)[index] for index in indices)


def check_no_marker(text: str, what: str) -> None:
    for marker in (START, END):
        if marker in text:
            raise PlaygroundError(
                f"The {what} {quoted(text, 40)} contains {marker}, the decoder's "
                f"{'start' if marker == START else 'end'} marker, which only the network writes; "
                "leave it out of the strings."
            )


def _checked_pairs(
    pairs: tuple[tuple[str, str], ...], what: str, limits: Limits
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Each pair split into characters: printable, not empty, within the length cap (which is also the
    longest string the decoder writes), no marker; the two strings' lengths are free."""
    source_chars, target_chars = [], []
    for number, (source, target) in enumerate(pairs, start=1):
        label = f" on line {number}" if len(pairs) > 1 else ""
        for text, kind, rows in ((source, "source", source_chars), (target, "target", target_chars)):
            check_no_marker(text, f"{what}{kind}{label}")
            rows.append(tuple(check_string(text, f"{what}{kind} string{label}", limits)))
    return source_chars, target_chars


def encode_pairs(
    vocab: Vocabulary, source_chars: list[tuple[str, ...]], target_chars: list[tuple[str, ...]]
) -> Seq2SeqDataset:
    """Pairs already checked against ``vocab`` as padded tensors."""
    start, end = len(vocab), len(vocab) + 1
    source_steps = max(len(chars) for chars in source_chars)
    target_steps = max(len(chars) for chars in target_chars) + 1  # ⟨s⟩ in, ⟨/s⟩ out

    def padded(rows: list[list[int]], steps: int, pad: int) -> torch.Tensor:
        return torch.tensor([row + [pad] * (steps - len(row)) for row in rows], dtype=torch.long)

    targets = [vocab.encode(list(chars)) for chars in target_chars]
    return Seq2SeqDataset(
        vocab=vocab,
        sources=tuple("".join(chars) for chars in source_chars),
        targets=tuple("".join(chars) for chars in target_chars),
        source_chars=tuple(source_chars),
        target_chars=tuple(target_chars),
        source_indices=padded([vocab.encode(list(chars)) for chars in source_chars], source_steps, PAD_SOURCE),
        source_lengths=torch.tensor([len(chars) for chars in source_chars]),
        decoder_inputs=padded([[start, *row] for row in targets], target_steps, end),
        decoder_targets=padded([[*row, end] for row in targets], target_steps, PAD_TARGET),
    )


def select_seq2seq_pairs(dataset: Seq2SeqDataset, rows: range | list[int]) -> Seq2SeqDataset:
    """The pairs at ``rows`` of ``dataset`` as a dataset of their own, padded to their own longest."""
    rows = list(rows)
    return encode_pairs(
        dataset.vocab, [dataset.source_chars[row] for row in rows], [dataset.target_chars[row] for row in rows]
    )


def build_seq2seq_dataset(config: RunConfig, limits: Limits = LIMITS) -> Seq2SeqDataset:
    """Validate the typed pairs of ``config`` and encode them; raises `PlaygroundError`."""
    return encode_pairs(*training_characters(config, limits, _checked_pairs))


def build_seq2seq_test_dataset(config: RunConfig, vocab: Vocabulary, limits: Limits = LIMITS) -> Seq2SeqDataset | None:
    """The held-out pairs of ``config`` in the training strings' ``vocab``; None without any."""
    chars = held_out_characters(config, vocab, limits, _checked_pairs)
    return None if chars is None else encode_pairs(vocab, *chars)
