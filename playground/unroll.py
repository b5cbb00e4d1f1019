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

from dataclasses import dataclass, field

import torch
from torch.nn import functional as F

from .cells import CELLS, Weights
from .config import RunConfig
from .data import Dataset
from .model import encode_indices, sequence_loss


@dataclass(frozen=True)
class Internals:
    """What happened inside the network during one epoch's forward and backward pass.

    Every per-step tensor has shape (layers, directions, batch, seq, hidden); direction 1
    is the backward direction of a bidirectional core, indexed by input position. Positions
    past a shorter pair's length are padding: hidden and cell states are zeros there, and
    gates are whatever the cell computed on the padding (unused; views stop at the length).
    ``grad_norms`` is (layers, directions, seq): ‖∂L/∂h_t‖ over batch and units.
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


def encode_inputs(config: RunConfig, params: dict[str, torch.Tensor], dataset: Dataset) -> torch.Tensor:
    """What the core received, from a parameter snapshot: exactly the model's own encoding."""
    return encode_indices(config.encoding, dataset.source_indices, len(dataset.vocab), params.get("encoder.weight"))


def unrolled_pass(config: RunConfig, params: dict[str, torch.Tensor], dataset: Dataset) -> Internals:
    """Forward and backward through the hand-unrolled network with the given weights."""
    params = {name: value.detach().clone().requires_grad_(True) for name, value in params.items()}
    inputs = encode_inputs(config, params, dataset)
    batch, seq = dataset.batch_size, dataset.seq_len
    real = running_mask(dataset)
    cell = CELLS[config.cell]
    gate_names = cell.gate_names
    hidden_steps: list[list[list[torch.Tensor]]] = []
    cell_steps: list[list[list[torch.Tensor]]] = []
    gate_steps: list[list[dict[str, list[torch.Tensor]]]] = []
    x = inputs
    for layer in range(config.layers):
        layer_outputs, layer_h, layer_c, layer_g = [], [], [], []
        for direction in range(config.num_directions):
            weights = layer_weights(config, params, layer, direction)
            h = x.new_zeros(batch, config.hidden_size)
            c = x.new_zeros(batch, config.hidden_size) if cell.has_cell_state else None
            hs: list[torch.Tensor] = [None] * seq  # type: ignore[list-item]
            cs: list[torch.Tensor] = [None] * seq  # type: ignore[list-item]
            gs: dict[str, list[torch.Tensor]] = {name: [None] * seq for name in gate_names}  # type: ignore[misc]
            steps = range(seq - 1, -1, -1) if direction else range(seq)
            for step in steps:
                result = cell.step(weights, x[:, step], h, c, config.nonlinearity)
                running = None if real is None else real[:, step : step + 1]
                h, c = hold(running, result.h, h), hold(running, result.c, c)
                h.retain_grad()
                hs[step] = h
                if c is not None:
                    cs[step] = c
                for name, value in result.gates.items():
                    gs[name][step] = value
            layer_outputs.append(zero_padding(torch.stack(hs, dim=1), real))
            layer_h.append(hs)
            layer_c.append(cs)
            layer_g.append(gs)
        hidden_steps.append(layer_h)
        cell_steps.append(layer_c)
        gate_steps.append(layer_g)
        x = torch.cat(layer_outputs, dim=-1)
    logits = F.linear(x, params["head.weight"], params["head.bias"]) if config.head == "linear" else x
    loss = sequence_loss(logits, dataset.target_indices, config.loss_reduction)
    loss.backward()

    def stack(steps: list[list[list[torch.Tensor]]]) -> torch.Tensor:
        states = torch.stack([torch.stack([torch.stack(d, dim=1) for d in layer]) for layer in steps]).detach()
        return zero_padding(states, real)

    grad_norms = torch.stack(
        [torch.stack([torch.stack([h.grad.norm() for h in d]) for d in layer]) for layer in hidden_steps]
    )
    gates = {
        name: torch.stack([torch.stack([torch.stack(d[name], dim=1) for d in layer]) for layer in gate_steps]).detach()
        for name in gate_names
    }
    return Internals(
        inputs=inputs.detach(),
        hidden=stack(hidden_steps),
        cell=stack(cell_steps) if cell.has_cell_state else None,
        gates=gates,
        grad_norms=grad_norms,
        logits=logits.detach(),
        loss=loss.item(),
    )
