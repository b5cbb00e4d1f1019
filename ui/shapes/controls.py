"""The Shapes page's settings: where they start (the trained run or the page's example) and
the widgets that make a `ShapeSpec`. Which values the widgets open at is `ui.core.shown_epoch`'s choice."""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground import Trainer
from playground.nn.cells import CELLS
from playground.nn.model import input_size
from playground.probes.shapes import MAX_BATCH, MAX_FEATURES, MAX_LAYERS, MAX_SEQ_LEN, MODULES, ShapeSpec
from ui.shapes.state import SHAPES_EXAMPLE, SHAPES_FOLLOWED_RUN, SHAPES_KEYS, SHAPES_SPEC


def start_buttons(trainer: Trainer) -> None:
    """Which run the settings started from, and a button each for its sizes and the page's example."""
    run_spec, capped = shapes_of_run(trainer)
    st.caption(
        f"Starts from the Train page's run ({CELLS[trainer.config.cell].module_name})"
        + (f", within this page's caps ({', '.join(capped)})" if capped else "")
        + "."
    )
    use_run, use_example = st.columns(2)
    use_run.button("The trained run's sizes", key="shapes-use-run", on_click=set_shapes_widgets, args=(run_spec,))
    use_example.button(
        "This page's example", key="shapes-use-example", on_click=set_shapes_widgets, args=(SHAPES_EXAMPLE,)
    )


def _size_box(container: Any, label: str, field: str, high: int) -> int:
    return container.number_input(label, step=1, key=SHAPES_KEYS[field], help=f"1 to {high} on this page.")


COLUMNS = (1, 2.2)  # the controls' column and the diagram's
DIAGRAM_COLUMN = COLUMNS[1] / sum(COLUMNS)  # the diagram's share of the page's width


def shapes_controls() -> tuple[ShapeSpec, Any]:
    """The module and its sizes in a narrow column; the spec they make, and the wide column
    beside them for the diagram."""
    controls, diagram = st.columns(list(COLUMNS), gap="large")
    with controls:
        module = st.radio(
            "Module",
            MODULES,
            horizontal=True,
            key=SHAPES_KEYS["module"],
            format_func=lambda m: CELLS[m].short,
            help=", ".join(cell.label for cell in CELLS.values()),
        )
        left, right = st.columns(2)
        # No min or max on the boxes: a browser turns a number out of range red without a word, so
        # every value reaches the page, which says what is allowed (`check_spec`).
        seq_len = _size_box(left, "seq_len", "seq_len", MAX_SEQ_LEN)
        batch = _size_box(right, "batch size", "batch_size", MAX_BATCH)
        input_size = _size_box(left, "input_size", "input_size", MAX_FEATURES)
        hidden_size = _size_box(right, "hidden_size", "hidden_size", MAX_FEATURES)
        layers = _size_box(left, "num_layers", "layers", MAX_LAYERS)
        one_way = CELLS[module].hand_looped  # a hand loop of cells runs forward in time only
        bidirectional = st.checkbox(
            "bidirectional",
            key=SHAPES_KEYS["bidirectional"],
            disabled=one_way,
            help=f"{CELLS[module].module_name} runs one direction only" if one_way else None,
        )
        batch_first = st.checkbox("batch_first", key=SHAPES_KEYS["batch_first"])
    spec = ShapeSpec(
        module=module,
        seq_len=int(seq_len),
        batch_size=int(batch),
        input_size=int(input_size),
        hidden_size=int(hidden_size),
        layers=int(layers),
        bidirectional=bidirectional and not one_way,
        batch_first=batch_first,
    )
    return spec, diagram


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
