"""The What if? page's three sections: the two runs side by side, the units that matter, and
the hidden-state trajectory. The controls and the predictions table are `ui.what_if.controls`'s."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.labels import step_name
from charts.train.layout import colour_bound
from charts.what_if import importance_figure, probability_comparison, state_comparison, trajectory_animation
from playground import PlaygroundError, RunConfig, Trainer
from playground.nn.cells import CELLS
from playground.nn.data import Dataset
from playground.probes.interventions import Parameters, WhatIf, pass_cost
from playground.probes.trajectory import hidden_trajectories
from playground.probes.unit_importance import unit_importance
from playground.run import limits
from ui.core.draw import draw_plotly
from ui.core.markdown import escape_markdown
from ui.core.narrow_screens import width_share
from ui.what_if.controls import BIDIRECTIONAL_NOTE, IMPORTANCE_KEY, TRAJECTORY_KEY, View, predictions_table


def where_shown(config: RunConfig, dataset: Dataset, view: View) -> str:
    """The layer, direction and string the views show, as the sections name them."""
    direction_name = f", {'backward' if view.direction else 'forward'}" if config.bidirectional else ""
    return f"layer {view.layer}{direction_name}, string {dataset.sources[view.item]!r}"


def side_by_side(config: RunConfig, dataset: Dataset, result: WhatIf, view: View, step: int | None) -> None:
    """Loss and predictions of both runs, then their states and probabilities, step by step."""
    cell = CELLS[config.cell]
    original, changed = result.original, result.changed
    chars_changed = sum(a != b for new, old in zip(changed.predictions, original.predictions) for a, b in zip(new, old))
    metrics = st.columns(3)
    metrics[0].metric("loss, original", f"{original.loss:.4f}")
    metrics[1].metric("loss, changed", f"{changed.loss:.4f}", delta=f"{result.loss_change:+.4f}", delta_color="inverse")
    metrics[2].metric("predicted characters that changed", f"{chars_changed} of {sum(dataset.lengths)}")
    st.dataframe(predictions_table(result, dataset, view.item))
    if config.bidirectional:
        st.info(BIDIRECTIONAL_NOTE)
    else:
        if step is None:
            st.caption("The change acts at every step, so any step may differ.")
        elif step == 0:
            st.caption("The change acts from the first step, so any step may differ.")
        else:
            st.caption(
                f"One direction: the steps before {step_name(step)} are computed exactly as before (bit for bit)."
            )

    where = where_shown(config, dataset, view)
    panels = [("h", changed.hidden, original.hidden)]
    if cell.has_cell_state:
        panels.append(("c", changed.cell, original.cell))
    length = dataset.lengths[view.item]  # a shorter string's views end with it, not on the padding
    for name, new, old in panels:
        draw_plotly(
            st,
            state_comparison(
                old[view.layer, view.direction, view.item, :length],
                new[view.layer, view.direction, view.item, :length],
                original.source_chars[view.item],
                changed.source_chars[view.item],
                f"{name}_t, {where}: time × unit",
                step,
                colour_bound(old[:, :, view.item, :length]),  # the string's states, every layer: Train's colours
                width_share(),
            ),
            f"whatif-{name}",
            f"what-if-{name}",
        )
    draw_plotly(
        st,
        probability_comparison(
            original.probabilities[view.item, :length],
            changed.probabilities[view.item, :length],
            dataset.vocab.chars,
            original.source_chars[view.item],
            changed.source_chars[view.item],
            "Per-step probabilities",
            width_share(),
        ),
        "whatif-probabilities",
        "what-if-probabilities",
    )
    # Said under the chart, not in its title: on a phone the title ran off the chart.
    st.caption("● marks each step's predicted character; a red box, a step whose prediction changed.")


def units_that_matter(config: RunConfig, params: Parameters, dataset: Dataset, view: View) -> None:
    """Each unit of the shown layer zeroed in turn: how much the loss and the predictions change.
    On by default only where the host's cap on one pass's work allows it."""
    st.subheader("The units that matter")
    where = where_shown(config, dataset, view)
    cost = pass_cost(config, config.hidden_size * dataset.batch_size, dataset.seq_len, view.layer)
    affordable = cost <= limits.LIMITS.max_what_if_multiply_adds
    if st.toggle(f"Zero each unit of {where.rsplit(', string', 1)[0]} in turn", affordable, key=IMPORTANCE_KEY):
        try:
            importance = unit_importance(config, params, dataset, view.layer, view.direction)
        except PlaygroundError as error:
            st.error(escape_markdown(str(error)))
        else:
            draw_plotly(
                st,
                importance_figure(
                    importance.loss_change,
                    importance.changed_chars,
                    f"Each unit zeroed at every step, epoch {view.epoch}",
                ),
                "whatif-importance-chart",
                "what-if-units",
            )
            st.dataframe(
                pd.DataFrame(
                    {
                        "unit": range(config.hidden_size),
                        "loss with it zeroed": importance.loss.tolist(),
                        "loss change": importance.loss_change.tolist(),
                        "predicted chars changed": importance.changed_chars.tolist(),
                        "correct chars": importance.correct_chars.tolist(),
                    }
                ).sort_values("loss change", ascending=False),
                hide_index=True,
            )
            st.caption(
                f"Original: loss {importance.original_loss:.4f}, {importance.original_correct} of "
                f"{importance.total_chars} characters right. A tall bar is a unit the network relies on; "
                "a bar near zero is one it could do without."
            )


def trajectory(trainer: Trainer, view: View, held_out: bool = False) -> None:
    """Every training string's h_t as a path through the two main directions of the hidden space."""
    config, dataset = trainer.config, trainer.dataset
    st.subheader("Hidden-state trajectory")
    if held_out:
        st.caption("The trajectories follow the training strings over the epochs; pick them above to see them.")
        return
    if st.toggle("Show h_t of every string as a path through the hidden space", True, key=TRAJECTORY_KEY):
        paths = hidden_trajectories(trainer, view.epoch, view.layer)
        draw_plotly(
            st,
            trajectory_animation(
                paths.epochs,
                paths.points,
                dataset.source_chars,
                paths.projection.explained,
                view.epoch,
                width_share(),
            ),
            "whatif-trajectory-chart",
            "what-if-trajectory",
        )
        st.caption(
            f"Layer {view.layer}'s h_t{' (both directions side by side)' if config.bidirectional else ''} of every "
            "step of every string, on the two "
            f"principal axes of epoch {view.epoch}'s states. Press Play to watch the paths over the recorded epochs: "
            "they start tangled and separate as the network learns to tell the strings and steps apart."
        )
