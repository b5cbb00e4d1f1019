"""What a run keeps of each epoch (`EpochRecord`), as the trainer makes it and every view reads it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from playground.nn.data import Dataset


@dataclass(frozen=True)
class EpochRecord:
    """One epoch: the forward pass's results and the weights it used (before the update).

    Loss and predictions are kept for every epoch. Probabilities and the weight snapshot
    are the heavy part: a long run keeps them only for evenly spaced epochs (see
    `Trainer.detailed_epochs`) and sets them to None elsewhere, so memory stays bounded.

    An epoch in mini-batches (`playground.run.minibatches`) takes several steps: its ``loss`` is the
    mean of its ``batch_losses``, and its predictions, probabilities, accuracies and weights are those
    of the shown pairs (`Trainer.dataset`) in one no-grad pass with the weights after its last step,
    which the snapshot holds; its gradient norms are those of its step with the largest.

    An encoder–decoder's epoch (`playground.run.seq2seq_trainer`) is recorded like an epoch in mini-batches:
    its predictions are the shown pairs' greedy decodings after its last step, each of its own length, with
    their ``attention``; it has no per-step probabilities.
    """

    epoch: int  # 1-based, as the lessons print it
    loss: float
    predictions: tuple[str, ...]  # one string per batch item, as long as its pair
    # (batch, seq, vocab) softmax of the logits; a shorter pair's rows past its length are padding
    probabilities: torch.Tensor | None
    parameters: dict[str, torch.Tensor] | None
    # ‖gradient of all weights‖ of this epoch's update, before and after `RunConfig.clip_grad_norm`
    # (equal when clipping is off or the norm was below it); NaN in records made before they were kept.
    grad_norm: float = math.nan
    clipped_grad_norm: float = math.nan
    # Shares of the training pairs' characters and of whole strings this epoch's predictions got right.
    train_accuracy: float = math.nan
    train_string_accuracy: float = math.nan
    # The held-out pairs (`RunConfig.test_sources`), measured under no_grad with the weights after this
    # epoch's update: loss (the training loss's function and reduction), accuracies and predictions.
    # NaN and None for a run without held-out pairs.
    test_loss: float = math.nan
    test_accuracy: float = math.nan
    test_string_accuracy: float = math.nan
    test_predictions: tuple[str, ...] | None = None
    # The loss of each optimizer step, in order: one for an epoch in one batch (its ``loss``).
    batch_losses: tuple[float, ...] = ()
    # An encoder–decoder's greedy decoding of the shown pairs: each decoder step's weights over the source
    # characters, (batch, steps, source steps), zeros on the padding and past a pair's last step; None
    # without attention (or for the per-step network), and in the epochs a long run keeps no detail of.
    attention: torch.Tensor | None = None

    @property
    def has_test(self) -> bool:
        """Whether held-out pairs were measured this epoch."""
        return self.test_predictions is not None

    @property
    def detailed(self) -> bool:
        return self.parameters is not None

    def solved(self, targets: tuple[str, ...]) -> bool:
        return self.predictions == targets


def predicted_strings(dataset: Dataset, predicted: list[list[int]]) -> tuple[str, ...]:
    """Each pair's predicted characters, up to its own length: nothing is predicted on padding."""
    return tuple(dataset.vocab.decode(row[:length]) for row, length in zip(predicted, dataset.lengths))


def accuracies(predicted: torch.Tensor, dataset: Dataset) -> tuple[float, float]:
    """Shares of ``dataset``'s real target characters, and of its whole target strings, that the
    (batch, seq) predicted indices get right; padding counts for neither."""
    right = predicted == dataset.target_indices  # a padded target (-100) is never predicted
    per_character = right.sum().item() / sum(dataset.lengths)
    whole_strings = right.sum(dim=1).eq(torch.tensor(dataset.lengths)).sum().item() / dataset.batch_size
    return per_character, whole_strings
