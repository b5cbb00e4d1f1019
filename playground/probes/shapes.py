"""What the Shapes page asks and what it gets back: the settings, their caps, and the report.

The Shapes page lets a learner vary sequence length, batch size, sizes, layers, direction
and layout of `nn.RNNCell`, `nn.RNN`, `nn.LSTM` or `nn.GRU`; `ShapeSpec` holds those
settings and `check_spec` refuses what the page cannot show. The answer, a `ShapeReport`, is
read off a real module by `measure_shapes`; the diagram
(`charts.shapes`) and the page's widgets need only the settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from playground.nn.cells import CELLS
from playground.nn.rnncell_loop import loop_cells
from playground.nn.text import quoted
from playground.run.errors import PlaygroundError

MODULES: tuple[str, ...] = tuple(CELLS)
MAX_SEQ_LEN = 12
MAX_BATCH = 8
MAX_FEATURES = 32
MAX_LAYERS = 4


@dataclass(frozen=True)
class ShapeSpec:
    """The settings of the Shapes page; ``module`` is one of `MODULES`."""

    module: str = "rnn"
    seq_len: int = 5
    batch_size: int = 3
    input_size: int = 4
    hidden_size: int = 2
    layers: int = 1
    bidirectional: bool = False
    batch_first: bool = False
    seed: int = 0

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1


@dataclass(frozen=True)
class TensorShape:
    """One tensor as torch returned it: ``shape`` is ``tuple(tensor.shape)``."""

    name: str
    code: str  # the expression that produces it
    shape: tuple[int, ...]
    dims: tuple[str, ...]  # a name for every dimension
    note: str = ""


@dataclass(frozen=True)
class SliceComparison:
    """Whether two slices hold the same numbers, measured on the tensors themselves."""

    left: str
    right: str
    max_abs_diff: float
    explanation: str

    @property
    def equal(self) -> bool:
        return self.max_abs_diff <= 1e-6


@dataclass(frozen=True)
class ShapeReport:
    spec: ShapeSpec
    construction: str  # the Python line that builds the module
    tensors: tuple[TensorShape, ...]
    comparisons: tuple[SliceComparison, ...]


def check_spec(spec: ShapeSpec) -> None:
    """Refuse settings the page cannot show, with a sentence saying what to change."""
    if spec.module not in MODULES:
        raise PlaygroundError(f"Unknown module {quoted(spec.module, 40)}; choose one of: {', '.join(MODULES)}.")
    for value, low, high, what in (
        (spec.seq_len, 1, MAX_SEQ_LEN, "Sequence length"),
        (spec.batch_size, 1, MAX_BATCH, "Batch size"),
        (spec.input_size, 1, MAX_FEATURES, "Input size"),
        (spec.hidden_size, 1, MAX_FEATURES, "Hidden size"),
        (spec.layers, 1, MAX_LAYERS, "Number of layers"),
    ):
        if not low <= value <= high:
            raise PlaygroundError(f"{what} must be between {low} and {high}; got {value}.")
    if CELLS[spec.module].hand_looped and spec.bidirectional:
        raise PlaygroundError(
            "nn.RNNCell computes one step of one direction; a bidirectional network needs "
            "nn.RNN, nn.LSTM or nn.GRU (or a second loop running backwards)."
        )


def _filled(module: nn.Module, generator: torch.Generator) -> nn.Module:
    """Give an uninitialised module seeded weights without touching torch's global RNG.

    Streamlit runs sessions in threads; drawing from the global generator here could shift
    the numbers of a model another session is seeding at the same moment.
    """
    module = module.to_empty(device="cpu")
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(torch.rand(parameter.shape, generator=generator) - 0.5)
    if hasattr(module, "flatten_parameters"):
        module.flatten_parameters()
    return module


def _sequence_dims(spec: ShapeSpec, feature: str) -> tuple[str, ...]:
    return ("batch", "seq", feature) if spec.batch_first else ("seq", "batch", feature)


DEFAULT_LAYOUT = "PyTorch's default layout: time first"


def _input_shape(spec: ShapeSpec, inputs: torch.Tensor, note: str) -> TensorShape:
    """The random input sequence both kinds of module are run on."""
    return TensorShape(
        "input", "x = torch.randn(...)", tuple(inputs.shape), _sequence_dims(spec, "feature (input_size)"), note
    )


def _run_cells(spec: ShapeSpec, generator: torch.Generator, inputs: torch.Tensor) -> ShapeReport:
    """Example 12-1's loop: one `nn.RNNCell` call per layer per time step."""
    cells = _filled(CELLS[spec.module].core(spec.input_size, spec.hidden_size, spec.layers, device="meta"), generator)
    batch_major = inputs if spec.batch_first else inputs.transpose(0, 1)
    outputs, hidden = loop_cells(cells, batch_major)
    output = outputs if spec.batch_first else outputs.transpose(0, 1)
    x_t = batch_major[:, 0]
    index = "[:, t]" if spec.batch_first else "[t]"
    tensors = [
        _input_shape(spec, inputs, "the whole sequence; the loop feeds it to the cell one step at a time"),
        TensorShape(
            "x_t (cell input, layer 0)",
            f"x_t = x{index}",
            tuple(x_t.shape),
            ("batch", "feature (input_size)"),
            "one time step, all batch items",
        ),
        TensorShape(
            "h_{t-1} (cell's state in)",
            "h = torch.zeros(batch, hidden_size)",
            tuple(hidden[0].shape),
            ("batch", "feature (hidden_size)"),
            "h_0 is zeros; there is no layers×directions dimension for a cell",
        ),
        TensorShape(
            "h_t (cell output)",
            "h = cell(x_t, h)",
            tuple(hidden[0].shape),
            ("batch", "feature (hidden_size)"),
            "the cell returns only the new hidden state",
        ),
    ]
    if spec.layers > 1:
        tensors.insert(
            2,
            TensorShape(
                "x_t (cell input, layers ≥ 1)",
                "x_t = h of the layer below",
                tuple(hidden[0].shape),
                ("batch", "feature (hidden_size)"),
                "each higher cell reads the lower cell's new hidden state",
            ),
        )
    stack_dim = 1 if spec.batch_first else 0
    tensors.append(
        TensorShape(
            "outputs (stacked)",
            f"torch.stack(outputs, dim={stack_dim})",
            tuple(output.shape),
            _sequence_dims(spec, "feature (hidden_size)"),
            "the top cell's h_t of every step, stacked by hand",
        )
    )
    layers = f"[nn.RNNCell({spec.input_size}, {spec.hidden_size})" + (
        f"] + [nn.RNNCell({spec.hidden_size}, {spec.hidden_size})] * {spec.layers - 1}" if spec.layers > 1 else "]"
    )
    last = output[:, -1] if spec.batch_first else output[-1]
    comparisons = (
        SliceComparison(
            f"outputs{'[:, -1]' if spec.batch_first else '[-1]'}",
            "h (after the loop, top cell)",
            (last - hidden[-1]).abs().max().item(),
            "the last stacked output is the top cell's final hidden state",
        ),
    )
    return ShapeReport(spec, f"cells = {layers}", tuple(tensors), comparisons)


def _run_module(spec: ShapeSpec, generator: torch.Generator, inputs: torch.Tensor) -> ShapeReport:
    cell = CELLS[spec.module]
    module = _filled(
        cell.core(spec.input_size, spec.hidden_size, spec.layers, spec.bidirectional, spec.batch_first, device="meta"),
        generator,
    )
    directions, hidden_size = spec.num_directions, spec.hidden_size
    h_0 = torch.zeros(spec.layers * directions, spec.batch_size, hidden_size)
    is_lstm = cell.has_cell_state
    output, state = module(inputs, cell.initial_state(h_0))
    h_n, c_n = state if is_lstm else (state, None)
    state_dims = ("layers×directions", "batch", "feature (hidden_size)")
    out_feature = "feature (directions×hidden_size)"
    call = "output, (h_n, c_n) = rnn(x, (h_0, c_0))" if is_lstm else "output, h_n = rnn(x, h_0)"
    tensors = [
        _input_shape(
            spec,
            inputs,
            "batch_first=True puts batch first" if spec.batch_first else "PyTorch's default layout: time first",
        ),
        TensorShape(
            "h_0",
            "h_0 = torch.zeros(layers * directions, batch, hidden_size)",
            tuple(h_0.shape),
            state_dims,
            "never batch-first, even when batch_first=True",
        ),
    ]
    if is_lstm:
        tensors.append(
            TensorShape(
                "c_0",
                "c_0 = torch.zeros_like(h_0)",
                tuple(h_0.shape),
                state_dims,
                "the LSTM's cell state, same shape as h_0",
            )
        )
    tensors.append(
        TensorShape(
            "output",
            call,
            tuple(output.shape),
            _sequence_dims(spec, out_feature),
            "the top layer's h_t at every step (both directions side by side)",
        )
    )
    tensors.append(
        TensorShape("h_n", call, tuple(h_n.shape), state_dims, "every layer's and direction's final hidden state")
    )
    if c_n is not None:
        tensors.append(
            TensorShape("c_n", call, tuple(c_n.shape), state_dims, "every layer's and direction's final cell state")
        )
    if spec.batch_first:
        split = output.view(spec.batch_size, spec.seq_len, directions, hidden_size)
        split_code = "output.view(batch, seq, num_directions, hidden_size)"
        split_dims = ("batch", "seq", "directions", "feature (hidden_size)")
    else:
        split = output.view(spec.seq_len, spec.batch_size, directions, hidden_size)
        split_code = "output.view(seq, batch, num_directions, hidden_size)"
        split_dims = ("seq", "batch", "directions", "feature (hidden_size)")
    tensors.append(
        TensorShape(
            "output split by direction",
            split_code,
            tuple(split.shape),
            split_dims,
            "direction 0 runs forward in time, direction 1 backward",
        )
    )
    h_layers = h_n.view(spec.layers, directions, spec.batch_size, hidden_size)
    tensors.append(
        TensorShape(
            "h_n split by layer",
            "h_n.view(num_layers, num_directions, batch, hidden_size)",
            tuple(h_layers.shape),
            ("layers", "directions", "batch", "feature (hidden_size)"),
            "h_n[-1] is the top layer's last direction",
        )
    )
    construction = (
        f"rnn = {cell.module_name}(input_size={spec.input_size}, hidden_size={hidden_size}, "
        f"num_layers={spec.layers}, bidirectional={spec.bidirectional}, batch_first={spec.batch_first})"
    )
    return ShapeReport(spec, construction, tuple(tensors), _direction_comparisons(spec, split, h_n))


def _direction_comparisons(spec: ShapeSpec, split: torch.Tensor, h_n: torch.Tensor) -> tuple[SliceComparison, ...]:
    """Where the top layer's final states sit inside ``output``."""

    def at(step: str, direction: int) -> tuple[str, torch.Tensor]:
        position = -1 if step == "-1" else 0
        values = split[:, position, direction] if spec.batch_first else split[position, :, direction]
        code = f"[:, {step}, {direction}]" if spec.batch_first else f"[{step}, :, {direction}]"
        return "output.view(...)" + code, values

    def diff(a: torch.Tensor, b: torch.Tensor) -> float:
        return (a - b).abs().max().item()

    if spec.num_directions == 1:
        last = "output[:, -1]" if spec.batch_first else "output[-1]"
        values = split[:, -1, 0] if spec.batch_first else split[-1, :, 0]
        return (
            SliceComparison(
                last, "h_n[-1]", diff(values, h_n[-1]), "a forward-only top layer ends at the last time step"
            ),
        )
    forward_label, forward = at("-1", 0)
    backward_last_label, backward_last = at("-1", 1)
    backward_first_label, backward_first = at("0", 1)
    return (
        SliceComparison(
            forward_label, "h_n[-2]", diff(forward, h_n[-2]), "the forward direction finishes at the last time step"
        ),
        SliceComparison(
            backward_last_label,
            "h_n[-1]",
            diff(backward_last, h_n[-1]),
            "at the last step the backward direction has seen one character only"
            if spec.seq_len > 1
            else "with one time step the last step is also the first",
        ),
        SliceComparison(
            backward_first_label,
            "h_n[-1]",
            diff(backward_first, h_n[-1]),
            "the backward direction finishes at the first time step",
        ),
    )


def measure_shapes(spec: ShapeSpec) -> ShapeReport:
    """Build the module, run it on random input, and record every shape torch returns."""
    check_spec(spec)
    generator = torch.Generator().manual_seed(spec.seed)
    layout = (spec.batch_size, spec.seq_len) if spec.batch_first else (spec.seq_len, spec.batch_size)
    inputs = torch.randn(*layout, spec.input_size, generator=generator)
    with torch.no_grad():
        if CELLS[spec.module].hand_looped:
            return _run_cells(spec, generator, inputs)
        return _run_module(spec, generator, inputs)
