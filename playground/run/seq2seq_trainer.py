"""Training the encoder–decoder (`playground.nn.seq2seq`) one epoch at a time, as `Trainer` does the
per-step network: same optimizer, loss, clipping, mini-batches, held-out pairs and early stopping.

An epoch takes one step per batch: a forward pass whose decoder reads the true previous characters
(teacher forcing) or its own guesses, the cross-entropy of every real target character and ⟨/s⟩,
backward, clip, step. Whether a batch is teacher-forced is drawn from a generator of the epoch's
own, seeded by ``seed + epoch index`` in a stream apart from the mini-batch order's
(`teacher_forced`), so a rewound run, a replay and an exported script draw the same without
keeping a generator's state; a ratio of 1 (the default) or 0 draws nothing.

After the epoch's last step, the shown pairs are decoded greedily (no grad) with the new weights:
the record's predictions are those strings, each as long as the decoder made it (up to the length
cap), its attention weights those of that decoding, and its weight snapshot the weights after the
step. An epoch is solved when every decoded string is its target.
"""

from __future__ import annotations

import math

import torch

from playground.nn.model import sequence_loss
from playground.nn.seq2seq_data import (
    Seq2SeqDataset,
    build_seq2seq_dataset,
    build_seq2seq_test_dataset,
    select_seq2seq_pairs,
)
from playground.run.config import RunConfig
from playground.run.epoch_record import EpochRecord
from playground.run.errors import PlaygroundError, TrainingDiverged
from playground.run.limits import LIMITS, Limits
from playground.run.minibatches import batch_rows, epoch_order, in_minibatches, shown_rows
from playground.run.settings_checks import check_architecture, validate_settings
from playground.run.trainer import (
    ONE_THREAD_ARITHMETIC,
    SEQ2SEQ_NOT_ON_PAGES,
    Trainer,
    build_model,
    clip_gradients,
)

# Teacher forcing's generator seeds start here: apart from the mini-batch orders' (seed + epoch index).
TEACHER_FORCING_STREAM = 2**40


def check_seq2seq_config(config: RunConfig, limits: Limits = LIMITS) -> Seq2SeqDataset:
    """Every check an encoder–decoder config must pass (its held-out pairs too); returns its training data."""
    validate_settings(config, limits)
    check_architecture(config)
    dataset = build_seq2seq_dataset(config, limits)
    build_seq2seq_test_dataset(config, dataset.vocab, limits)
    return dataset


def teacher_forced(config: RunConfig, epoch_index: int, batches: int) -> list[bool]:
    """Whether each of the epoch's ``batches`` reads the true previous characters: one draw per batch,
    under ``config.teacher_forcing``, from the epoch's own generator; none at a ratio of 0 or 1."""
    ratio = config.teacher_forcing
    if ratio in (0.0, 1.0):
        return [ratio == 1.0] * batches
    generator = torch.Generator().manual_seed(TEACHER_FORCING_STREAM + config.seed + epoch_index)
    return [bool(torch.rand((), generator=generator) < ratio) for _ in range(batches)]


def decoded_accuracies(decoded: list[list[int]], dataset: Seq2SeqDataset) -> tuple[float, float]:
    """Shares of the target characters written in their place, and of the targets written exactly."""
    targets = [dataset.vocab.encode(list(chars)) for chars in dataset.target_chars]
    right = sum(a == b for row, target in zip(decoded, targets) for a, b in zip(row, target))
    whole = sum(row == target for row, target in zip(decoded, targets))
    return right / sum(len(target) for target in targets), whole / len(targets)


class Seq2SeqTrainer(Trainer):
    """`Trainer` for ``architecture="seq2seq"``: its data are `Seq2SeqDataset`s, its model `Seq2SeqModel`."""

    def _prepare(self) -> None:
        config, limits = self.config, self.limits
        self.training_set = check_seq2seq_config(config, limits)
        self.minibatches = in_minibatches(config, self.training_set.batch_size)
        shown = self.training_set
        self.dataset = select_seq2seq_pairs(shown, shown_rows(shown.batch_size)) if self.minibatches else shown
        self.test_dataset = build_seq2seq_test_dataset(config, self.dataset.vocab, limits)
        self.model = build_model(config, len(self.dataset.vocab))

    def decode(self, dataset: Seq2SeqDataset) -> tuple[list[list[int]], torch.Tensor | None]:
        """``dataset``'s sources decoded greedily with the current weights, at most the length cap each."""
        return self.model.greedy(
            dataset.source_indices,
            dataset.source_lengths,
            dataset.start_index,
            dataset.end_index,
            self.limits.max_string_length,
        )

    def _train_one_epoch(self) -> EpochRecord:
        data, config = self.training_set, self.config
        batches = [data]
        if self.minibatches:
            order = epoch_order(config, data.batch_size, self.epoch)
            batches = [select_seq2seq_pairs(data, rows.tolist()) for rows in batch_rows(order, config.batch_size)]
        losses, norms = [], []
        with ONE_THREAD_ARITHMETIC:
            for batch, forced in zip(batches, teacher_forced(config, self.epoch, len(batches))):
                scores, _ = self.model(batch.source_indices, batch.source_lengths, batch.decoder_inputs, forced)
                self.optimizer.zero_grad()
                loss = sequence_loss(scores, batch.decoder_targets, config.loss_reduction)
                losses.append(loss.item())
                if not math.isfinite(losses[-1]):
                    raise TrainingDiverged(self.epoch + 1, losses[-1])
                loss.backward()
                norms.append(clip_gradients(self.model, config.clip_grad_norm))
                self.optimizer.step()
            with torch.no_grad():
                decoded, attention = self.decode(self.dataset)
                held_out = self._held_out_measures()
            snapshot = {name: p.detach().clone() for name, p in self.model.named_parameters()}
        train_accuracy, train_string_accuracy = decoded_accuracies(decoded, self.dataset)
        return EpochRecord(
            epoch=self.epoch + 1,
            loss=losses[0] if len(losses) == 1 else math.fsum(losses) / len(losses),
            predictions=tuple(self.dataset.decode(row) for row in decoded),
            probabilities=None,
            parameters=snapshot,
            grad_norm=max(norms)[0],  # the step with the largest, as `Trainer` records it
            clipped_grad_norm=max(norms)[1],
            train_accuracy=train_accuracy,
            train_string_accuracy=train_string_accuracy,
            batch_losses=tuple(losses),
            attention=attention,
            **held_out,
        )

    def _held_out_measures(self) -> dict:
        return {} if self.test_dataset is None else self._measure_pairs(self.test_dataset)

    def _measure_pairs(self, dataset: Seq2SeqDataset) -> dict:
        """``dataset`` with the current weights: the teacher-forced loss (training's function and
        reduction) and the greedy decoding's accuracies and strings, as `EpochRecord`'s test fields."""
        scores, _ = self.model(dataset.source_indices, dataset.source_lengths, dataset.decoder_inputs)
        loss = sequence_loss(scores, dataset.decoder_targets, self.config.loss_reduction).item()
        decoded, _ = self.decode(dataset)
        per_character, whole_strings = decoded_accuracies(decoded, dataset)
        return dict(
            test_loss=loss,
            test_accuracy=per_character,
            test_string_accuracy=whole_strings,
            test_predictions=tuple(dataset.decode(row) for row in decoded),
        )

    def measure(self, dataset: Seq2SeqDataset) -> dict:
        with ONE_THREAD_ARITHMETIC, torch.no_grad():
            return self._measure_pairs(dataset)

    def detail_bytes(self) -> int:
        """Bytes of one detailed epoch: its weight snapshot and its attention weights (float32)."""
        weights = sum(p.numel() for p in self.model.parameters())
        steps = self.limits.max_string_length + 1
        return 4 * (weights + self.dataset.batch_size * steps * self.dataset.source_indices.shape[1])

    def _compute_internals(self, epoch: int):
        raise PlaygroundError(SEQ2SEQ_NOT_ON_PAGES)


def trainer_for(config: RunConfig, limits: Limits = LIMITS, stop_when_solved: bool = False) -> Trainer:
    """The trainer of ``config``'s architecture."""
    kind = Seq2SeqTrainer if config.architecture == "seq2seq" else Trainer
    return kind(config, limits, stop_when_solved=stop_when_solved)
