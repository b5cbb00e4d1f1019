"""Inside the cell: one step of the trained network's equation, with its actual numbers."""

import streamlit as st

from charts.inside import matrix_figure, sequence_heatmaps, terms_figure
from charts.labels import direction_name, layer_name, plain_char, step_name
from playground import PlaygroundError
from playground.cells import CELLS
from playground.equations import equations_for, module_states, step_equation, unit_latex
from ui.draw import draw_plotly
from ui.followed import INSIDE_EPOCH_KEY, start_inside_epoch
from ui.inside_run import trained_run
from ui.markdown import escape_markdown

st.title("Inside the cell")
trainer = trained_run("inside")
if trainer is None:
    st.stop()
config, dataset = trainer.config, trainer.dataset
cell = CELLS[config.cell]
module_name = cell.module_name
st.caption(
    f"The run from the Train page: {module_name}, {config.layers} layer(s), "
    f"{'bidirectional, ' if config.bidirectional else ''}hidden size {config.hidden_size}, "
    f"trained {trainer.epoch} epoch(s) on {escape_markdown(', '.join(repr(s) for s in dataset.sources))}."
)

choices = (
    ["epoch"]
    + (["layer"] if config.layers > 1 else [])
    + (["direction"] if config.bidirectional else [])
    + (["item"] if dataset.batch_size > 1 else [])
    + ["unit"]
)
row = dict(zip(choices, st.columns([3] + [1] * (len(choices) - 1))))
kept = trainer.detailed_epochs
start_inside_epoch(trainer)  # opens at the epoch the Train page shows
epoch = (
    row["epoch"].select_slider("Epoch (weights used by that epoch's forward pass)", kept, key=INSIDE_EPOCH_KEY)
    if len(kept) > 1
    else kept[0]
)
layer = (
    row["layer"].selectbox("Layer", range(config.layers), key="inside-layer", format_func=layer_name)
    if "layer" in row
    else 0
)
direction = (
    row["direction"].selectbox("Direction", (0, 1), key="inside-direction", format_func=direction_name)
    if "direction" in row
    else 0
)
item = (
    row["item"].selectbox(
        "Batch item", range(dataset.batch_size), key="inside-item", format_func=lambda b: repr(dataset.sources[b])
    )
    if "item" in row
    else 0
)
unit = row["unit"].selectbox("Unit", range(config.hidden_size), key="inside-unit")
chars = dataset.source_chars[item]  # the item's own characters: its padding has no step to show
if st.session_state.get("inside-step", 0) >= len(chars):  # kept from a longer item
    del st.session_state["inside-step"]
step = st.select_slider(
    "Time step t (input character)",
    options=range(len(chars)),
    key="inside-step",
    format_func=lambda t: f"{step_name(t)} ({plain_char(chars[t])})",
)

params = trainer.history[epoch - 1].parameters
try:
    states = module_states(config, params, dataset)
    equation = step_equation(config, params, states, layer, direction, item, step)
except PlaygroundError as error:
    st.error(escape_markdown(str(error)))
    st.stop()
internals = trainer.internals(epoch)

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
        "layer modules vs fused core",
        f"{states.layers_vs_fused:.1e}",
        help="Top layer of the per-layer modules against the whole multi-layer module in one call.",
    )
    b.metric(
        "engine vs modules, all steps",
        f"{states.versus_engine(internals):.1e}",
        help="The engine's hand-unrolled pass (used for gates and gradients) against the modules.",
    )

st.markdown(
    f"**Unit {unit} at {step_name(step)} ({escape_markdown(plain_char(chars[step]))}), "
    f"epoch {epoch}, with the numbers:**"
)
for line in unit_latex(equation, unit):
    st.latex(line)

direction_note = " (backward: hₜ₋₁ is the state from step t+1)" if direction else ""
draw_plotly(
    st,
    terms_figure(
        [t.label for t in equation.terms],
        [t.values for t in equation.terms],
        f"Every term at {step_name(step)} ({plain_char(chars[step])}), {layer_name(layer)}{direction_note}",
    ),
    "inside-terms",
    "inside-terms",
)

with st.expander("The inputs and weights of this step"):
    features = [str(k) for k in range(equation.x.shape[0])]
    columns = st.columns([1, 1, 3, 3])
    draw_plotly(columns[0], matrix_figure(equation.x, "x_t", x=["x_t"]), "inside-x", "inside-x", narrow=True)
    draw_plotly(
        columns[1], matrix_figure(equation.h_prev, "h_{t-1}", x=["h"]), "inside-h", "inside-h-prev", narrow=True
    )
    w_ih, w_hh, b_ih, b_hh = equation.weights
    draw_plotly(
        columns[2],
        matrix_figure(w_ih, f"W_ih {tuple(w_ih.shape)}", x=features),
        "inside-wih",
        "inside-w-ih",
        narrow=True,
    )
    draw_plotly(columns[3], matrix_figure(w_hh, f"W_hh {tuple(w_hh.shape)}"), "inside-whh", "inside-w-hh", narrow=True)
    st.caption(
        "For LSTM and GRU the rows of W_ih and W_hh stack the gates in PyTorch's order "
        "(LSTM: i, f, g, o; GRU: r, z, n), hidden_size rows each."
    )

st.subheader("Over the whole sequence")
length = len(chars)
panels = {name: internals.gates[name][layer, direction, item, :length] for name in cell.gate_names}
if cell.has_cell_state:
    panels["c"] = internals.cell[layer, direction, item, :length]
panels["h"] = internals.hidden[layer, direction, item, :length]
draw_plotly(
    st,
    sequence_heatmaps(panels, chars, step, f"Time × unit: gates and states, epoch {epoch} ({step_name(step)} boxed)"),
    "inside-gates",
    "inside-gates",
)
if cell.gate_names:
    st.caption(
        "Sigmoid gates run from 0 (dark purple: closed) to 1 (yellow: open); g, n, c and h use the one "
        "diverging scale of every page, blue below 0 and red above, over ±1 (c stretched to its own "
        "largest |c| where it leaves [−1, 1]). Hover a cell for its value."
    )
