"""What the Shapes page keeps in a session: its widgets' keys, the run it last started from and what it showed."""

from __future__ import annotations

from playground.probes.shapes import ShapeSpec
from ui.core.state import SessionKey

SHAPES_KEYS = {  # ShapeSpec field: the Shapes page's widget key
    "module": "shapes-module",
    "seq_len": "shapes-seq",
    "batch_size": "shapes-batch",
    "input_size": "shapes-input",
    "hidden_size": "shapes-hidden",
    "layers": "shapes-layers",
    "bidirectional": "shapes-bidirectional",
    "batch_first": "shapes-batch-first",
}
SHAPES_EXAMPLE = ShapeSpec()  # the page's own example: a small nn.RNN

# The run whose sizes the page last started from (id of the trainer), and the settings it showed last.
SHAPES_FOLLOWED_RUN: SessionKey[int | None] = SessionKey("shapes_followed_run", None)
SHAPES_SPEC: SessionKey[ShapeSpec | None] = SessionKey("shapes_spec", None)
