"""Resource caps that keep one learner from starving a shared classroom server.

Every cap has a default sized for a 2-core machine hosting thirty students, and can be
changed by the host with an environment variable named ``RNN_PLAYGROUND_<NAME>``
(for example ``RNN_PLAYGROUND_MAX_HIDDEN_SIZE=1024``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    max_string_length: int = 64
    max_pairs: int = 16
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


def _parse(name: str, kind: type, raw: str) -> int | float:
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"Environment variable {name}={raw!r} is not a {kind.__name__}.") from None
    if not value > 0:
        raise ValueError(f"Environment variable {name}={raw!r} must be positive.")
    return value


def load_limits(environ: dict[str, str] | None = None) -> Limits:
    """Defaults, overridden by any ``RNN_PLAYGROUND_<NAME>`` variable in ``environ``."""
    environ = os.environ if environ is None else environ
    overrides = {}
    for field in fields(Limits):
        name = f"RNN_PLAYGROUND_{field.name.upper()}"
        if name in environ:
            kind = int if field.type == "int" else float
            overrides[field.name] = _parse(name, kind, environ[name])
    return Limits(**overrides)


LIMITS = load_limits()
