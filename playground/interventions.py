"""What if? Re-run a recorded network with one thing changed and keep both runs.

A learner finds out that h_t carries the past forward by poking it: change one input
character, hold one hidden unit at a value, force an LSTM's forget gate shut. The network is
re-run from an epoch's weight snapshot (as `unroll` does), once as recorded and once with
the change, through the same code: the cell registry's `Cell.step`, whose ``edit`` hook
lets a clamp replace a gate, c or h the moment the step computes it, so everything after it
in the step, the later steps and the layers above see the clamped value.

Forward only (no gradients), so the same loop also scores every hidden unit at once for
"the units that matter" (`unit_importance`): each unit zeroed in its own copy of the batch.
Tests check both against hand-written loops over `nn.RNNCell` / `nn.LSTMCell` / `nn.GRUCell`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from . import limits as _limits
from .cells import CELLS, Edit, unchanged
from .config import RunConfig
from .data import Dataset
from .errors import PlaygroundError
from .limits import Limits
from .model import encode_indices, sequence_loss
from .trainer import Trainer, predicted_strings
from .unroll import hold, layer_weights, running_mask, zero_padding

Parameters = dict[str, torch.Tensor]
# (layer, direction, step) -> the edit of that step: how the forward pass asks what to change.
EditAt = Callable[[int, int, int], Edit]

WIDE_PASS_FLOATS = 2**22  # a unit-importance pass's layer output: 16 MB of float32


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
    """One forward pass. Per-step tensors are (layers, directions, batch, seq, hidden), as in `unroll.Internals`."""

    source_chars: tuple[tuple[str, ...], ...]  # what each string fed in, position by position, up to its length
    hidden: torch.Tensor  # zeros on a shorter pair's padding, as in `unroll.Internals`
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

    def changed_steps(self, atol: float = 0.0) -> torch.Tensor:
        """(layers, directions, batch, seq) bool: where any unit of h differs by more than ``atol``."""
        return ((self.changed.hidden - self.original.hidden).abs() > atol).any(dim=-1)

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
                f"{change.char!r} is not in the vocabulary {''.join(dataset.vocab.chars)!r}: the network "
                "has no input vector for it."
            )
    targets = ("h", "c", *cell.gate_names) if cell.has_cell_state else ("h", *cell.gate_names)
    for clamp in intervention.clamps:
        if clamp.target not in targets:
            raise PlaygroundError(f"A {cell.label} core has no {clamp.target!r} to clamp; it has {', '.join(targets)}.")
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
    original = forward(config, params, dataset, dataset.source_indices, _no_edit)
    if intervention.empty:
        return WhatIf(original, original)
    indices = dataset.source_indices.clone()
    change = intervention.input_change
    if change is not None:
        indices[change.item, change.step] = dataset.vocab.index(change.char)
    changed = forward(config, params, dataset, indices, _clamping(intervention.clamps))
    return WhatIf(original, changed)


def _no_edit(layer: int, direction: int, step: int) -> Edit:
    return unchanged


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


def forward(config: RunConfig, params: Parameters, dataset: Dataset, indices: torch.Tensor, edit_at: EditAt) -> Run:
    """The hand-unrolled network on ``indices`` (batch, seq), each step edited by ``edit_at``, every state kept."""
    cell = CELLS[config.cell]
    states: list[Steps] = []
    real = running_mask(dataset)
    x = encode_indices(config.encoding, indices, len(dataset.vocab), params.get("encoder.weight"))
    logits = _pass(config, params, x, edit_at, real, states.append)
    probabilities = torch.softmax(logits, dim=-1)
    vocab = dataset.vocab

    def grid(pick: Callable[[Steps], torch.Tensor]) -> torch.Tensor:
        per_direction = [pick(steps) for steps in states]  # layer-major, then direction
        return torch.stack(per_direction).view(config.layers, config.num_directions, *per_direction[0].shape)

    return Run(
        source_chars=tuple(
            tuple(vocab.chars[i] for i in row[:length]) for row, length in zip(indices.tolist(), dataset.lengths)
        ),
        hidden=zero_padding(grid(lambda steps: steps.hidden), real),
        cell=zero_padding(grid(lambda steps: steps.cell), real) if cell.has_cell_state else None,
        gates={name: grid(lambda steps, name=name: steps.gates[name]) for name in cell.gate_names},
        logits=logits,
        probabilities=probabilities,
        predictions=predicted_strings(dataset, probabilities.argmax(dim=-1).tolist()),
        loss=sequence_loss(logits, dataset.target_indices, config.loss_reduction).item(),
    )


@dataclass(frozen=True)
class Steps:
    """One layer and direction's states over the sequence, each (batch, seq, hidden)."""

    hidden: torch.Tensor
    cell: torch.Tensor | None
    gates: dict[str, torch.Tensor]


@torch.no_grad()
def _pass(
    config: RunConfig,
    params: Parameters,
    x: torch.Tensor,
    edit_at: EditAt,
    real: torch.Tensor | None,
    keep: Callable[[Steps], None] | None = None,
    first_layer: int = 0,
) -> torch.Tensor:
    """The logits (batch, seq, vocab) from ``x``, what layer ``first_layer`` receives;
    ``keep`` receives every layer and direction's `Steps` in turn.

    The same loop as `unroll.unrolled_pass`, without the backward pass: layer by layer,
    direction by direction (the backward direction from the last position), h_0 and c_0 zeros;
    ``real`` (batch, seq), given for pairs of different lengths, holds each pair's state off its padding.
    Without ``keep`` only the layer below's h is held, so a wide pass stays within memory.
    """
    cell = CELLS[config.cell]
    batch, seq = x.shape[:2]
    for layer in range(first_layer, config.layers):
        outputs = []
        for direction in range(config.num_directions):
            weights = layer_weights(config, params, layer, direction)
            h = x.new_zeros(batch, config.hidden_size)
            c = x.new_zeros(batch, config.hidden_size) if cell.has_cell_state else None
            hs: list[torch.Tensor] = [None] * seq  # type: ignore[list-item]
            cs: list[torch.Tensor] = [None] * seq  # type: ignore[list-item]
            gs: dict[str, list[torch.Tensor]] = {name: [None] * seq for name in cell.gate_names}  # type: ignore[misc]
            for step in range(seq - 1, -1, -1) if direction else range(seq):
                result = cell.step(weights, x[:, step], h, c, config.nonlinearity, edit_at(layer, direction, step))
                running = None if real is None else real[:, step : step + 1]
                h, c = hold(running, result.h, h), hold(running, result.c, c)
                hs[step] = h
                if keep is not None:
                    cs[step] = c
                    for name, value in result.gates.items():
                        gs[name][step] = value
            outputs.append(zero_padding(torch.stack(hs, dim=1), real))
            if keep is not None:
                keep(
                    Steps(
                        hidden=outputs[-1],
                        cell=torch.stack(cs, dim=1) if cell.has_cell_state else None,
                        gates={name: torch.stack(values, dim=1) for name, values in gs.items()},
                    )
                )
        x = torch.cat(outputs, dim=-1)
    return F.linear(x, params["head.weight"], params["head.bias"]) if config.head == "linear" else x


@dataclass(frozen=True)
class UnitImportance:
    """What zeroing each hidden unit of one layer and direction (h, at every step, one unit at a
    time) does to the run. Arrays have one entry per unit."""

    layer: int
    direction: int
    loss: torch.Tensor  # the loss with that unit zeroed
    changed_chars: torch.Tensor  # predicted characters (over every string) that differ from the original's
    correct_chars: torch.Tensor  # predicted characters that equal the target
    original_loss: float
    original_correct: int
    total_chars: int

    @property
    def loss_change(self) -> torch.Tensor:
        """How much the network relies on each unit: the loss without it, minus the loss with it."""
        return self.loss - self.original_loss


def pass_cost(config: RunConfig, rows: int, seq: int, first_layer: int = 0) -> int:
    """Multiply-adds of the recurrence in one pass of ``rows`` strings from ``first_layer`` up (the
    W_hh products, one per gate: what grows with the hidden size squared and dominates big networks)."""
    matrices = max(1, len(CELLS[config.cell].gate_names))
    layers = config.layers - first_layer
    return rows * seq * layers * config.num_directions * matrices * config.hidden_size**2


def unit_importance(
    config: RunConfig,
    params: Parameters,
    dataset: Dataset,
    layer: int = 0,
    direction: int = 0,
    limits: Limits | None = None,
) -> UnitImportance:
    """Zero every unit of one layer and direction in turn and measure the loss and the prediction.

    The batch is repeated once per unit and copy k has unit k zeroed at every step, so the units
    cost a few wide passes, not one pass per unit; the copies go in groups that keep a pass's
    layer output within `WIDE_PASS_FLOATS`, so the largest allowed network fits too. The layers
    below are not affected by the zeroing and are not re-run: the wide passes start at ``layer``.
    """
    check_intervention(config, dataset, Intervention(clamps=(Clamp("h", layer, direction, 0, 0.0),)))
    limits = limits or _limits.LIMITS  # read when called: a host (or a test) may swap the caps
    cost = pass_cost(config, config.hidden_size * dataset.batch_size, dataset.seq_len, layer)
    if cost > limits.max_what_if_multiply_adds:
        raise PlaygroundError(
            f"Scoring all {config.hidden_size} units of layer {layer} re-runs the network "
            f"{config.hidden_size} times: about {cost:.1e} multiply-adds, more than this server allows "
            f"for one view ({limits.max_what_if_multiply_adds:.1e}). Pick a higher layer, fewer strings "
            "or a smaller network; clamping one unit above works at any size."
        )
    original = forward(config, params, dataset, dataset.source_indices, _no_edit)
    original_predicted = original.probabilities.argmax(dim=-1)
    targets = dataset.target_indices
    real = running_mask(dataset)
    counted = dataset.real  # characters on the padding are not predictions
    units, batch, seq = config.hidden_size, dataset.batch_size, dataset.seq_len
    if layer:
        below = original.hidden[layer - 1]  # (directions, batch, seq, hidden)
        x = torch.cat(list(below), dim=-1)
    else:
        x = encode_indices(config.encoding, dataset.source_indices, len(dataset.vocab), params.get("encoder.weight"))
    group = max(1, WIDE_PASS_FLOATS // (batch * seq * units * config.num_directions))
    loss = torch.zeros(units)
    changed = torch.zeros(units, dtype=torch.long)
    correct = torch.zeros(units, dtype=torch.long)
    for first in range(0, units, group):
        chosen = torch.arange(first, min(first + group, units))
        copies = x.repeat(len(chosen), 1, 1)  # row k * batch + b: string b with unit chosen[k] zeroed
        zeroed = torch.zeros(len(copies), units, dtype=torch.bool)
        zeroed[torch.arange(len(copies)), chosen.repeat_interleave(batch)] = True
        copies_real = None if real is None else real.repeat(len(chosen), 1)
        logits = _pass(config, params, copies, _zeroing(zeroed, layer, direction), copies_real, first_layer=layer)
        logits = logits.view(len(chosen), batch, seq, -1)
        predicted = torch.softmax(logits, dim=-1).argmax(dim=-1)  # as the trainer predicts
        for k, unit in enumerate(chosen.tolist()):
            loss[unit] = sequence_loss(logits[k], targets, config.loss_reduction).item()
        changed[chosen] = ((predicted != original_predicted) & counted).flatten(1).sum(dim=1)
        correct[chosen] = (predicted == targets).flatten(1).sum(dim=1)  # padded targets equal no character
    return UnitImportance(
        layer=layer,
        direction=direction,
        loss=loss,
        changed_chars=changed,
        correct_chars=correct,
        original_loss=original.loss,
        original_correct=int((original_predicted == targets).sum()),
        total_chars=sum(dataset.lengths),
    )


def _zeroing(mask: torch.Tensor, layer: int, direction: int) -> EditAt:
    def edit(name: str, value: torch.Tensor) -> torch.Tensor:
        return value.masked_fill(mask, 0.0) if name == "h" else value

    def edit_at(at_layer: int, at_direction: int, step: int) -> Edit:
        return edit if (at_layer, at_direction) == (layer, direction) else unchanged

    return edit_at
