"""The recurrence written out by hand, step by step, from a model's weights.

Fused modules (`nn.RNN`, `nn.LSTM`, `nn.GRU`) return only the last layer's outputs and hide
their gates. To show every layer, direction, gate and cell state, and the gradient of the
loss with respect to each hidden state *through the recurrence* (h_t feeds h_{t+1}, so
dL/dh_t includes every later step, which is what makes vanishing gradients visible), the
same equations are re-run here from a parameter snapshot. Tests check that this unrolled
network reproduces the fused modules' outputs to 1e-6.

In a batch of pairs of different lengths each pair runs only up to its own length, as the
model's packed pass does: past its end (and, for a backward direction, before reaching its
last character) its state is held, and its hidden states there are zeros.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch.nn import functional as F

from playground.nn.cells import CELLS, Edit, Weights, unchanged
from playground.nn.data import Dataset
from playground.nn.model import encode_indices, sequence_loss
from playground.run.config import RunConfig

# (layer, direction, step) -> the edit of that step: how What if? asks the loop what to change.
EditAt = Callable[[int, int, int], Edit]


@dataclass(frozen=True)
class Internals:
    """What happened inside the network during one epoch's forward and backward pass.

    Every per-step tensor has shape (layers, directions, batch, seq, hidden); direction 1
    is the backward direction of a bidirectional core, indexed by input position. Positions
    past a shorter pair's length are padding: hidden and cell states are zeros there, and
    gates are whatever the cell computed on the padding (unused; views stop at the length).
    ``grad_norms`` is (layers, directions, seq): ‖∂L/∂h_t‖ over batch and units, each pair
    counted at its real positions only (see `real_grad_norms`).
    """

    inputs: torch.Tensor  # (batch, seq, features) what the core received
    hidden: torch.Tensor
    cell: torch.Tensor | None  # LSTM only
    gates: dict[str, torch.Tensor] = field(default_factory=dict)
    grad_norms: torch.Tensor | None = None
    logits: torch.Tensor | None = None  # (batch, seq, vocab)
    loss: float = float("nan")


def layer_weights(config: RunConfig, params: dict[str, torch.Tensor], layer: int, direction: int) -> Weights:
    """(W_ih, W_hh, b_ih, b_hh) of one layer and direction, whatever module holds them."""
    names = CELLS[config.cell].weight_names(layer, direction)
    return tuple(params[f"core.{name}"] for name in names)


def running_mask(dataset: Dataset) -> torch.Tensor | None:
    """(batch, seq) bool, True where a pair has a character; None when all pairs have the seq's length."""
    return dataset.real if dataset.padded else None


def hold(running: torch.Tensor | None, new: torch.Tensor | None, old: torch.Tensor | None) -> torch.Tensor | None:
    """A state after one step: ``new`` for the pairs still running (``running``, (batch, 1)), ``old`` past their end."""
    if running is None or new is None:
        return new
    return torch.where(running, new, old)


def zero_padding(states: torch.Tensor, real: torch.Tensor | None) -> torch.Tensor:
    """(..., batch, seq, hidden) states with zeros at padded positions, as ``pad_packed_sequence`` leaves them."""
    return states if real is None else states * real.unsqueeze(-1)


def real_grad_norms(hidden: list[torch.Tensor], real: torch.Tensor | None) -> list[torch.Tensor]:
    """‖∂L/∂h_t‖ over batch and units at each position, counting each pair at its real positions only.

    On its padding a pair's h is held, not computed, so autograd gives it a gradient there all the
    same: in a backward direction, before the pair's last character, the held h is h_0 and its
    gradient is the pair's ∂L/∂h_0. The padding's hidden states are zeros, and so is their gradient here.
    """
    if real is None:
        return [h.grad.norm() for h in hidden]
    return [(h.grad * real[:, step : step + 1]).norm() for step, h in enumerate(hidden)]


def encode_inputs(config: RunConfig, params: dict[str, torch.Tensor], dataset: Dataset) -> torch.Tensor:
    """What the core received, from a parameter snapshot: exactly the model's own encoding."""
    return encode_indices(config.encoding, dataset.source_indices, len(dataset.vocab), params.get("encoder.weight"))


@dataclass(frozen=True)
class Recurrence:
    """One layer and direction's states as the loop computed them, one tensor (batch, hidden) per
    position (a backward direction fills them from the last position)."""

    layer: int
    direction: int
    hidden: list[torch.Tensor]
    cell: list[torch.Tensor] | None  # LSTM only
    gates: dict[str, list[torch.Tensor]]


def recur(
    config: RunConfig,
    params: dict[str, torch.Tensor],
    x: torch.Tensor,
    real: torch.Tensor | None,
    *,
    edit_at: EditAt | None = None,
    keep: Callable[[Recurrence], None] | None = None,
    first_layer: int = 0,
    retain_grad: bool = False,
) -> torch.Tensor:
    """The logits (batch, seq, vocab) from ``x``, what layer ``first_layer`` receives: the one loop
    over layers, directions and steps that the internals (`unrolled_pass`) and What if?
    (`playground.probes.interventions`) both run, so what they show is the same computation.

    Layer by layer, direction by direction (the backward direction from the last position),
    h_0 and c_0 zeros. ``real`` (batch, seq), given for pairs of different lengths, holds each
    pair's state off its padding. ``edit_at(layer, direction, step)`` gives the step's `Edit`
    (What if?'s clamps); ``keep`` receives every layer and direction's `Recurrence` in turn
    (without it only the layer below's h is held, so a wide pass stays within memory);
    ``retain_grad`` keeps each h's gradient, for ‖∂L/∂h_t‖.
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
                edit = unchanged if edit_at is None else edit_at(layer, direction, step)
                result = cell.step(weights, x[:, step], h, c, config.nonlinearity, edit)
                running = None if real is None else real[:, step : step + 1]
                h, c = hold(running, result.h, h), hold(running, result.c, c)
                if retain_grad:
                    h.retain_grad()
                hs[step] = h
                if keep is not None:
                    cs[step] = c
                    for name, value in result.gates.items():
                        gs[name][step] = value
            outputs.append(zero_padding(torch.stack(hs, dim=1), real))
            if keep is not None:
                keep(Recurrence(layer, direction, hs, cs if cell.has_cell_state else None, gs))
        x = torch.cat(outputs, dim=-1)
    return F.linear(x, params["head.weight"], params["head.bias"]) if config.head == "linear" else x


def per_direction(
    config: RunConfig, kept: list[Recurrence], pick: Callable[[Recurrence], list[torch.Tensor]]
) -> torch.Tensor:
    """One kind of state of every kept layer and direction: (layers, directions, batch, seq, hidden)."""
    stacked = torch.stack([torch.stack(pick(recurrence), dim=1) for recurrence in kept])
    return stacked.view(config.layers, config.num_directions, *stacked.shape[1:])


def unrolled_pass(config: RunConfig, params: dict[str, torch.Tensor], dataset: Dataset) -> Internals:
    """Forward and backward through the hand-unrolled network with the given weights."""
    params = {name: value.detach().clone().requires_grad_(True) for name, value in params.items()}
    inputs = encode_inputs(config, params, dataset)
    real = running_mask(dataset)
    kept: list[Recurrence] = []
    logits = recur(config, params, inputs, real, keep=kept.append, retain_grad=True)
    loss = sequence_loss(logits, dataset.target_indices, config.loss_reduction)
    loss.backward()
    grad_norms = torch.stack([torch.stack(real_grad_norms(r.hidden, real)) for r in kept])
    return Internals(
        inputs=inputs.detach(),
        hidden=zero_padding(per_direction(config, kept, lambda r: r.hidden).detach(), real),
        cell=(
            zero_padding(per_direction(config, kept, lambda r: r.cell).detach(), real)
            if CELLS[config.cell].has_cell_state
            else None
        ),
        gates={
            name: per_direction(config, kept, lambda r, name=name: r.gates[name]).detach()
            for name in CELLS[config.cell].gate_names
        },
        grad_norms=grad_norms.view(config.layers, config.num_directions, -1),
        logits=logits.detach(),
        loss=loss.item(),
    )
