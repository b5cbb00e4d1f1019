"""The recurrent cores, one entry each: everything the playground knows about a cell lives here.

An entry says which torch modules implement the core, what its gates are called, how its
equations read, and computes one time step of them with every intermediate term kept. The
unrolled internals (`playground.nn.internals`), the model (`playground.nn.model`), the equations
page (`playground.probes.equations`), shapes (`playground.probes.shapes`) and code export
(`playground.export`) all ask the registry instead of branching on the cell's name, so adding a
core is one entry here plus its tests.

A step is computed the way the fused modules do it: the input part ``W_ih x + b_ih`` and
the hidden part ``W_hh h + b_hh`` of every gate at once (PyTorch stacks the gates' rows in
``weight_ih`` / ``weight_hh``), then split per gate. Tests check the step against
`nn.RNN`, `nn.LSTM` and `nn.GRU` themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

# How a gate's equation reads: Inside the cell shows each gate as W_i·x + b_i, W_h·h + b_h and its
# value, one line per hidden unit with the numbers filled in; the cores differ in their gates, not
# in how a gate reads.


@dataclass(frozen=True)
class Term:
    """One named vector of a cell's equation (one value per hidden unit)."""

    label: str  # plain text, for figure axes and `unit_lines`
    latex: str
    values: torch.Tensor


def gate_terms(name: str, x_part: torch.Tensor, h_part: torch.Tensor, value: torch.Tensor) -> list[Term]:
    return [
        Term(f"W_i{name}·x+b_i{name}", rf"W_{{i{name}}}x_t+b_{{i{name}}}", x_part),
        Term(f"W_h{name}·h+b_h{name}", rf"W_{{h{name}}}h_{{t-1}}+b_{{h{name}}}", h_part),
        Term(f"{name}_t", rf"{name}_t", value),
    ]


def gate_line(value: Callable[[str], str], unit: int, name: str, activation: str) -> str:
    x_part, h_part = value(f"W_i{name}·x+b_i{name}"), value(f"W_h{name}·h+b_h{name}")
    return rf"{name}_t[{unit}] = {activation}({x_part} + ({h_part})) = {value(f'{name}_t')}"


def gate_equation(name: str, activation: str) -> str:
    return rf"{name}_t = {activation}(W_{{i{name}}}\,x_t + b_{{i{name}}} + W_{{h{name}}}\,h_{{t-1}} + b_{{h{name}}})"


def activation(nonlinearity: str) -> str:
    return r"\tanh" if nonlinearity == "tanh" else r"\mathrm{relu}"


Weights = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]  # W_ih, W_hh, b_ih, b_hh

# An intervention inside a step (`playground.probes.interventions`): called with each gate, then c, then h
# as the step computes them, it returns the value the rest of the step uses (a unit clamped, a gate forced).
Edit = Callable[[str, torch.Tensor], torch.Tensor]


def unchanged(name: str, value: torch.Tensor) -> torch.Tensor:
    """The edit of an ordinary step: every value as computed."""
    return value


@dataclass(frozen=True)
class Step:
    """One time step of a cell. Tensors have the input's leading (batch) shape, then hidden units."""

    h: torch.Tensor
    c: torch.Tensor | None  # the LSTM's cell state, None for the others
    gates: dict[str, torch.Tensor]  # by the cell's `gate_names`
    x_part: torch.Tensor  # W_ih x + b_ih, every gate stacked in PyTorch's order
    h_part: torch.Tensor  # W_hh h_{t-1} + b_hh, likewise


@dataclass(frozen=True)
class Cell:
    """What every recurrent core shares; the subclasses below add their maths."""

    name: str  # the value of `RunConfig.cell`
    label: str  # how menus and legends name it
    short: str  # for tight spaces: diagrams, table rows
    module: type[nn.Module]  # the fused multi-layer module (a hand loop keeps nn.RNN's equations)
    step_module: type[nn.Module]  # one step of one layer: nn.RNNCell, nn.LSTMCell, nn.GRUCell
    colour: str
    gate_names: tuple[str, ...] = ()
    hand_looped: bool = False  # True: a loop of `step_module`s, forward in time only
    options: tuple[str, ...] = field(default=())  # module options it takes from the config

    @property
    def module_name(self) -> str:
        return f"nn.{(self.step_module if self.hand_looped else self.module).__name__}"

    @property
    def has_cell_state(self) -> bool:
        return self.module is nn.LSTM

    @property
    def takes_nonlinearity(self) -> bool:
        return "nonlinearity" in self.options

    def core(
        self,
        input_size: int,
        hidden_size: int,
        layers: int = 1,
        bidirectional: bool = False,
        batch_first: bool = False,
        nonlinearity: str = "tanh",
        device: Any = None,
    ) -> nn.Module:
        """The torch module(s) of this core: the fused module, or one step module per layer."""
        extra = {"nonlinearity": nonlinearity} if self.takes_nonlinearity else {}
        if self.hand_looped:
            sizes = [input_size] + [hidden_size] * (layers - 1)
            return nn.ModuleList(self.step_module(size, hidden_size, device=device, **extra) for size in sizes)
        return self.module(
            input_size=input_size,
            hidden_size=hidden_size,
            num_layers=layers,
            bidirectional=bidirectional,
            batch_first=batch_first,
            device=device,
            **extra,
        )

    def weight_names(self, layer: int, direction: int) -> tuple[str, str, str, str]:
        """Names of (W_ih, W_hh, b_ih, b_hh) of one layer and direction inside `core`'s state_dict."""
        kinds = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        if self.hand_looped:
            return tuple(f"{layer}.{kind}" for kind in kinds)
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        return tuple(f"{kind}{suffix}" for kind in kinds)

    def initial_state(self, h_0: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """What the fused module takes as its state: h_0, and for an LSTM also c_0 (zeros)."""
        return (h_0, torch.zeros_like(h_0)) if self.has_cell_state else h_0

    def step(
        self,
        weights: Weights,
        x: torch.Tensor,
        h: torch.Tensor,
        c: torch.Tensor | None,
        nonlinearity: str = "tanh",
        edit: Edit = unchanged,
    ) -> Step:
        """One time step; ``edit`` sees each gate, c and h in turn and may replace them (see `Edit`)."""
        raise NotImplementedError

    def equations(self, nonlinearity: str = "tanh") -> tuple[str, ...]:
        """The cell's equations in LaTeX, one line each."""
        raise NotImplementedError

    def terms(
        self,
        step: Step,
        weights: Weights,
        x: torch.Tensor,
        h_prev: torch.Tensor,
        c_prev: torch.Tensor | None,
        nonlinearity: str = "tanh",
    ) -> tuple[Term, ...]:
        """Every term of `equations` for one step, in reading order."""
        raise NotImplementedError

    def unit_lines(self, value: Callable[[str], str], unit: int, nonlinearity: str = "tanh") -> tuple[str, ...]:
        """`equations` for one hidden unit with the numbers filled in; ``value(label)`` formats a term."""
        raise NotImplementedError


class PlainRNN(Cell):
    """h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or relu): `nn.RNN`, and `nn.RNNCell` in a loop."""

    def step(self, weights, x, h, c, nonlinearity="tanh", edit=unchanged):
        w_ih, w_hh, b_ih, b_hh = weights
        x_part, h_part = F.linear(x, w_ih, b_ih), F.linear(h, w_hh, b_hh)
        pre = x_part + h_part
        h_new = edit("h", torch.tanh(pre) if nonlinearity == "tanh" else torch.relu(pre))
        return Step(h=h_new, c=None, gates={}, x_part=x_part, h_part=h_part)

    def equations(self, nonlinearity="tanh"):
        return (rf"h_t = {activation(nonlinearity)}(W_{{ih}}\,x_t + b_{{ih}} + W_{{hh}}\,h_{{t-1}} + b_{{hh}})",)

    def terms(self, step, weights, x, h_prev, c_prev, nonlinearity="tanh"):
        w_ih, w_hh, b_ih, b_hh = weights
        return (
            Term("W_ih·x_t", r"W_{ih}x_t", F.linear(x, w_ih)),
            Term("b_ih", r"b_{ih}", b_ih),
            Term("W_hh·h_{t-1}", r"W_{hh}h_{t-1}", F.linear(h_prev, w_hh)),
            Term("b_hh", r"b_{hh}", b_hh),
            Term("sum", r"a_t", step.x_part + step.h_part),
            Term(f"h_t={nonlinearity}(sum)", r"h_t", step.h),
        )

    def unit_lines(self, value, unit, nonlinearity="tanh"):
        act = activation(nonlinearity)
        return (
            rf"h_t[{unit}] = {act}({value('W_ih·x_t')} + ({value('b_ih')}) + ({value('W_hh·h_{t-1}')}) "
            rf"+ ({value('b_hh')})) = {act}({value('sum')}) = {value(f'h_t={nonlinearity}(sum)')}",
        )


class LSTM(Cell):
    """Input, forget, cell and output gates; the cell state c_t carries memory past the tanh."""

    def step(self, weights, x, h, c, nonlinearity="tanh", edit=unchanged):
        w_ih, w_hh, b_ih, b_hh = weights
        x_part, h_part = F.linear(x, w_ih, b_ih), F.linear(h, w_hh, b_hh)
        i, f, g, o = (x_part + h_part).chunk(4, dim=-1)
        i, f = edit("i", torch.sigmoid(i)), edit("f", torch.sigmoid(f))
        g, o = edit("g", torch.tanh(g)), edit("o", torch.sigmoid(o))
        c_new = edit("c", f * c + i * g)
        return Step(
            h=edit("h", o * torch.tanh(c_new)),
            c=c_new,
            gates={"i": i, "f": f, "g": g, "o": o},
            x_part=x_part,
            h_part=h_part,
        )

    def equations(self, nonlinearity="tanh"):
        return (
            gate_equation("i", r"\sigma"),
            gate_equation("f", r"\sigma"),
            gate_equation("g", r"\tanh"),
            gate_equation("o", r"\sigma"),
            r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
            r"h_t = o_t \odot \tanh(c_t)",
        )

    def terms(self, step, weights, x, h_prev, c_prev, nonlinearity="tanh"):
        x_parts, h_parts = step.x_part.chunk(4, dim=-1), step.h_part.chunk(4, dim=-1)
        per_gate = [
            term
            for name, x_part, h_part in zip("ifgo", x_parts, h_parts)
            for term in gate_terms(name, x_part, h_part, step.gates[name])
        ]
        return (
            *per_gate,
            Term("c_{t-1}", r"c_{t-1}", c_prev),
            Term("c_t", r"c_t", step.c),
            Term("tanh(c_t)", r"\tanh(c_t)", torch.tanh(step.c)),
            Term("h_t", r"h_t", step.h),
        )

    def unit_lines(self, value, unit, nonlinearity="tanh"):
        return (
            gate_line(value, unit, "i", r"\sigma"),
            gate_line(value, unit, "f", r"\sigma"),
            gate_line(value, unit, "g", r"\tanh"),
            gate_line(value, unit, "o", r"\sigma"),
            rf"c_t[{unit}] = {value('f_t')} \cdot {value('c_{t-1}')} + {value('i_t')} \cdot {value('g_t')} "
            rf"= {value('c_t')}",
            rf"h_t[{unit}] = {value('o_t')} \cdot \tanh({value('c_t')}) = {value('h_t')}",
        )


class GRU(Cell):
    """Reset and update gates; the update gate z_t mixes the old state with the candidate n_t."""

    def step(self, weights, x, h, c, nonlinearity="tanh", edit=unchanged):
        w_ih, w_hh, b_ih, b_hh = weights
        x_part, h_part = F.linear(x, w_ih, b_ih), F.linear(h, w_hh, b_hh)
        x_r, x_z, x_n = x_part.chunk(3, dim=-1)
        h_r, h_z, h_n = h_part.chunk(3, dim=-1)
        r = edit("r", torch.sigmoid(x_r + h_r))
        z = edit("z", torch.sigmoid(x_z + h_z))
        n = edit("n", torch.tanh(x_n + r * h_n))
        return Step(
            h=edit("h", (1 - z) * n + z * h), c=None, gates={"r": r, "z": z, "n": n}, x_part=x_part, h_part=h_part
        )

    def equations(self, nonlinearity="tanh"):
        return (
            gate_equation("r", r"\sigma"),
            gate_equation("z", r"\sigma"),
            r"n_t = \tanh(W_{in}\,x_t + b_{in} + r_t \odot (W_{hn}\,h_{t-1} + b_{hn}))",
            r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}",
        )

    def terms(self, step, weights, x, h_prev, c_prev, nonlinearity="tanh"):
        (x_r, x_z, x_n), (h_r, h_z, h_n) = step.x_part.chunk(3, dim=-1), step.h_part.chunk(3, dim=-1)
        r = step.gates["r"]
        return (
            *gate_terms("r", x_r, h_r, r),
            *gate_terms("z", x_z, h_z, step.gates["z"]),
            Term("W_in·x+b_in", r"W_{in}x_t+b_{in}", x_n),
            Term("W_hn·h+b_hn", r"W_{hn}h_{t-1}+b_{hn}", h_n),
            Term("r⊙(W_hn·h+b_hn)", r"r_t\odot(W_{hn}h_{t-1}+b_{hn})", r * h_n),
            Term("n_t", r"n_t", step.gates["n"]),
            Term("h_{t-1}", r"h_{t-1}", h_prev),
            Term("h_t", r"h_t", step.h),
        )

    def unit_lines(self, value, unit, nonlinearity="tanh"):
        return (
            gate_line(value, unit, "r", r"\sigma"),
            gate_line(value, unit, "z", r"\sigma"),
            rf"n_t[{unit}] = \tanh({value('W_in·x+b_in')} + {value('r_t')} \cdot ({value('W_hn·h+b_hn')})) "
            rf"= {value('n_t')}",
            rf"h_t[{unit}] = (1 - {value('z_t')}) \cdot {value('n_t')} + {value('z_t')} \cdot ({value('h_{t-1}')}) "
            rf"= {value('h_t')}",
        )


CELLS: dict[str, Cell] = {
    cell.name: cell
    for cell in (
        PlainRNN(
            "rnncell",
            "nn.RNNCell (hand-written loop)",
            "RNNCell",
            nn.RNN,
            nn.RNNCell,
            "#9467bd",
            hand_looped=True,
            options=("nonlinearity",),
        ),
        PlainRNN("rnn", "nn.RNN", "RNN", nn.RNN, nn.RNNCell, "#d62728", options=("nonlinearity",)),
        LSTM("lstm", "nn.LSTM", "LSTM", nn.LSTM, nn.LSTMCell, "#1f77b4", gate_names=("i", "f", "g", "o")),
        GRU("gru", "nn.GRU", "GRU", nn.GRU, nn.GRUCell, "#2ca02c", gate_names=("r", "z", "n")),
    )
}
