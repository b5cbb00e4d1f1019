"""How much memory a run holds, and the most it can come to: pure counting, for the session budgets.

A shared server bounds each session's memory (`Limits.max_session_megabytes`) and its own
(`Limits.max_server_megabytes`); the app books what a session keeps (`ui.core.budgets`) with
these functions. `held_bytes` counts the tensors a run holds now; `booked_bytes` is the most it
can hold before it ends, so a run admitted within a budget never outgrows it while it trains:
its weights, their gradients and optimizer state, a rewind mark, its detailed history (thinned
to `Trainer.max_detailed_epochs`, `playground.run.trainer`), the internals kept for the views, and
a few hundred bytes per epoch of losses and predictions.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import torch

from playground.nn.internals import Internals
from playground.run.checkpoint import Replay
from playground.run.compare import Comparison
from playground.run.trainer import INTERNALS_KEPT, Trainer

MEGABYTE = 2**20
# Copies of the weights a run holds besides its history: the weights, their gradients, the optimizer's
# two moments (Adam; SGD with momentum keeps one) and the three of a rewind mark (`Trainer.mark`).
WEIGHT_COPIES = 7
RECORD_BYTES = 1024  # one epoch's loss, norms and predicted strings, as Python objects
INTERNALS_TENSORS = 8  # hidden and cell states, up to four gates, and room to spare, per step


def tensor_bytes(tensors: Iterable[torch.Tensor]) -> int:
    """Bytes of the distinct storages behind ``tensors`` (views of one storage count once)."""
    storages = {}
    for tensor in tensors:
        storage = tensor.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
    return sum(storages.values())


def _internals_tensors(internals: Internals) -> Iterator[torch.Tensor]:
    yield from (internals.inputs, internals.hidden, *internals.gates.values())
    yield from (t for t in (internals.cell, internals.grad_norms, internals.logits) if t is not None)


def _trainer_tensors(trainer: Trainer) -> Iterator[torch.Tensor]:
    for parameter in trainer.model.parameters():
        yield parameter
        if parameter.grad is not None:
            yield parameter.grad
    for state in trainer.optimizer.state.values():
        yield from (value for value in state.values() if isinstance(value, torch.Tensor))
    for record in trainer.history:
        if record.probabilities is not None:
            yield record.probabilities
        yield from (record.parameters or {}).values()
    for internals in trainer.internals_kept.values():
        yield from _internals_tensors(internals)
    yield from _data_tensors(trainer)


def _data_tensors(trainer: Trainer) -> Iterator[torch.Tensor]:
    """The encoded pairs: the ones the views show and, in mini-batches, every training pair as well."""
    for dataset in {id(data): data for data in (trainer.dataset, trainer.training_set)}.values():
        yield from (dataset.source_indices, dataset.target_indices, dataset.source_onehot)


def trainer_bytes(trainer: Trainer) -> int:
    """Bytes of the tensors ``trainer`` holds now."""
    return tensor_bytes(_trainer_tensors(trainer))


def trainer_booked_bytes(trainer: Trainer) -> int:
    """The most ``trainer`` can hold until its last epoch (see the module's docstring)."""
    dataset = trainer.dataset
    weights = 4 * sum(p.numel() for p in trainer.model.parameters())
    core = trainer.config.layers * (2 if trainer.config.bidirectional else 1) * trainer.config.hidden_size
    per_step = dataset.batch_size * dataset.seq_len
    features = max(len(dataset.vocab), trainer.config.embedding_size)
    internals = 4 * per_step * (features + INTERNALS_TENSORS * core + len(dataset.vocab))
    data = tensor_bytes(_data_tensors(trainer))
    return (
        WEIGHT_COPIES * weights
        + (trainer.max_detailed_epochs + 1) * trainer.detail_bytes()  # one more before each thinning
        + INTERNALS_KEPT * internals
        + trainer.config.epochs * RECORD_BYTES
        + data
    )


def _trainers(value: object) -> list[Trainer]:
    if isinstance(value, Trainer):
        return [value]
    if isinstance(value, Comparison):
        return list(value.trainers.values())
    if isinstance(value, Replay):
        return [value.trainer]
    return []


def held_bytes(value: object) -> int:
    """Bytes ``value`` (anything a session keeps) holds now: a run, a comparison, a replay, a tensor,
    an uploaded file's bytes; 0 for anything else."""
    if isinstance(value, torch.Tensor):
        return tensor_bytes([value])
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, io.BytesIO):
        return value.getbuffer().nbytes
    return sum(trainer_bytes(trainer) for trainer in _trainers(value))


def booked_bytes(value: object) -> int:
    """The most ``value`` can come to while the session keeps it: a run's `trainer_booked_bytes`
    (each contender's, for a comparison), else what it holds now."""
    trainers = _trainers(value)
    if not trainers:
        return held_bytes(value)
    return sum(trainer_booked_bytes(trainer) for trainer in trainers)
