"""Resource caps that keep one learner from starving a shared classroom server.

Every cap has a default sized for a 2-core machine hosting thirty students, and can be
changed by the host with an environment variable named ``RNN_PLAYGROUND_<NAME>``
(for example ``RNN_PLAYGROUND_MAX_HIDDEN_SIZE=1024``): a whole number greater than 0 for a
count, a finite number greater than 0 for the others.

Importing the engine never raises: a variable that is not a valid cap leaves the defaults in
`LIMITS`, and each program's entry point (the CLI's `playground.cli.main`, app.py's script
run) calls `check_limits` first, which raises a `CapVariableError` naming the variable, so
nothing runs under caps the host did not mean.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from playground.run.errors import CapVariableError

if TYPE_CHECKING:
    from playground.run.config import RunConfig

# The share of the host's memory one server process may hold by default. `python -m deploy.classroom`
# gives each of its replicas that share divided by their number (it sets `RNN_PLAYGROUND_MAX_SERVER_MEGABYTES`).
HOST_SHARE = 0.75


def host_megabytes() -> float:
    """The host's physical memory in MB (4096 where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    except (ValueError, OSError, AttributeError):
        return 4096.0


def server_megabytes(replicas: int = 1) -> float:
    """The default memory budget of one server process among ``replicas`` on this host."""
    return float(round(host_megabytes() * HOST_SHARE / replicas))


@dataclass(frozen=True)
class Limits:
    max_string_length: int = 64
    # Pairs per batch: 64 lets a generated task hold enough pairs to generalise (the memorise/generalise
    # lesson); a batch is one forward pass, and max_train_seconds still bounds a run.
    max_pairs: int = 64
    max_test_pairs: int = 64  # held-out pairs evaluated after every epoch
    max_hidden_size: int = 256
    max_layers: int = 4
    max_embedding_size: int = 256
    max_epochs: int = 2000
    max_learning_rate: float = 10.0
    max_train_seconds: float = 60.0  # CPU seconds of training per run (see playground.run.budget)
    max_vocabulary: int = 128
    max_recorded_epochs: int = 500  # epochs whose weights and probabilities are kept
    max_history_megabytes: float = 8.0  # per run; long runs are thinned to fit
    # What if?: multiply-adds of the recurrence one view may cost (scoring every unit, animating epochs),
    # about a second on one core; scoring the top layer of the largest network would cost 45 times that.
    max_what_if_multiply_adds: int = 3_000_000_000
    # Memory one session may hold: its runs with their histories and weight snapshots, Compare's and
    # Gradient flow's contenders, a model file being replayed (playground.run.memory counts them). The
    # largest network the caps above allow, with its history, books about 250 MB of it.
    max_session_megabytes: float = 600.0
    # Memory one server process may hold in all, idle process (about 450 MB) and every session together.
    max_server_megabytes: float = server_megabytes()
    # Tabs of one browser that may train at once: ten tabs still get one share of the CPU.
    max_training_tabs_per_browser: int = 1
    # Characters a trained network writes in one go, and the longest prime it reads first
    # (playground.run.sampling): one step of the network each, a few tenths of a second for 500.
    max_sample_length: int = 500
    # Your own text (a next-character corpus): characters of one text, cut into windows trained in batches.
    max_corpus_characters: int = 20_000
    # Pairs read from an uploaded .csv/.tsv file, trained in batches of at most max_pairs.
    max_file_pairs: int = 2_000
    # The class store (store/): students who may join one class, runs kept for each (a new run makes room by
    # dropping the oldest), and the saved model files of a whole class (a model of the largest network is
    # about 25 MB, of a lesson's network a few kB).
    max_students_per_class: int = 60
    max_runs_per_student: int = 5
    max_class_megabytes: float = 1000.0
    # Days a closed class's students, runs and results are kept before they are deleted (store.classes).
    retention_days: float = 30.0


# The most a host may allow, where more would break the arithmetic rather than a lesson: an optimizer
# step with a learning rate near float32's largest number (3.4e38) overflows inside torch.
HIGHEST = {"max_learning_rate": 1e6}


def _parse(
    name: str, kind: type[int] | type[float], raw: str, default: int | float, highest: float = math.inf
) -> int | float:
    """``raw`` as a cap of type ``kind``: a whole number (counts) or a finite number, greater than 0
    and at most ``highest``."""
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not (kind is int or math.isfinite(value)) or not 0 < value <= highest:
        must_be = "a whole number greater than 0" if kind is int else "a finite number greater than 0"
        if highest < math.inf:
            must_be += f" and at most {highest:g}"
        raise CapVariableError(
            f"The environment variable {name}={raw!r} is not a valid cap: it must be {must_be} "
            f"(unset it for the default, {default})."
        )
    return value


def load_limits(environ: Mapping[str, str] | None = None) -> Limits:
    """Defaults, overridden by any ``RNN_PLAYGROUND_<NAME>`` variable in ``environ``;
    raises `CapVariableError` for the first variable that is not a valid cap."""
    environ = os.environ if environ is None else environ
    overrides = {}
    for field in fields(Limits):
        name = f"RNN_PLAYGROUND_{field.name.upper()}"
        if name in environ:
            kind = int if field.type == "int" else float
            overrides[field.name] = _parse(name, kind, environ[name], field.default, HIGHEST.get(field.name, math.inf))
    return Limits(**overrides)


def _limits_at_import() -> tuple[Limits, str | None]:
    """The environment's caps, or the defaults and the sentence saying which variable is not valid."""
    try:
        return load_limits(), None
    except CapVariableError as error:
        return Limits(), str(error)


LIMITS, _CAP_PROBLEM = _limits_at_import()


def check_limits() -> None:
    """Raise `CapVariableError` if an ``RNN_PLAYGROUND_<NAME>`` variable of this process is not a valid cap."""
    if _CAP_PROBLEM is not None:
        raise CapVariableError(_CAP_PROBLEM)


def largest_network(config: RunConfig, limits: Limits = LIMITS) -> RunConfig:
    """``config`` with the largest network the caps allow (a bidirectional LSTM of the most units
    and layers, a Linear head, the most epochs): what a hostile student can ask of a shared server,
    and what its budgets and benchmarks are sized against."""
    return config.with_changes(
        cell="lstm",
        hidden_size=limits.max_hidden_size,
        layers=limits.max_layers,
        bidirectional=True,
        head="linear",
        epochs=limits.max_epochs,
    )
