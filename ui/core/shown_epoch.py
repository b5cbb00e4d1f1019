"""Pages follow the run: where Inside the cell, Shapes and Gradient flow start.

A learner who rewinds the Train page to epoch 12 and opens Inside the cell expects epoch 12,
and one who trained a 2-layer LSTM and opens Shapes expects that LSTM's tensors. Each page
still has its own example one click away; these functions only choose where it starts.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground import Trainer
from playground.lessons.gradient_flow import COMPARED_CELLS
from playground.nn.model import input_size
from playground.probes.shapes import MAX_BATCH, MAX_FEATURES, MAX_LAYERS, MAX_SEQ_LEN, MODULES, ShapeSpec
from playground.run.compare import Contender
from ui.core.state import (
    GRADIENT_FLOW_FOLLOWED_RUN,
    GRADIENT_FLOW_RACE,
    INSIDE_FOLLOWED_EPOCH,
    SHAPES_FOLLOWED_RUN,
    SHAPES_SPEC,
    TRAIN_SHOWN_EPOCH,
    SessionKey,
)

INSIDE_EPOCH_KEY = "inside-epoch"
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


def train_shown_epoch(trainer: Trainer) -> int:
    """The epoch the Train page shows for ``trainer`` (its scrubber's), else the newest one."""
    shown = TRAIN_SHOWN_EPOCH.get()
    if shown is not None and shown[0] == id(trainer) and 1 <= shown[1] <= trainer.epoch:
        return shown[1]
    return trainer.epoch


def start_at_shown_epoch(
    trainer: Trainer, slider_key: str, followed: SessionKey[tuple[int, int] | None], state: Any = None
) -> None:
    """Put a page's epoch slider (``slider_key``) where the Train page shows, whenever that moved
    (or the slider forgot its value on another page); in between, the learner's own choice stays.
    ``followed`` remembers the (run, epoch) the slider last started from."""
    state = st.session_state if state is None else state
    shown = (id(trainer), train_shown_epoch(trainer))
    if followed.get(state) != shown or slider_key not in state:
        followed.set(shown, state)
        state[slider_key] = trainer.nearest_detailed_epoch(shown[1])


def start_inside_epoch(trainer: Trainer, state: Any = None) -> None:
    """Inside the cell opens at the epoch the Train page shows."""
    start_at_shown_epoch(trainer, INSIDE_EPOCH_KEY, INSIDE_FOLLOWED_EPOCH, state)


def shapes_of_run(trainer: Trainer) -> tuple[ShapeSpec, list[str]]:
    """The Shapes settings of ``trainer``'s core, within the page's caps, and what was capped."""
    config, dataset = trainer.config, trainer.dataset
    wanted = {
        "seq_len": (dataset.seq_len, MAX_SEQ_LEN, "sequence length"),
        "batch_size": (dataset.batch_size, MAX_BATCH, "batch size"),
        "input_size": (input_size(config, len(dataset.vocab.chars)), MAX_FEATURES, "input size"),
        "hidden_size": (config.hidden_size, MAX_FEATURES, "hidden size"),
        "layers": (config.layers, MAX_LAYERS, "layers"),
    }
    capped = [f"{name} {value} → {cap}" for value, cap, name in wanted.values() if value > cap]
    sizes = {field: min(value, cap) for field, (value, cap, _) in wanted.items()}
    module = config.cell if config.cell in MODULES else SHAPES_EXAMPLE.module
    spec = ShapeSpec(module=module, bidirectional=config.bidirectional, batch_first=config.batch_first, **sizes)
    return spec, capped


def set_shapes_widgets(spec: ShapeSpec, state: Any = None) -> None:
    """Put ``spec`` into the Shapes page's widgets (a button callback, or before they are drawn)."""
    state = st.session_state if state is None else state
    for field, key in SHAPES_KEYS.items():
        state[key] = getattr(spec, field)


def start_shapes(trainer: Trainer | None, state: Any = None) -> None:
    """Fill the Shapes widgets before they are drawn: from a run the page has not started from
    yet, else from what they showed last (Streamlit forgets a widget's value on another page),
    else the page's own example."""
    state = st.session_state if state is None else state
    if trainer is not None and SHAPES_FOLLOWED_RUN.get(state) != id(trainer):
        SHAPES_FOLLOWED_RUN.set(id(trainer), state)
        set_shapes_widgets(shapes_of_run(trainer)[0], state)
        return
    last = SHAPES_SPEC.get(state) or SHAPES_EXAMPLE
    for field, key in SHAPES_KEYS.items():
        if key not in state:
            state[key] = getattr(last, field)


GRADIENT_FLOW_TASK_KEY = "gradient-flow-task"
RUN_TASK, MEMORY_TASK = "run", "memory"  # the Train run's strings; the page's own example


def run_contenders(trainer: Trainer) -> list[Contender]:
    """The Train run's task (strings, sizes, optimizer, seed) once per compared core."""
    return [Contender(cell, trainer.config.with_changes(cell=cell)) for cell in COMPARED_CELLS]


def start_gradient_flow(trainer: Trainer | None, state: Any = None) -> None:
    """Choose Gradient flow's task before its radio is drawn: a run the page has not started
    from yet brings its own strings; otherwise the task the page's three runs are on (Streamlit
    forgets the radio on another page), so coming back never throws their training away."""
    state = st.session_state if state is None else state
    if trainer is None:
        state[GRADIENT_FLOW_TASK_KEY] = MEMORY_TASK
        return
    if GRADIENT_FLOW_FOLLOWED_RUN.get(state) != id(trainer):
        GRADIENT_FLOW_FOLLOWED_RUN.set(id(trainer), state)
        state[GRADIENT_FLOW_TASK_KEY] = RUN_TASK
    elif GRADIENT_FLOW_TASK_KEY not in state:
        race = GRADIENT_FLOW_RACE.get(state)
        on_run = race is None or race.contenders == run_contenders(trainer)
        state[GRADIENT_FLOW_TASK_KEY] = RUN_TASK if on_run else MEMORY_TASK
