"""What if? Re-run a recorded network with one thing changed and keep both runs.

A learner finds out that h_t carries the past forward by poking it: change one input
character, hold one hidden unit at a value, force an LSTM's forget gate shut. The network is
re-run from an epoch's weight snapshot through `playground.nn.internals.recur`, the loop the internals run
too, once as recorded and once with the change. Each step is the cell registry's
`playground.nn.cells.Cell.step`, whose ``edit`` hook lets a clamp replace a gate, c or h the moment the step
computes it, so everything after it in the step, the later steps and the layers above see the
clamped value.

Forward only (no gradients), so the same loop also scores every hidden unit at once for
"the units that matter" (`playground.probes.unit_importance`). Tests check both against
hand-written loops over `nn.RNNCell` / `nn.LSTMCell` / `nn.GRUCell`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from playground.nn.cells import CELLS, Edit, unchanged
from playground.nn.data import Dataset
from playground.nn.internals import EditAt, Recurrence, per_direction, recur, running_mask, zero_padding
from playground.nn.model import encode_indices, sequence_loss
from playground.nn.text import quoted
from playground.run.config import RunConfig
from playground.run.epoch_record import predicted_strings
from playground.run.errors import PlaygroundError
from playground.run.trainer import Trainer

Parameters = dict[str, torch.Tensor]


@dataclass(frozen=True)
class InputChange:
    """Feed ``char`` instead of the recorded character at position ``step`` of string ``item``."""

    item: int
    step: int
    char: str


@dataclass(frozen=True)
class Clamp:
    """Hold unit ``unit`` of one vector of one layer and direction at ``value``, for every string.

    ``target`` is "h", "c" (LSTM) or a gate name of the cell ("f" at 0 = forget now, at 1 =
    keep). ``step`` None clamps at every step. Steps are input positions, so a backward
    direction's step t is computed after its step t+1.
    """

    target: str
    layer: int
    direction: int
    unit: int
    value: float
    step: int | None = None

    def applies(self, layer: int, direction: int, step: int) -> bool:
        return (layer, direction) == (self.layer, self.direction) and (self.step is None or self.step == step)


@dataclass(frozen=True)
class Intervention:
    """What the learner changes; an empty one changes nothing."""

    input_change: InputChange | None = None
    clamps: tuple[Clamp, ...] = ()

    @property
    def empty(self) -> bool:
        return self.input_change is None and not self.clamps


@dataclass(frozen=True)
class Run:
    """One forward pass. Per-step tensors are (layers, directions, batch, seq, hidden), as in
    `playground.nn.internals.Internals`."""

    source_chars: tuple[tuple[str, ...], ...]  # what each string fed in, position by position, up to its length
    hidden: torch.Tensor  # zeros on a shorter pair's padding, as in `playground.nn.internals.Internals`
    cell: torch.Tensor | None  # LSTM only
    gates: dict[str, torch.Tensor]
    logits: torch.Tensor  # (batch, seq, vocab)
    probabilities: torch.Tensor  # their softmax
    predictions: tuple[str, ...]  # each as long as its pair
    loss: float


@dataclass(frozen=True)
class WhatIf:
    """The recorded run and the changed one, computed the same way from the same weights."""

    original: Run
    changed: Run

    @property
    def loss_change(self) -> float:
        return self.changed.loss - self.original.loss


def check_intervention(config: RunConfig, dataset: Dataset, intervention: Intervention) -> None:
    """Refuse, with a sentence for the learner, anything that does not fit this network and data."""
    cell = CELLS[config.cell]
    change = intervention.input_change
    if change is not None:
        if not 0 <= change.item < dataset.batch_size:
            raise PlaygroundError(f"There is no string {change.item}; the batch has {dataset.batch_size}.")
        _check_step(change.step, dataset)
        length = dataset.lengths[change.item]
        if change.step >= length:
            raise PlaygroundError(
                f"String {change.item} has {length} characters (steps 0 to {length - 1}); there is no "
                f"character at step {change.step} to change."
            )
        if change.char not in dataset.vocab.chars:
            raise PlaygroundError(
                f"{quoted(change.char, 40)} is not in the vocabulary {quoted(''.join(dataset.vocab.chars))}: "
                "the network has no input vector for it."
            )
    targets = ("h", "c", *cell.gate_names) if cell.has_cell_state else ("h", *cell.gate_names)
    for clamp in intervention.clamps:
        if clamp.target not in targets:
            raise PlaygroundError(
                f"A {cell.label} core has no {quoted(clamp.target, 40)} to clamp; it has {', '.join(targets)}."
            )
        if not 0 <= clamp.layer < config.layers:
            raise PlaygroundError(f"There is no layer {clamp.layer}; the network has {config.layers}.")
        if not 0 <= clamp.direction < config.num_directions:
            raise PlaygroundError(f"There is no direction {clamp.direction}; the core has {config.num_directions}.")
        if not 0 <= clamp.unit < config.hidden_size:
            raise PlaygroundError(f"There is no unit {clamp.unit}; the hidden size is {config.hidden_size}.")
        if clamp.step is not None:
            _check_step(clamp.step, dataset)
        if not torch.isfinite(torch.tensor(clamp.value)):
            raise PlaygroundError("A clamped unit needs a finite value.")


def _check_step(step: int, dataset: Dataset) -> None:
    if not 0 <= step < dataset.seq_len:
        raise PlaygroundError(
            f"There is no step {step}; the strings have {dataset.seq_len} characters (0 to {dataset.seq_len - 1})."
        )


def snapshot(trainer: Trainer, epoch: int) -> Parameters:
    """The weights epoch ``epoch`` used, or a clear error when they were not kept."""
    trainer.internals(epoch)  # raises the trainer's own message for an untrained or thinned epoch
    return trainer.history[epoch - 1].parameters


def what_if(config: RunConfig, params: Parameters, dataset: Dataset, intervention: Intervention) -> WhatIf:
    """The recorded run and the run with ``intervention``, side by side."""
    check_intervention(config, dataset, intervention)
    original = forward(config, params, dataset, dataset.source_indices)
    if intervention.empty:
        return WhatIf(original, original)
    indices = dataset.source_indices.clone()
    change = intervention.input_change
    if change is not None:
        indices[change.item, change.step] = dataset.vocab.index(change.char)
    changed = forward(config, params, dataset, indices, _clamping(intervention.clamps))
    return WhatIf(original, changed)


def _clamping(clamps: Sequence[Clamp]) -> EditAt:
    def edit_at(layer: int, direction: int, step: int) -> Edit:
        active = [clamp for clamp in clamps if clamp.applies(layer, direction, step)]
        if not active:
            return unchanged

        def edit(name: str, value: torch.Tensor) -> torch.Tensor:
            mine = [clamp for clamp in active if clamp.target == name]
            if not mine:
                return value
            value = value.clone()
            for clamp in mine:
                value[:, clamp.unit] = clamp.value
            return value

        return edit

    return edit_at


def forward(
    config: RunConfig, params: Parameters, dataset: Dataset, indices: torch.Tensor, edit_at: EditAt | None = None
) -> Run:
    """The hand-unrolled network on ``indices`` (batch, seq), each step edited by ``edit_at``
    (none: as recorded), every state kept."""
    cell = CELLS[config.cell]
    kept: list[Recurrence] = []
    real = running_mask(dataset)
    x = encode_indices(config.encoding, indices, len(dataset.vocab), params.get("encoder.weight"))
    with torch.no_grad():
        logits = recur(config, params, x, real, edit_at=edit_at, keep=kept.append)
    probabilities = torch.softmax(logits, dim=-1)
    vocab = dataset.vocab
    return Run(
        source_chars=tuple(
            tuple(vocab.chars[i] for i in row[:length]) for row, length in zip(indices.tolist(), dataset.lengths)
        ),
        hidden=zero_padding(per_direction(config, kept, lambda r: r.hidden), real),
        cell=zero_padding(per_direction(config, kept, lambda r: r.cell), real) if cell.has_cell_state else None,
        gates={name: per_direction(config, kept, lambda r, name=name: r.gates[name]) for name in cell.gate_names},
        logits=logits,
        probabilities=probabilities,
        predictions=predicted_strings(dataset, probabilities.argmax(dim=-1).tolist()),
        loss=sequence_loss(logits, dataset.target_indices, config.loss_reduction).item(),
    )


def pass_cost(config: RunConfig, rows: int, seq: int, first_layer: int = 0) -> int:
    """Multiply-adds of the recurrence in one pass of ``rows`` strings from ``first_layer`` up (the
    W_hh products, one per gate: what grows with the hidden size squared and dominates big networks)."""
    matrices = max(1, len(CELLS[config.cell].gate_names))
    layers = config.layers - first_layer
    return rows * seq * layers * config.num_directions * matrices * config.hidden_size**2
