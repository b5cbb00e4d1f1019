"""Inside the cell's views of the picked step: the equation checked against the real module,
the unit's equation with its numbers and every term, the step's inputs and weights, and the
gates and states over the whole sequence."""

from __future__ import annotations

import streamlit as st

from charts.inside import matrix_figure, sequence_heatmaps, terms_figure
from charts.labels import layer_name, plain_char, step_name
from charts.train.layout import colour_bound
from playground import RunConfig
from playground.nn.cells import CELLS
from playground.nn.internals import Internals
from playground.probes.equations import ModuleStates, StepEquation, equations_for, unit_latex
from ui.core.draw import draw_plotly
from ui.core.markdown import escape_markdown
from ui.core.narrow_screens import width_share
from ui.inside.pickers import InsidePick


def equation_and_checks(
    config: RunConfig, equation: StepEquation, states: ModuleStates, internals: Internals, epoch: int
) -> None:
    """The cell's equations beside how far the hand-computed step is from the real module's."""
    cell = CELLS[config.cell]
    module_name = cell.module_name
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.subheader("The equation")
        for line in equations_for(config):
            # A closing subscript pokes 2 px past KaTeX's box, which turns the box into a scroll region
            # a keyboard cannot reach (axe: scrollable-region-focusable); a thin space keeps it inside.
            st.latex(line + r"\,")
    with right:
        ok = equation.matches
        st.metric(
            f"max |equation − {module_name}| at this step",
            f"{equation.max_abs_diff:.1e}",
            delta=f"match (float32 rounding allows {equation.tolerance:.0e})" if ok else "MISMATCH",
            delta_color="normal" if ok else "inverse",
            help="Both sides compute in float32 and round in a different order, so a correct result "
            "differs in the last digits; bigger layers sum more terms and differ a little more.",
        )
        st.caption(
            f"Reference: a real {module_name} loaded with epoch {epoch}'s parameter snapshot, run layer "
            f"by layer{' and direction by direction' if config.bidirectional else ''}; the equation gets "
            "the module's own hₜ₋₁" + (" and cₜ₋₁" if cell.has_cell_state else "") + "."
        )
        a, b = st.columns(2)
        a.metric(
            "layers vs fused core",  # short: a longer label was cut off beside its neighbour at 1280 px
            f"{states.layers_vs_fused:.1e}",
            help="Top layer of the per-layer modules against the whole multi-layer module in one call.",
        )
        b.metric(
            "engine vs modules",
            f"{states.versus_engine(internals):.1e}",
            help="The engine's hand-unrolled pass (used for gates and gradients) against the modules, all steps.",
        )


def unit_with_numbers(equation: StepEquation, pick: InsidePick) -> None:
    """The picked unit's equation with the step's numbers, and every term of the step as bars."""
    unit, step, epoch, chars = pick.unit, pick.step, pick.epoch, pick.chars
    st.markdown(
        f"**Unit {unit} at {step_name(step)} ({escape_markdown(plain_char(chars[step]))}), "
        f"epoch {epoch}, with the numbers:**"
    )
    for line in unit_latex(equation, unit):
        st.latex(line)
    direction_note = " (backward: hₜ₋₁ is the state from step t+1)" if pick.direction else ""
    draw_plotly(
        st,
        terms_figure(
            [t.label for t in equation.terms],
            [t.values for t in equation.terms],
            f"Every term at {step_name(step)} ({plain_char(chars[step])}), {layer_name(pick.layer)}{direction_note}",
            width_share(),
        ),
        "inside-terms",
        "inside-terms",
    )


def step_inputs_and_weights(equation: StepEquation) -> None:
    """x_t, h_{t-1} and the two weight matrices of the step, in a collapsed expander: the vectors in
    a row of their own (in an eighth of the page each, Plotly drew them 150 px wide, cut off by
    their 86 px columns), the matrices under them."""
    with st.expander("The inputs and weights of this step"):
        features = [str(k) for k in range(equation.x.shape[0])]
        columns = st.columns(4)
        draw_plotly(columns[0], matrix_figure(equation.x, "x_t", x=["x_t"]), "inside-x", "inside-x", narrow=True)
        draw_plotly(
            columns[1], matrix_figure(equation.h_prev, "h_{t-1}", x=["h"]), "inside-h", "inside-h-prev", narrow=True
        )
        w_ih, w_hh, b_ih, b_hh = equation.weights
        columns = st.columns(2)
        draw_plotly(
            columns[0],
            matrix_figure(w_ih, f"W_ih {tuple(w_ih.shape)}", x=features),
            "inside-wih",
            "inside-w-ih",
            narrow=True,
        )
        draw_plotly(
            columns[1], matrix_figure(w_hh, f"W_hh {tuple(w_hh.shape)}"), "inside-whh", "inside-w-hh", narrow=True
        )
        st.caption(
            "For LSTM and GRU the rows of W_ih and W_hh stack the gates in PyTorch's order "
            "(LSTM: i, f, g, o; GRU: r, z, n), hidden_size rows each."
        )


def whole_sequence(config: RunConfig, internals: Internals, pick: InsidePick) -> None:
    """Every gate and state of the picked layer, direction and item, time × unit, the step boxed."""
    cell = CELLS[config.cell]
    layer, direction, item, step, epoch = pick.layer, pick.direction, pick.item, pick.step, pick.epoch
    st.subheader("Over the whole sequence")
    length = len(pick.chars)
    panels = {name: internals.gates[name][layer, direction, item, :length] for name in cell.gate_names}
    if cell.has_cell_state:
        panels["c"] = internals.cell[layer, direction, item, :length]
    panels["h"] = internals.hidden[layer, direction, item, :length]
    # Coloured over the string's states in every layer and direction, as on Train: the same c, the same colour.
    reach = {"h": colour_bound(internals.hidden[:, :, item, :length])}
    if cell.has_cell_state:
        reach["c"] = colour_bound(internals.cell[:, :, item, :length])
    draw_plotly(
        st,
        sequence_heatmaps(
            panels,
            pick.chars,
            step,
            f"Time × unit: gates and states, epoch {epoch} ({step_name(step)} boxed)",
            reach,
            width_share(),
        ),
        "inside-gates",
        "inside-gates",
    )
    if cell.gate_names:
        st.caption(
            "Sigmoid gates run from 0 (dark purple: closed) to 1 (yellow: open); g, n, c and h use the one "
            "diverging scale of every page, blue below 0 and red above, over ±1 (c stretched to its own "
            "largest |c| where it leaves [−1, 1]). Hover a cell for its value."
        )
