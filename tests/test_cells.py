"""The cell registry: every entry's step is PyTorch's own cell, and nothing else branches on a cell's name."""

import re
from pathlib import Path

import pytest
import torch

from playground.nn.cells import CELLS
from playground.nn.rnncell_loop import loop_cells

ROOT = Path(__file__).resolve().parent.parent
BATCH, SEQ, FEATURES, HIDDEN = 3, 6, 4, 5


def _cases():
    for cell in CELLS.values():
        for nonlinearity in ("tanh", "relu") if cell.takes_nonlinearity else ("tanh",):
            yield pytest.param(cell, nonlinearity, id=f"{cell.name}-{nonlinearity}")


@pytest.mark.parametrize(("cell", "nonlinearity"), _cases())
def test_the_step_reproduces_torchs_own_cell(cell, nonlinearity):
    torch.manual_seed(0)
    extra = {"nonlinearity": nonlinearity} if cell.takes_nonlinearity else {}
    reference = cell.step_module(FEATURES, HIDDEN, **extra)
    weights = (reference.weight_ih, reference.weight_hh, reference.bias_ih, reference.bias_hh)
    inputs = torch.randn(BATCH, SEQ, FEATURES)
    h = torch.zeros(BATCH, HIDDEN)
    c = torch.zeros(BATCH, HIDDEN) if cell.has_cell_state else None
    state = (h, c) if cell.has_cell_state else h
    with torch.no_grad():
        for t in range(SEQ):
            step = cell.step(weights, inputs[:, t], h, c, nonlinearity)
            state = reference(inputs[:, t], state)
            expected_h = state[0] if cell.has_cell_state else state
            assert (step.h - expected_h).abs().max() <= 1e-6
            if cell.has_cell_state:
                assert (step.c - state[1]).abs().max() <= 1e-6
            assert set(step.gates) == set(cell.gate_names)
            h, c = step.h, step.c


@pytest.mark.parametrize("cell", CELLS.values(), ids=list(CELLS))
def test_the_core_is_the_named_module_with_the_named_weights(cell):
    core = cell.core(FEATURES, HIDDEN, layers=2)
    names = set(core.state_dict())
    for layer in range(2):
        assert set(cell.weight_names(layer, 0)) <= names
    expected = cell.step_module if cell.hand_looped else cell.module
    module = core[0] if cell.hand_looped else core
    assert type(module) is expected and cell.module_name == f"nn.{expected.__name__}"


@pytest.mark.parametrize("cell", [c for c in CELLS.values() if c.hand_looped], ids=lambda c: c.name)
def test_the_hand_loop_equals_the_fused_module_with_the_same_weights(cell):
    torch.manual_seed(1)
    looped = cell.core(FEATURES, HIDDEN, layers=2)
    fused = cell.module(FEATURES, HIDDEN, num_layers=2, batch_first=True)
    fused.load_state_dict(
        {
            f"{kind}_l{layer}": getattr(looped[layer], kind)
            for layer in range(2)
            for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        }
    )
    inputs = torch.randn(BATCH, SEQ, FEATURES)
    with torch.no_grad():
        outputs, last = loop_cells(looped, inputs)
        expected, h_n = fused(inputs)
    assert (outputs - expected).abs().max() <= 1e-6
    assert (torch.stack(last) - h_n).abs().max() <= 1e-6


@pytest.mark.parametrize(("cell", "nonlinearity"), _cases())
def test_every_equation_has_its_unit_line_and_every_term_it_names(cell, nonlinearity):
    torch.manual_seed(2)
    reference = cell.step_module(FEATURES, HIDDEN)
    weights = tuple(
        w.detach() for w in (reference.weight_ih, reference.weight_hh, reference.bias_ih, reference.bias_hh)
    )
    x, h = torch.randn(FEATURES), torch.randn(HIDDEN)
    c = torch.randn(HIDDEN) if cell.has_cell_state else None
    step = cell.step(weights, x, h, c, nonlinearity)
    terms = {term.label: term for term in cell.terms(step, weights, x, h, c, nonlinearity)}
    assert all(term.values.shape == (HIDDEN,) for term in terms.values())
    named = []
    lines = cell.unit_lines(lambda label: named.append(label) or f"{terms[label].values[1]:.3f}", 1, nonlinearity)
    assert len(lines) == len(cell.equations(nonlinearity))
    assert named and set(named) <= set(terms), "the lines show terms the step computed"
    assert lines[-1].endswith(f"{step.h[1]:.3f}")


BRANCH_ON_NAME = re.compile(r"""\b(cell|module)\s*(==|!=|in|not in)\s*[("']""")


def test_no_module_outside_the_registry_branches_on_a_cell_name():
    """Adding a core must stay one registry entry: code asks the entry, never compares names."""
    offenders = []
    for folder in ("playground", "ui", "app_pages", "charts"):
        for path in sorted((ROOT / folder).glob("*.py")):
            if path.name == "cells.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if BRANCH_ON_NAME.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
