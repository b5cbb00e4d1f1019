"""The recurrence written out by hand, step by step, from a model's weights.

Fused modules (`nn.RNN`, `nn.LSTM`, `nn.GRU`) return only the last layer's outputs and hide
their gates. To show every layer, direction, gate and cell state, and the gradient of the
loss with respect to each hidden state *through the recurrence* (h_t feeds h_{t+1}, so
dL/dh_t includes every later step, which is what makes vanishing gradients visible), the
same equations are re-run here from a parameter snapshot. Tests check that this unrolled
network reproduces the fused modules' outputs to 1e-6.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch.nn import functional as F

from .config import RunConfig
from .data import Dataset
from .model import sequence_loss

GATE_NAMES = {"rnncell": (), "rnn": (), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}


@dataclass(frozen=True)
class Internals:
    """What happened inside the network during one epoch's forward and backward pass.

    Every per-step tensor has shape (layers, directions, batch, seq, hidden); direction 1
    is the backward direction of a bidirectional core, indexed by input position.
    ``grad_norms`` is (layers, directions, seq): ‖∂L/∂h_t‖ over batch and units.
    """

    inputs: torch.Tensor  # (batch, seq, features) what the core received
    hidden: torch.Tensor
    cell: torch.Tensor | None  # LSTM only
    gates: dict[str, torch.Tensor] = field(default_factory=dict)
    grad_norms: torch.Tensor | None = None
    logits: torch.Tensor | None = None  # (batch, seq, vocab)
    loss: float = float("nan")


def layer_weights(
    config: RunConfig, params: dict[str, torch.Tensor], layer: int, direction: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(W_ih, W_hh, b_ih, b_hh) of one layer and direction, whatever module holds them."""
    if config.cell == "rnncell":
        prefix = f"core.{layer}."
        return tuple(params[prefix + name] for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
    suffix = f"_l{layer}" + ("_reverse" if direction else "")
    return tuple(
        params[f"core.{name}{suffix}"] for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    )


def cell_step(
    config: RunConfig,
    weights: tuple[torch.Tensor, ...],
    x: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor | None,
) -> tuple[torch.Tensor, torch.Tensor | None, dict[str, torch.Tensor]]:
    """One time step of the cell's equations, returning (h_t, c_t, gates)."""
    w_ih, w_hh, b_ih, b_hh = weights
    if config.cell in ("rnncell", "rnn"):
        pre = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
        return (torch.tanh(pre) if config.nonlinearity == "tanh" else torch.relu(pre)), None, {}
    if config.cell == "lstm":
        pre = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
        i, f, g, o = pre.chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c_new = f * c + i * g
        return o * torch.tanh(c_new), c_new, {"i": i, "f": f, "g": g, "o": o}
    x_r, x_z, x_n = F.linear(x, w_ih, b_ih).chunk(3, dim=-1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, dim=-1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h, None, {"r": r, "z": z, "n": n}


def encode_inputs(config: RunConfig, params: dict[str, torch.Tensor], dataset: Dataset) -> torch.Tensor:
    if config.encoding == "embedding":
        return F.embedding(dataset.source_indices, params["encoder.weight"])
    if config.encoding == "linear":
        return F.linear(dataset.source_onehot, params["encoder.weight"])
    return dataset.source_onehot


def unrolled_pass(config: RunConfig, params: dict[str, torch.Tensor], dataset: Dataset) -> Internals:
    """Forward and backward through the hand-unrolled network with the given weights."""
    params = {name: value.detach().clone().requires_grad_(True) for name, value in params.items()}
    inputs = encode_inputs(config, params, dataset)
    batch, seq = dataset.batch_size, dataset.seq_len
    gate_names = GATE_NAMES[config.cell]
    hidden_steps: list[list[list[torch.Tensor]]] = []
    cell_steps: list[list[list[torch.Tensor]]] = []
    gate_steps: list[list[dict[str, list[torch.Tensor]]]] = []
    x = inputs
    for layer in range(config.layers):
        layer_outputs, layer_h, layer_c, layer_g = [], [], [], []
        for direction in range(config.num_directions):
            weights = layer_weights(config, params, layer, direction)
            h = x.new_zeros(batch, config.hidden_size)
            c = x.new_zeros(batch, config.hidden_size) if config.cell == "lstm" else None
            hs: list[torch.Tensor] = [None] * seq  # type: ignore[list-item]
            cs: list[torch.Tensor] = [None] * seq  # type: ignore[list-item]
            gs: dict[str, list[torch.Tensor]] = {name: [None] * seq for name in gate_names}  # type: ignore[misc]
            steps = range(seq - 1, -1, -1) if direction else range(seq)
            for step in steps:
                h, c, gates = cell_step(config, weights, x[:, step], h, c)
                h.retain_grad()
                hs[step] = h
                if c is not None:
                    cs[step] = c
                for name, value in gates.items():
                    gs[name][step] = value
            layer_outputs.append(torch.stack(hs, dim=1))
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
        return torch.stack(
            [torch.stack([torch.stack(d, dim=1) for d in layer]) for layer in steps]
        ).detach()

    grad_norms = torch.stack(
        [
            torch.stack([torch.stack([h.grad.norm() for h in d]) for d in layer])
            for layer in hidden_steps
        ]
    )
    gates = {
        name: torch.stack(
            [torch.stack([torch.stack(d[name], dim=1) for d in layer]) for layer in gate_steps]
        ).detach()
        for name in gate_names
    }
    return Internals(
        inputs=inputs.detach(),
        hidden=stack(hidden_steps),
        cell=stack(cell_steps) if config.cell == "lstm" else None,
        gates=gates,
        grad_norms=grad_norms,
        logits=logits.detach(),
        loss=loss.item(),
    )
