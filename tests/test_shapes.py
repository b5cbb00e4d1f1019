"""The Shapes page's numbers: every shape is the one torch returns for the same call."""

import itertools

import pytest
import torch
from torch import nn

from playground import PlaygroundError
from playground.probes.shapes import MODULES, ShapeSpec, measure_shapes

CASES = [
    spec
    for module, bidirectional, batch_first, layers in itertools.product(MODULES, (False, True), (False, True), (1, 3))
    if not (module == "rnncell" and bidirectional)
    for spec in [
        ShapeSpec(
            module=module,
            seq_len=4,
            batch_size=2,
            input_size=3,
            hidden_size=5,
            layers=layers,
            bidirectional=bidirectional,
            batch_first=batch_first,
        )
    ]
]


def shapes_of(report):
    return {tensor.name: tensor.shape for tensor in report.tensors}


def torch_reference(spec: ShapeSpec) -> dict[str, tuple[int, ...]]:
    """Build the module the ordinary way and read the shapes of what it returns."""
    layout = (spec.batch_size, spec.seq_len) if spec.batch_first else (spec.seq_len, spec.batch_size)
    x = torch.randn(*layout, spec.input_size)
    cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[spec.module]
    module = cls(
        spec.input_size,
        spec.hidden_size,
        num_layers=spec.layers,
        bidirectional=spec.bidirectional,
        batch_first=spec.batch_first,
    )
    output, state = module(x)
    h_n = state[0] if spec.module == "lstm" else state
    shapes = {"input": tuple(x.shape), "output": tuple(output.shape), "h_n": tuple(h_n.shape), "h_0": tuple(h_n.shape)}
    if spec.module == "lstm":
        shapes["c_n"] = shapes["c_0"] = tuple(state[1].shape)
    return shapes


@pytest.mark.parametrize("spec", [s for s in CASES if s.module != "rnncell"], ids=str)
def test_module_shapes_equal_torch(spec):
    report = measure_shapes(spec)
    shapes = shapes_of(report)
    for name, shape in torch_reference(spec).items():
        assert shapes[name] == shape, name
    split = shapes["output split by direction"]
    assert split[-2:] == (spec.num_directions, spec.hidden_size)
    assert shapes["h_n split by layer"] == (spec.layers, spec.num_directions, spec.batch_size, spec.hidden_size)
    for tensor in report.tensors:
        assert len(tensor.dims) == len(tensor.shape), tensor.name


@pytest.mark.parametrize("spec", [s for s in CASES if s.module == "rnncell"], ids=str)
def test_rnncell_shapes_equal_torch(spec):
    shapes = shapes_of(measure_shapes(spec))
    cell = nn.RNNCell(spec.input_size, spec.hidden_size)
    x_t = torch.randn(spec.batch_size, spec.input_size)
    h_t = cell(x_t)
    assert shapes["x_t (cell input, layer 0)"] == tuple(x_t.shape)
    assert shapes["h_t (cell output)"] == tuple(h_t.shape)
    assert shapes["h_{t-1} (cell's state in)"] == tuple(h_t.shape)
    stacked = torch.stack([h_t] * spec.seq_len, dim=1 if spec.batch_first else 0)
    assert shapes["outputs (stacked)"] == tuple(stacked.shape)
    assert ("x_t (cell input, layers ≥ 1)" in shapes) == (spec.layers > 1)


@pytest.mark.parametrize("spec", [s for s in CASES if s.module != "rnncell"], ids=str)
def test_where_h_n_sits_in_output(spec):
    comparisons = measure_shapes(spec).comparisons
    if not spec.bidirectional:
        (last,) = comparisons
        assert last.equal and last.right == "h_n[-1]"
        return
    forward, backward_last, backward_first = comparisons
    assert forward.equal and forward.right == "h_n[-2]"
    assert not backward_last.equal and backward_last.max_abs_diff > 1e-3
    assert backward_first.equal


def test_backward_direction_matches_at_the_end_when_there_is_one_step():
    spec = ShapeSpec(module="gru", seq_len=1, bidirectional=True)
    assert all(comparison.equal for comparison in measure_shapes(spec).comparisons)


def test_same_spec_same_numbers_and_global_rng_untouched():
    spec = ShapeSpec(module="lstm", layers=2, bidirectional=True)
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    first = measure_shapes(spec)
    assert torch.equal(torch.rand(3), expected)
    assert first == measure_shapes(spec)


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(module="rnncell", bidirectional=True), "one direction"),
        (dict(seq_len=0), "Sequence length"),
        (dict(hidden_size=1000), "Hidden size"),
        (dict(module="transformer"), "Unknown module"),
    ],
)
def test_bad_settings_are_refused_with_a_sentence(changes, message):
    with pytest.raises(PlaygroundError, match=message):
        measure_shapes(ShapeSpec(**changes))
