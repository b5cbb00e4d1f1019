"""A cell's equation with the actual numbers, checked against the real PyTorch module.

The Inside-the-cell page picks an epoch, a layer, a direction, a batch item and a time
step, and writes out h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or the LSTM's and
GRU's gate equations) term by term. The reference is not our own arithmetic: each layer
and direction is re-run through a real `nn.RNNCell`, `nn.RNN`, `nn.LSTM` or `nn.GRU`
loaded with that epoch's parameter snapshot, and the page shows the largest difference
between the hand-written equation and what the module returned.

In a batch of pairs of different lengths each pair is run up to its own length, as the model
runs it: the backward direction reads each pair reversed within its length, the fused core is
packed, and states on the padding are zeros (so a backward step's h_{t-1} at a pair's last
character is the zero h_0 it starts from).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from playground.nn.cells import CELLS, Term, Weights
from playground.nn.data import Dataset
from playground.nn.internals import Internals, encode_inputs, layer_weights, zero_padding
from playground.nn.model import run_packed
from playground.nn.rnncell_loop import loop_cells
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError

FLOAT32_EPSILON = torch.finfo(torch.float32).eps


def equations_for(config: RunConfig) -> tuple[str, ...]:
    """The LaTeX equations of the config's cell (RNNCell and RNN share one)."""
    return CELLS[config.cell].equations(config.nonlinearity)


@dataclass(frozen=True)
class ModuleStates:
    """Every layer's and direction's states, as real torch modules computed them.

    ``hidden`` and ``cell`` are (layers, directions, batch, seq, hidden) like the engine's
    `Internals`; ``layer_inputs[l]`` is what layer ``l`` received, (batch, seq, features).
    ``fused_output`` is the whole multi-layer core's output, (batch, seq, directions×hidden).
    """

    hidden: torch.Tensor
    cell: torch.Tensor | None
    layer_inputs: tuple[torch.Tensor, ...]
    fused_output: torch.Tensor

    @property
    def layers_vs_fused(self) -> float:
        """Largest |difference| between the top layer's own modules and the whole core in one call."""
        top = self.hidden[-1].permute(1, 2, 0, 3).reshape(self.fused_output.shape)  # directions side by side
        return (top - self.fused_output).abs().max().item()

    def versus_engine(self, internals: Internals) -> float:
        """Largest |difference| between the engine's unrolled hidden states and these modules' ones."""
        return (internals.hidden - self.hidden).abs().max().item()


def _empty(module: nn.Module) -> nn.Module:
    """Materialise a module built on the meta device (no draw from torch's global RNG)."""
    return module.to_empty(device="cpu")


def _reversed(inputs: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
    """(batch, seq, ...) with each pair's first ``length`` steps in reverse order, its padding left after them.

    Applying it twice gives ``inputs`` back.
    """
    if lengths is None:
        return inputs.flip(1)
    steps = torch.arange(inputs.shape[1])
    order = torch.where(steps < lengths.unsqueeze(1), lengths.unsqueeze(1) - 1 - steps, steps)  # (batch, seq)
    return inputs.gather(1, order.view(*order.shape, 1).expand_as(inputs))


def _single_direction_states(
    config: RunConfig, weights: Weights, inputs: torch.Tensor, backward: bool, lengths: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(batch, seq, hidden) states of one layer and direction from a real torch module."""
    cell = CELLS[config.cell]
    hidden_size = weights[1].shape[1]
    module = _empty(
        cell.core(inputs.shape[-1], hidden_size, batch_first=True, nonlinearity=config.nonlinearity, device="meta")
    )
    module.load_state_dict(dict(zip(cell.weight_names(0, 0), weights)))
    if cell.hand_looped:
        return loop_cells(module, inputs)[0], None
    module.flatten_parameters()
    ordered = _reversed(inputs, lengths) if backward else inputs
    output, _ = module(ordered, cell.initial_state(inputs.new_zeros(1, inputs.shape[0], hidden_size)))
    cells = None
    if cell.has_cell_state:
        # nn.LSTM returns only the last cell state, so c_t is c_n of the first t+1 steps.
        cells = torch.stack([module(ordered[:, : step + 1])[1][1][0] for step in range(inputs.shape[1])], dim=1)
        cells = _reversed(cells, lengths) if backward else cells
    return (_reversed(output, lengths) if backward else output), cells


def _fused_output(
    config: RunConfig, params: dict[str, torch.Tensor], inputs: torch.Tensor, lengths: torch.Tensor | None
) -> torch.Tensor:
    """The complete core (all layers and directions in one module call), batch first."""
    cell = CELLS[config.cell]
    module = _empty(
        cell.core(
            inputs.shape[-1],
            config.hidden_size,
            config.layers,
            config.bidirectional,
            config.batch_first,
            config.nonlinearity,
            device="meta",
        )
    )
    module.load_state_dict({name[len("core.") :]: value for name, value in params.items() if name.startswith("core.")})
    if cell.hand_looped:
        return loop_cells(module, inputs, lengths)[0]
    module.flatten_parameters()
    if lengths is not None:
        h_0 = inputs.new_zeros(config.layers * config.num_directions, inputs.shape[0], config.hidden_size)
        return run_packed(module, inputs, lengths, cell.initial_state(h_0), config.batch_first)[0]
    if config.batch_first:
        return module(inputs)[0]
    return module(inputs.transpose(0, 1))[0].transpose(0, 1)


def module_states(config: RunConfig, params: dict[str, torch.Tensor], dataset: Dataset) -> ModuleStates:
    """Run each layer and direction through its own real torch module with ``params``."""
    lengths = torch.tensor(dataset.lengths) if dataset.padded else None
    real = dataset.real if dataset.padded else None
    with torch.no_grad():
        inputs = encode_inputs(config, params, dataset)
        x = inputs
        hidden, cell, layer_inputs = [], [], []
        for layer in range(config.layers):
            layer_inputs.append(x)
            results = [
                _single_direction_states(config, layer_weights(config, params, layer, d), x, d == 1, lengths)
                for d in range(config.num_directions)
            ]
            hidden.append(torch.stack([h for h, _ in results]))
            if CELLS[config.cell].has_cell_state:
                cell.append(torch.stack([c for _, c in results]))
            x = zero_padding(torch.cat([h for h, _ in results], dim=-1), real)
        return ModuleStates(
            hidden=zero_padding(torch.stack(hidden), real),
            cell=zero_padding(torch.stack(cell), real) if cell else None,
            layer_inputs=tuple(layer_inputs),
            fused_output=_fused_output(config, params, inputs, lengths),
        )


@dataclass(frozen=True)
class StepEquation:
    """The equation of one step, evaluated by hand, next to the module's own result."""

    cell: str
    nonlinearity: str
    x: torch.Tensor  # (features,)
    h_prev: torch.Tensor  # (hidden,)
    c_prev: torch.Tensor | None
    weights: Weights
    terms: tuple[Term, ...]
    h: torch.Tensor
    c: torch.Tensor | None
    module_h: torch.Tensor
    module_c: torch.Tensor | None

    @property
    def max_abs_diff(self) -> float:
        """Largest |equation − module| over h_t (and c_t)."""
        diff = (self.h - self.module_h).abs().max().item()
        if self.c is not None:
            diff = max(diff, (self.c - self.module_c).abs().max().item())
        return diff

    @property
    def tolerance(self) -> float:
        """How far two correct float32 computations of this step may differ.

        Both the module and the equation round every product and sum to float32, in different
        orders, so their results differ by a few roundings of the largest sum involved: of the
        sum of |terms| in a unit's pre-activation (W x, W h and biases), widened by |c_{t-1}|,
        which an LSTM's forget gate multiplies. A 256-unit cell sums 514 terms and legitimately
        differs by several 1e-6; measured differences stay below 0.7 of one such rounding
        (tests/test_equations.py), so four of them leave headroom. A wrong weight or state
        differs by orders of magnitude more.
        """
        w_ih, w_hh, b_ih, b_hh = self.weights
        size = (w_ih.abs() @ self.x.abs() + b_ih.abs() + w_hh.abs() @ self.h_prev.abs() + b_hh.abs()).max().item()
        carried = 1.0 if self.c_prev is None else 1.0 + self.c_prev.abs().max().item()
        return max(1e-6, 4 * FLOAT32_EPSILON * size * carried)

    @property
    def matches(self) -> bool:
        """Whether the equation agrees with the module up to float32 rounding."""
        return self.max_abs_diff <= self.tolerance

    def term(self, label: str) -> Term:
        return next(term for term in self.terms if term.label == label)


def step_equation(
    config: RunConfig,
    params: dict[str, torch.Tensor],
    states: ModuleStates,
    layer: int,
    direction: int,
    item: int,
    step: int,
) -> StepEquation:
    """Evaluate one step by hand, feeding it the module's own previous state."""
    seq = states.hidden.shape[3]
    for value, size, what in (
        (layer, config.layers, "Layer"),
        (direction, config.num_directions, "Direction"),
        (item, states.hidden.shape[2], "Batch item"),
        (step, seq, "Time step"),
    ):
        if not 0 <= value < size:
            raise PlaygroundError(f"{what} must be between 0 and {size - 1}; got {value}.")
    weights = tuple(w.detach() for w in layer_weights(config, params, layer, direction))
    previous = step + 1 if direction else step - 1  # the backward direction walks from the end
    hidden = states.hidden[layer, direction, item]
    zeros = hidden.new_zeros(hidden.shape[-1])
    h_prev = hidden[previous] if 0 <= previous < seq else zeros
    c_prev = None
    if states.cell is not None:
        cells = states.cell[layer, direction, item]
        c_prev = cells[previous] if 0 <= previous < seq else zeros
    x = states.layer_inputs[layer][item, step]
    cell = CELLS[config.cell]
    with torch.no_grad():
        result = cell.step(weights, x, h_prev, c_prev, config.nonlinearity)
        terms = cell.terms(result, weights, x, h_prev, c_prev, config.nonlinearity)
    return StepEquation(
        cell=config.cell,
        nonlinearity=config.nonlinearity,
        x=x,
        h_prev=h_prev,
        c_prev=c_prev,
        weights=weights,
        terms=terms,
        h=result.h,
        c=result.c,
        module_h=hidden[step],
        module_c=None if states.cell is None else states.cell[layer, direction, item, step],
    )


def unit_latex(equation: StepEquation, unit: int, digits: int = 3) -> tuple[str, ...]:
    """The equations for one hidden unit with every number filled in, as LaTeX lines."""

    def value(label: str) -> str:
        return f"{equation.term(label).values[unit].item():.{digits}f}"

    return CELLS[equation.cell].unit_lines(value, unit, equation.nonlinearity)
