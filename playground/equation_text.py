"""How a cell's equations read: named terms and LaTeX lines, shared by the cores in `cells`.

Inside the cell shows each gate as W_i·x + b_i, W_h·h + b_h and the gate's value, one line per
hidden unit with the numbers filled in; the cores differ in their gates, not in how a gate reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch


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
