"""A cell's equation with the actual numbers, checked against the real PyTorch module.

The Inside-the-cell page picks an epoch, a layer, a direction, a batch item and a time
step, and writes out h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or the LSTM's and
GRU's gate equations) term by term. The reference is not our own arithmetic: each layer
and direction is re-run through a real `nn.RNNCell`, `nn.RNN`, `nn.LSTM` or `nn.GRU`
loaded with that epoch's parameter snapshot, and the page shows the largest difference
between the hand-written equation and what the module returned.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .config import RunConfig
from .data import Dataset
from .errors import PlaygroundError
from .unroll import encode_inputs, layer_weights

MODULE_CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
TOLERANCE = 1e-6

EQUATIONS: dict[str, tuple[str, ...]] = {
    "rnn": (r"h_t = \tanh(W_{ih}\,x_t + b_{ih} + W_{hh}\,h_{t-1} + b_{hh})",),
    "lstm": (
        r"i_t = \sigma(W_{ii}\,x_t + b_{ii} + W_{hi}\,h_{t-1} + b_{hi})",
        r"f_t = \sigma(W_{if}\,x_t + b_{if} + W_{hf}\,h_{t-1} + b_{hf})",
        r"g_t = \tanh(W_{ig}\,x_t + b_{ig} + W_{hg}\,h_{t-1} + b_{hg})",
        r"o_t = \sigma(W_{io}\,x_t + b_{io} + W_{ho}\,h_{t-1} + b_{ho})",
        r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
        r"h_t = o_t \odot \tanh(c_t)",
    ),
    "gru": (
        r"r_t = \sigma(W_{ir}\,x_t + b_{ir} + W_{hr}\,h_{t-1} + b_{hr})",
        r"z_t = \sigma(W_{iz}\,x_t + b_{iz} + W_{hz}\,h_{t-1} + b_{hz})",
        r"n_t = \tanh(W_{in}\,x_t + b_{in} + r_t \odot (W_{hn}\,h_{t-1} + b_{hn}))",
        r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}",
    ),
}


def equations_for(config: RunConfig) -> tuple[str, ...]:
    """The LaTeX equations of the config's cell (RNNCell and RNN share one)."""
    if config.cell in ("rnncell", "rnn"):
        if config.nonlinearity == "relu":
            return (EQUATIONS["rnn"][0].replace(r"\tanh", r"\mathrm{relu}"),)
        return EQUATIONS["rnn"]
    return EQUATIONS[config.cell]


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


def _empty(module: nn.Module) -> nn.Module:
    """Materialise a module built on the meta device (no draw from torch's global RNG)."""
    return module.to_empty(device="cpu")


def _single_direction_states(
    config: RunConfig, weights: tuple[torch.Tensor, ...], inputs: torch.Tensor, backward: bool
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(batch, seq, hidden) states of one layer and direction from a real torch module."""
    w_ih, w_hh, b_ih, b_hh = weights
    batch, seq, features = inputs.shape
    hidden_size = w_hh.shape[1]
    if config.cell == "rnncell":
        cell = _empty(nn.RNNCell(features, hidden_size, nonlinearity=config.nonlinearity, device="meta"))
        cell.load_state_dict({"weight_ih": w_ih, "weight_hh": w_hh, "bias_ih": b_ih, "bias_hh": b_hh})
        h = inputs.new_zeros(batch, hidden_size)
        states = []
        for step in range(seq):
            h = cell(inputs[:, step], h)
            states.append(h)
        return torch.stack(states, dim=1), None
    extra = {"nonlinearity": config.nonlinearity} if config.cell == "rnn" else {}
    module = _empty(MODULE_CLASSES[config.cell](
        input_size=features, hidden_size=hidden_size, batch_first=True, device="meta", **extra))
    module.load_state_dict({"weight_ih_l0": w_ih, "weight_hh_l0": w_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh})
    module.flatten_parameters()
    ordered = inputs.flip(1) if backward else inputs
    output, _ = module(ordered)
    cells = None
    if config.cell == "lstm":
        # nn.LSTM returns only the last cell state, so c_t is c_n of the first t+1 steps.
        cells = torch.stack([module(ordered[:, : step + 1])[1][1][0] for step in range(seq)], dim=1)
        cells = cells.flip(1) if backward else cells
    return (output.flip(1) if backward else output), cells


def _fused_output(config: RunConfig, params: dict[str, torch.Tensor], inputs: torch.Tensor) -> torch.Tensor:
    """The complete core (all layers and directions in one module call), batch first."""
    if config.cell == "rnncell":
        x = inputs
        for layer in range(config.layers):
            x, _ = _single_direction_states(config, layer_weights(config, params, layer, 0), x, False)
        return x
    extra = {"nonlinearity": config.nonlinearity} if config.cell == "rnn" else {}
    module = _empty(MODULE_CLASSES[config.cell](
        input_size=inputs.shape[-1], hidden_size=config.hidden_size, num_layers=config.layers,
        bidirectional=config.bidirectional, batch_first=config.batch_first, device="meta", **extra))
    module.load_state_dict({name[len("core."):]: value for name, value in params.items() if name.startswith("core.")})
    module.flatten_parameters()
    if config.batch_first:
        return module(inputs)[0]
    return module(inputs.transpose(0, 1))[0].transpose(0, 1)


def module_states(config: RunConfig, params: dict[str, torch.Tensor], dataset: Dataset) -> ModuleStates:
    """Run each layer and direction through its own real torch module with ``params``."""
    with torch.no_grad():
        inputs = encode_inputs(config, params, dataset)
        x = inputs
        hidden, cell, layer_inputs = [], [], []
        for layer in range(config.layers):
            layer_inputs.append(x)
            results = [
                _single_direction_states(config, layer_weights(config, params, layer, d), x, backward=d == 1)
                for d in range(config.num_directions)
            ]
            hidden.append(torch.stack([h for h, _ in results]))
            if config.cell == "lstm":
                cell.append(torch.stack([c for _, c in results]))
            x = torch.cat([h for h, _ in results], dim=-1)
        return ModuleStates(
            hidden=torch.stack(hidden),
            cell=torch.stack(cell) if cell else None,
            layer_inputs=tuple(layer_inputs),
            fused_output=_fused_output(config, params, inputs),
        )


@dataclass(frozen=True)
class Term:
    """One named vector of the equation (one value per hidden unit)."""

    label: str  # plain-text label for figure axes
    latex: str
    values: torch.Tensor


@dataclass(frozen=True)
class StepEquation:
    """The equation of one step, evaluated by hand, next to the module's own result."""

    cell: str
    x: torch.Tensor  # (features,)
    h_prev: torch.Tensor  # (hidden,)
    c_prev: torch.Tensor | None
    weights: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]
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

    def term(self, label: str) -> Term:
        return next(term for term in self.terms if term.label == label)


def _gate_terms(name: str, x_part: torch.Tensor, h_part: torch.Tensor, value: torch.Tensor) -> list[Term]:
    return [
        Term(f"W_i{name}·x+b_i{name}", rf"W_{{i{name}}}x_t+b_{{i{name}}}", x_part),
        Term(f"W_h{name}·h+b_h{name}", rf"W_{{h{name}}}h_{{t-1}}+b_{{h{name}}}", h_part),
        Term(f"{name}_t", rf"{name}_t", value),
    ]


def evaluate_step(
    cell: str, nonlinearity: str, weights: tuple[torch.Tensor, ...],
    x: torch.Tensor, h_prev: torch.Tensor, c_prev: torch.Tensor | None,
) -> tuple[tuple[Term, ...], torch.Tensor, torch.Tensor | None]:
    """The cell's equation written out with matrix–vector products, keeping every term."""
    w_ih, w_hh, b_ih, b_hh = weights
    x_part = w_ih @ x + b_ih  # all gates' input contributions, stacked in PyTorch's order
    h_part = w_hh @ h_prev + b_hh
    if cell in ("rnncell", "rnn"):
        pre = w_ih @ x + b_ih + w_hh @ h_prev + b_hh
        h = torch.tanh(pre) if nonlinearity == "tanh" else torch.relu(pre)
        act = "tanh" if nonlinearity == "tanh" else "relu"
        terms = (
            Term("W_ih·x_t", r"W_{ih}x_t", w_ih @ x),
            Term("b_ih", r"b_{ih}", b_ih),
            Term("W_hh·h_{t-1}", r"W_{hh}h_{t-1}", w_hh @ h_prev),
            Term("b_hh", r"b_{hh}", b_hh),
            Term("sum", r"a_t", pre),
            Term(f"h_t={act}(sum)", r"h_t", h),
        )
        return terms, h, None
    if cell == "lstm":
        xi, xf, xg, xo = x_part.chunk(4)
        hi, hf, hg, ho = h_part.chunk(4)
        i, f = torch.sigmoid(xi + hi), torch.sigmoid(xf + hf)
        g, o = torch.tanh(xg + hg), torch.sigmoid(xo + ho)
        c = f * c_prev + i * g
        h = o * torch.tanh(c)
        terms = (
            _gate_terms("i", xi, hi, i) + _gate_terms("f", xf, hf, f)
            + _gate_terms("g", xg, hg, g) + _gate_terms("o", xo, ho, o)
            + [Term("c_{t-1}", r"c_{t-1}", c_prev), Term("c_t", r"c_t", c),
               Term("tanh(c_t)", r"\tanh(c_t)", torch.tanh(c)), Term("h_t", r"h_t", h)]
        )
        return tuple(terms), h, c
    if cell != "gru":
        raise PlaygroundError(f"Unknown recurrent core '{cell}'.")
    xr, xz, xn = x_part.chunk(3)
    hr, hz, hn = h_part.chunk(3)
    r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
    n = torch.tanh(xn + r * hn)
    h = (1 - z) * n + z * h_prev
    terms = (
        _gate_terms("r", xr, hr, r) + _gate_terms("z", xz, hz, z)
        + [Term("W_in·x+b_in", r"W_{in}x_t+b_{in}", xn),
           Term("W_hn·h+b_hn", r"W_{hn}h_{t-1}+b_{hn}", hn),
           Term("r⊙(W_hn·h+b_hn)", r"r_t\odot(W_{hn}h_{t-1}+b_{hn})", r * hn),
           Term("n_t", r"n_t", n), Term("h_{t-1}", r"h_{t-1}", h_prev), Term("h_t", r"h_t", h)]
    )
    return tuple(terms), h, None


def step_equation(
    config: RunConfig, params: dict[str, torch.Tensor], states: ModuleStates,
    layer: int, direction: int, item: int, step: int,
) -> StepEquation:
    """Evaluate one step by hand, feeding it the module's own previous state."""
    seq = states.hidden.shape[3]
    for value, size, what in (
        (layer, config.layers, "Layer"), (direction, config.num_directions, "Direction"),
        (item, states.hidden.shape[2], "Batch item"), (step, seq, "Time step"),
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
    with torch.no_grad():
        terms, h, c = evaluate_step(config.cell, config.nonlinearity, weights, x, h_prev, c_prev)
    return StepEquation(
        cell=config.cell, x=x, h_prev=h_prev, c_prev=c_prev, weights=weights, terms=terms,
        h=h, c=c, module_h=hidden[step],
        module_c=None if states.cell is None else states.cell[layer, direction, item, step],
    )


def unit_latex(equation: StepEquation, unit: int, digits: int = 3) -> tuple[str, ...]:
    """The equations for one hidden unit with every number filled in, as LaTeX lines."""
    def v(label: str) -> str:
        return f"{equation.term(label).values[unit].item():.{digits}f}"

    def gate(name: str, act: str) -> str:
        x_part, h_part = v(f"W_i{name}·x+b_i{name}"), v(f"W_h{name}·h+b_h{name}")
        return rf"{name}_t[{unit}] = {act}({x_part} + ({h_part})) = {v(f'{name}_t')}"

    if equation.cell in ("rnncell", "rnn"):
        act_label = next(t.label for t in equation.terms if t.label.startswith("h_t="))
        act = r"\tanh" if "tanh" in act_label else r"\mathrm{relu}"
        return (
            rf"h_t[{unit}] = {act}({v('W_ih·x_t')} + ({v('b_ih')}) + ({v('W_hh·h_{t-1}')}) + ({v('b_hh')}))"
            rf" = {act}({v('sum')}) = {v(act_label)}",
        )
    if equation.cell == "lstm":
        return (
            gate("i", r"\sigma"), gate("f", r"\sigma"), gate("g", r"\tanh"), gate("o", r"\sigma"),
            rf"c_t[{unit}] = {v('f_t')} \cdot {v('c_{t-1}')} + {v('i_t')} \cdot {v('g_t')} = {v('c_t')}",
            rf"h_t[{unit}] = {v('o_t')} \cdot \tanh({v('c_t')}) = {v('h_t')}",
        )
    return (
        gate("r", r"\sigma"), gate("z", r"\sigma"),
        rf"n_t[{unit}] = \tanh({v('W_in·x+b_in')} + {v('r_t')} \cdot ({v('W_hn·h+b_hn')})) = {v('n_t')}",
        rf"h_t[{unit}] = (1 - {v('z_t')}) \cdot {v('n_t')} + {v('z_t')} \cdot ({v('h_{t-1}')}) = {v('h_t')}",
    )
