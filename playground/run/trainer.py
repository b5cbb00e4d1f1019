"""Training one epoch at a time, recording what a learner wants to watch.

A page trains a slice of epochs (`playground.run.budget`), draws, and continues; pause, step
and reset are just not calling, calling once, and building a new `Trainer`. Each epoch keeps an `EpochRecord`:
the loss, the predictions and per-step probabilities straight from the training forward
pass, and a snapshot of the weights that pass used. Everything deeper (hidden and cell
states of every layer, gates, gradients through the recurrence) is a pure function of that
snapshot and the data, so it is computed only for the epochs someone looks at
(`Trainer.internals`): recording stays cheap enough to keep every epoch.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from dataclasses import dataclass, replace

import torch

from playground.nn.data import Dataset, batch_of, build_dataset, build_test_dataset, select_pairs
from playground.nn.internals import Internals, unrolled_pass
from playground.nn.model import RecurrentModel, build_optimizer, check_fits_vocabulary, sequence_loss
from playground.nn.seq2seq import Seq2SeqModel
from playground.run.config import RunConfig
from playground.run.epoch_record import EpochRecord, accuracies, predicted_strings
from playground.run.errors import PlaygroundError, TrainingDiverged
from playground.run.limits import LIMITS, Limits
from playground.run.minibatches import batch_rows, epoch_order, in_minibatches, shown_rows
from playground.run.settings_checks import check_architecture, validate_settings

# Every epoch runs on one thread, wherever it is trained (Train, Step, the CLI, a replayed model
# file; exported scripts set the same): a multi-threaded matrix product sums in another order, so
# the same config and seed would give other last digits, which chaotic runs amplify. Tiny models
# gain nothing from threads anyway, and a shared server keeps its other cores for other work.
ONE_THREAD = 1
# Epochs whose internals (`Trainer.internals`) stay computed: the pages look at a few epochs at a time.
INTERNALS_KEPT = 8


class OneThreadArithmetic:
    """Torch on `ONE_THREAD` inside ``with``, and the thread count as it was after.

    Torch keeps a count per thread (OpenMP's, MKL's), and `torch.set_num_threads` also sets the
    count every new thread starts with, for the whole process; the Streamlit server trains
    sessions in threads at once. So, under a lock, the first to enter while no run is inside saves
    the count, and every thread leaving restores that one, for itself and new threads, while a run
    still inside keeps its own one thread. Saving per entry would not do: a new thread entering
    while a run is inside starts with that run's one thread, and would save and restore it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._saved = ONE_THREAD

    def __enter__(self) -> None:
        with self._lock:
            # Reading the count first also fixes a new thread's own count, which torch would otherwise
            # take from the count for new threads at its first arithmetic, whatever that is by then.
            current = torch.get_num_threads()
            if self._inside == 0:
                self._saved = current
            self._inside += 1
            torch.set_num_threads(ONE_THREAD)

    def __exit__(self, *exception: object) -> None:
        with self._lock:
            self._inside -= 1
            torch.set_num_threads(self._saved)


# The process's one: every epoch of every run enters it.
ONE_THREAD_ARITHMETIC = OneThreadArithmetic()

# torch's random generator is global to the process; the Streamlit server runs sessions in
# threads, so models are created one at a time to keep "same seed, same weights" true.
_SEEDED_INIT = threading.Lock()


# What the pages say of an encoder–decoder run (a link or a file may hold one): its views come next.
SEQ2SEQ_NOT_ON_PAGES = (
    "The encoder–decoder trains from the command line for now (python -m playground train --architecture "
    "seq2seq …); the pages show the per-step network only."
)


def check_config(config: RunConfig, limits: Limits = LIMITS) -> Dataset:
    """Every check a config must pass before training (its held-out pairs too); returns its encoded training data.

    For the per-step network: an encoder–decoder is checked by `playground.run.seq2seq_trainer`."""
    validate_settings(config, limits)
    check_architecture(config)
    if config.architecture == "seq2seq":
        raise PlaygroundError(SEQ2SEQ_NOT_ON_PAGES)
    dataset = build_dataset(config, limits)
    check_fits_vocabulary(config, len(dataset.vocab))
    build_test_dataset(config, dataset.vocab, limits)
    return dataset


def build_model(config: RunConfig, vocab_size: int) -> RecurrentModel | Seq2SeqModel:
    """The model with its seeded initial weights, identical for identical configs: the per-step network,
    or the encoder–decoder for ``architecture="seq2seq"``."""
    with _SEEDED_INIT:
        torch.manual_seed(config.seed)
        return (Seq2SeqModel if config.architecture == "seq2seq" else RecurrentModel)(config, vocab_size)


def clip_gradients(model: torch.nn.Module, max_norm: float) -> tuple[float, float]:
    """Clip the gradient of all weights to ``max_norm`` (0: leave it) as the exported script does;
    returns its norm before and after, for the Gradient flow page."""
    if max_norm > 0:
        before = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_norm).item()
    else:
        before = torch.nn.utils.get_total_norm([p.grad for p in model.parameters() if p.grad is not None]).item()
    if max_norm <= 0 or before <= max_norm:
        return before, before
    after = torch.nn.utils.get_total_norm([p.grad for p in model.parameters() if p.grad is not None]).item()
    return before, after


@dataclass(frozen=True)
class TrainerMark:
    """A run as it was at one epoch (`Trainer.mark`), to go back to (`Trainer.rewind`)."""

    history: list[EpochRecord]
    detailed_epochs: list[int]
    stride: int
    solved_epoch: int | None
    best_epoch: int | None
    best_test_loss: float
    model: dict[str, torch.Tensor]
    optimizer: dict


class Trainer:
    """Owns a model, its optimizer and the history of one run."""

    def __init__(self, config: RunConfig, limits: Limits = LIMITS, stop_when_solved: bool = False):
        self.config = config
        # Not part of the config: where a run stops changes none of its numbers, only how many there are.
        self.stop_when_solved = stop_when_solved
        self.limits = limits
        self._prepare()
        self.optimizer = build_optimizer(config, self.model)
        self.history: list[EpochRecord] = []
        self.detailed_epochs: list[int] = []  # epochs whose probabilities and weights are kept
        self.max_detailed_epochs = self._detail_budget()
        self._stride = 1  # spacing of the kept epochs once a run outgrows its budget
        self.solved_epoch: int | None = None
        # Early stopping (`RunConfig.patience`): the epoch of the lowest test loss so far, and that loss.
        self.best_epoch: int | None = None
        self.best_test_loss = math.inf
        self.train_seconds = 0.0  # CPU seconds of the training thread (see `playground.run.budget`)
        # The latest `INTERNALS_KEPT` epochs' internals, oldest first. A plain dict, not an lru_cache of a bound
        # method: that would be a reference cycle, and a dropped run's tensors would wait for the collector.
        self.internals_kept: dict[int, Internals] = {}

    def _prepare(self) -> None:
        """The checked data, the shown pairs, the held-out pairs and the seeded model."""
        config, limits = self.config, self.limits
        # Every training pair; in mini-batches the views see only the first `SHOWN_PAIRS` of them (`dataset`).
        self.training_set = check_config(config, limits)
        self.minibatches = in_minibatches(config, self.training_set.batch_size)
        shown = (
            select_pairs(self.training_set, shown_rows(self.training_set.batch_size))
            if self.minibatches
            else self.training_set
        )
        self.dataset = shown  # what every view draws: predictions, probabilities, internals
        # Held-out pairs, in the training strings' vocabulary; None when the config has none.
        self.test_dataset = build_test_dataset(config, self.dataset.vocab, limits)
        self.model = build_model(config, len(self.dataset.vocab))
        self._inputs = self.dataset.source_indices
        # Only a batch of pairs of different lengths is packed (see `model`): one length stays the lessons' path.
        self._lengths = torch.tensor(self.dataset.lengths) if self.dataset.padded else None
        test = self.test_dataset
        self._test_lengths = torch.tensor(test.lengths) if test is not None and test.padded else None

    @property
    def epoch(self) -> int:
        """Number of epochs trained so far."""
        return len(self.history)

    @property
    def epochs(self) -> int:
        """Epochs the run is set to train."""
        return self.config.epochs

    @property
    def stopped_early(self) -> bool:
        """Early stopping ended the run: it has held-out pairs, ``patience`` > 0, and the test loss
        has not improved for ``patience`` epochs (since `best_epoch`, or since the start if no
        epoch had a finite test loss)."""
        patience = self.config.patience
        return (
            self.test_dataset is not None
            and patience > 0
            and self.epoch < self.config.epochs
            and self.epoch - (self.best_epoch or 0) >= patience
        )

    def early_stop_sentence(self) -> str:
        """What ended a run that `stopped_early`, for the CLI and the Train page."""
        best = (
            "no epoch had a finite test loss"
            if self.best_epoch is None
            else (f"the best was epoch {self.best_epoch} (test loss {self.best_test_loss:.4f})")
        )
        return (
            f"Stopped early at epoch {self.epoch}: the test loss has not improved for "
            f"{self.config.patience} epoch{'s' * (self.config.patience != 1)}; {best}."
        )

    @property
    def done(self) -> bool:
        """All epochs trained, solved when the run is set to stop there, or stopped early."""
        return (
            self.epoch >= self.config.epochs
            or (self.stop_when_solved and self.solved_epoch is not None)
            or self.stopped_early
        )

    def can_continue_with(self, config: RunConfig) -> bool:
        """Whether ``config`` describes this very run, only longer or shorter (not below what is trained).

        Only the number of epochs qualifies: every other setting changes the data, the model,
        its initial weights or the updates, so the epochs trained so far would not be the
        ones ``config`` gives. Training is deterministic, so the continued run's numbers are
        exactly those of a fresh run of ``config``.
        """
        return config.with_changes(epochs=self.config.epochs) == self.config and config.epochs >= self.epoch

    def continue_with(self, config: RunConfig) -> None:
        """Carry on under ``config`` (see `can_continue_with`); the history is kept."""
        if not self.can_continue_with(config):
            raise PlaygroundError("Only the number of epochs can change without starting a new run.")
        self.config = config

    def mark(self) -> TrainerMark:
        """Everything `rewind` needs to bring the run back to this epoch, bit for bit."""
        return TrainerMark(
            history=list(self.history),  # thinning replaces records: the list's copy keeps these ones
            detailed_epochs=list(self.detailed_epochs),
            stride=self._stride,
            solved_epoch=self.solved_epoch,
            best_epoch=self.best_epoch,
            best_test_loss=self.best_test_loss,
            model=copy.deepcopy(self.model.state_dict()),
            optimizer=copy.deepcopy(self.optimizer.state_dict()),
        )

    def rewind(self, mark: TrainerMark) -> None:
        """Forget the epochs trained since ``mark``: training on gives the very same numbers
        again (tests/test_trainer_rewind.py). The CPU seconds they took stay spent."""
        self.model.load_state_dict(mark.model)
        self.optimizer.load_state_dict(mark.optimizer)
        self.history, self.detailed_epochs = list(mark.history), list(mark.detailed_epochs)  # the mark stays as it was
        self._stride, self.solved_epoch = mark.stride, mark.solved_epoch
        self.best_epoch, self.best_test_loss = mark.best_epoch, mark.best_test_loss
        self.internals_kept.clear()

    def train_epoch(self) -> EpochRecord:
        """One forward/backward/update, as in the lessons; raises `TrainingDiverged` on NaN."""
        if self.done:
            if self.stopped_early:
                raise PlaygroundError(f"{self.early_stop_sentence()} Set patience to 0 to train on.")
            if self.epoch < self.config.epochs:
                raise PlaygroundError(
                    f"Solved at epoch {self.solved_epoch}; turn off stopping when solved to train on."
                )
            raise PlaygroundError(f"All {self.config.epochs} epochs are trained; reset to start again.")
        if self.train_seconds >= self.limits.max_train_seconds:
            raise PlaygroundError(
                f"Training stopped after {self.epoch} epochs: this run used its "
                f"{self.limits.max_train_seconds:g} s of training time (a cap set by the host)."
            )
        started = time.thread_time()
        record = self._train_one_epoch()
        self.history.append(record)
        self.detailed_epochs.append(record.epoch)
        if self.solved_epoch is None and record.solved(self.dataset.targets):
            self.solved_epoch = record.epoch
        if record.test_loss < self.best_test_loss:  # a NaN test loss is never an improvement
            self.best_epoch, self.best_test_loss = record.epoch, record.test_loss
        if len(self.detailed_epochs) > self.max_detailed_epochs or self._stride > 1:
            self._thin_history()
        self.train_seconds += time.thread_time() - started
        return record

    def _train_one_epoch(self) -> EpochRecord:
        return self._minibatch_epoch() if self.minibatches else self._one_batch_epoch()

    def _one_batch_epoch(self) -> EpochRecord:
        """Every pair in one forward/backward/update, as the lessons do; the record holds that forward
        pass's results and the weights it used."""
        with ONE_THREAD_ARITHMETIC:
            logits = self.model(self._inputs, self._lengths)
            self.optimizer.zero_grad()
            loss = sequence_loss(logits, self.dataset.target_indices, self.config.loss_reduction)
            loss_value = loss.item()
            if not math.isfinite(loss_value):
                raise TrainingDiverged(self.epoch + 1, loss_value)
            loss.backward()
            grad_norm, clipped_grad_norm = clip_gradients(self.model, self.config.clip_grad_norm)
            snapshot = {name: p.detach().clone() for name, p in self.model.named_parameters()}
            self.optimizer.step()
            with torch.no_grad():
                probabilities = torch.softmax(logits.detach(), dim=-1)
                held_out = self._held_out_measures()
        return self._record([loss_value], (grad_norm, clipped_grad_norm), probabilities, snapshot, held_out)

    def _minibatch_epoch(self) -> EpochRecord:
        """One step per batch of `RunConfig.batch_size` pairs in this epoch's order (`epoch_order`), each
        batch cut to its own longest pair; then the shown pairs in one no-grad pass with the new weights.
        A loss that is not finite stops the epoch at its batch (the steps before it are taken)."""
        data, losses, norms = self.training_set, [], []
        with ONE_THREAD_ARITHMETIC:
            for rows in batch_rows(epoch_order(self.config, data.batch_size, self.epoch), self.config.batch_size):
                inputs, targets, lengths = batch_of(data, rows)
                logits = self.model(inputs, lengths)
                self.optimizer.zero_grad()
                loss = sequence_loss(logits, targets, self.config.loss_reduction)
                losses.append(loss.item())
                if not math.isfinite(losses[-1]):
                    raise TrainingDiverged(self.epoch + 1, losses[-1])
                loss.backward()
                norms.append(clip_gradients(self.model, self.config.clip_grad_norm))
                self.optimizer.step()
            with torch.no_grad():
                probabilities = torch.softmax(self.model(self._inputs, self._lengths), dim=-1)
                held_out = self._held_out_measures()
            snapshot = {name: p.detach().clone() for name, p in self.model.named_parameters()}
        return self._record(losses, max(norms), probabilities, snapshot, held_out)

    def _record(
        self,
        losses: list[float],
        norms: tuple[float, float],
        probabilities: torch.Tensor,
        snapshot: dict[str, torch.Tensor],
        held_out: dict,
    ) -> EpochRecord:
        """The epoch's record: ``probabilities`` are the shown pairs'; the loss is the mean of the steps'."""
        predicted = probabilities.argmax(dim=-1)
        train_accuracy, train_string_accuracy = accuracies(predicted, self.dataset)
        return EpochRecord(
            epoch=self.epoch + 1,
            loss=losses[0] if len(losses) == 1 else math.fsum(losses) / len(losses),
            predictions=predicted_strings(self.dataset, predicted.tolist()),
            probabilities=probabilities,
            parameters=snapshot,
            grad_norm=norms[0],
            clipped_grad_norm=norms[1],
            train_accuracy=train_accuracy,
            train_string_accuracy=train_string_accuracy,
            batch_losses=tuple(losses),
            **held_out,
        )

    def _held_out_measures(self) -> dict:
        """The held-out pairs' `EpochRecord` fields, measured after the step (called under no_grad): nothing
        here touches the gradients, the optimizer or a random generator, so training runs exactly as
        without held-out pairs."""
        return {} if self.test_dataset is None else self._measure(self.test_dataset, self._test_lengths)

    def _measure(self, dataset: Dataset, lengths: torch.Tensor | None) -> dict:
        """One batched forward pass of ``dataset`` through the model as it is now: the loss (training's
        function and reduction), the accuracies and the predicted strings, as `EpochRecord`'s test fields."""
        logits = self.model(dataset.source_indices, lengths)
        loss = sequence_loss(logits, dataset.target_indices, self.config.loss_reduction).item()
        predicted = logits.argmax(dim=-1)  # the most probable character: softmax keeps the order
        per_character, whole_strings = accuracies(predicted, dataset)
        return dict(
            test_loss=loss,
            test_accuracy=per_character,
            test_string_accuracy=whole_strings,
            test_predictions=predicted_strings(dataset, predicted.tolist()),
        )

    def measure(self, dataset: Dataset) -> dict:
        """Pairs encoded in this run's vocabulary (`playground.nn.data.build_test_dataset`) measured with
        the current weights, as the held-out pairs are after each epoch: a challenge grades on pairs
        drawn at grading time with it. Keys are `EpochRecord`'s test fields."""
        lengths = torch.tensor(dataset.lengths) if dataset.padded else None
        with ONE_THREAD_ARITHMETIC, torch.no_grad():
            return self._measure(dataset, lengths)

    def train(self, max_epochs: int | None = None) -> list[EpochRecord]:
        """Train up to ``max_epochs`` more epochs (None: to the end); returns their records.
        Training within CPU seconds is `playground.run.budget.train_within`'s."""
        remaining = self.config.epochs - self.epoch if max_epochs is None else max_epochs
        records = []
        while remaining > 0 and not self.done:
            records.append(self.train_epoch())
            remaining -= 1
        return records

    def detail_bytes(self) -> int:
        """Bytes of one detailed epoch: its weight snapshot and its probabilities (float32)."""
        weights = sum(p.numel() for p in self.model.parameters())
        probabilities = self.dataset.batch_size * self.dataset.seq_len * len(self.dataset.vocab)
        return 4 * (weights + probabilities)

    def _detail_budget(self) -> int:
        """How many epochs' weights and probabilities fit in the per-run memory cap."""
        fitting = int(self.limits.max_history_megabytes * 2**20 // self.detail_bytes())
        return max(4, min(self.limits.max_recorded_epochs, fitting))

    def _thin_history(self) -> None:
        """Keep detail only on a grid of every `stride`-th epoch, plus the first, solved, best and latest.

        Called after each new epoch: the previous latest epoch loses its detail unless it is
        on the grid, and when the grid itself outgrows the cap its stride doubles, so the
        kept epochs stay evenly spread over the whole run.
        """
        protected = {1, self.solved_epoch, self.best_epoch, self.epoch}
        while True:
            dropped = [e for e in self.detailed_epochs if e % self._stride and e not in protected]
            if len(self.detailed_epochs) - len(dropped) <= self.max_detailed_epochs:
                break
            self._stride *= 2
        for epoch in dropped:
            self.history[epoch - 1] = replace(
                self.history[epoch - 1], probabilities=None, parameters=None, attention=None
            )
        self.detailed_epochs = [e for e in self.detailed_epochs if e not in dropped]
        self.internals_kept.clear()

    def nearest_detailed_epoch(self, epoch: int) -> int:
        """The kept epoch closest to ``epoch`` (for a scrubber over a thinned long run)."""
        return min(self.detailed_epochs, key=lambda kept: (abs(kept - epoch), -kept))

    def encoding_matrix(self, epoch: int) -> torch.Tensor | None:
        """(vocab, features): each character's input vector at ``epoch``, or None for one-hot.

        An Embedding stores it as rows; ``Linear(vocab, dim)`` stores it as the columns of
        its (dim, vocab) weight, because one-hot @ W.T picks out column ``index``.
        """
        weight = self._detailed_record(epoch).parameters.get("encoder.weight")
        if weight is None:
            return None
        return weight if self.config.encoding == "embedding" else weight.T

    def internals(self, epoch: int) -> Internals:
        """Hidden/cell states, gates and gradients of epoch ``epoch`` (1-based), cached."""
        self._detailed_record(epoch)
        internals = self.internals_kept.pop(epoch, None) or self._compute_internals(epoch)
        self.internals_kept[epoch] = internals  # the most recently used last
        if len(self.internals_kept) > INTERNALS_KEPT:
            del self.internals_kept[next(iter(self.internals_kept))]
        return internals

    def _detailed_record(self, epoch: int) -> EpochRecord:
        if not 1 <= epoch <= self.epoch:
            raise PlaygroundError(f"Epoch {epoch} has not been trained yet (trained: {self.epoch}).")
        record = self.history[epoch - 1]
        if not record.detailed:
            raise PlaygroundError(
                f"Epoch {epoch}'s weights were not kept (long runs keep every few epochs to save "
                f"memory); the nearest kept epoch is {self.nearest_detailed_epoch(epoch)}."
            )
        return record

    def _compute_internals(self, epoch: int) -> Internals:
        return unrolled_pass(self.config, self._detailed_record(epoch).parameters, self.dataset)
