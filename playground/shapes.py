"""What the Shapes page asks and what it gets back: the settings, their caps, and the report.

The Shapes page lets a learner vary sequence length, batch size, sizes, layers, direction
and layout of `nn.RNNCell`, `nn.RNN`, `nn.LSTM` or `nn.GRU`; `ShapeSpec` holds those
settings and `check_spec` refuses what the page cannot show. The answer, a `ShapeReport`, is
read off a real module by `playground.torch_shapes.run_shapes`; the diagram
(`charts.shapes`) and the page's widgets need only the settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cells import CELLS
from .errors import PlaygroundError

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
class Comparison:
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
    comparisons: tuple[Comparison, ...]


def check_spec(spec: ShapeSpec) -> None:
    """Refuse settings the page cannot show, with a sentence saying what to change."""
    if spec.module not in MODULES:
        raise PlaygroundError(f"Unknown module '{spec.module}'; choose one of: {', '.join(MODULES)}.")
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
