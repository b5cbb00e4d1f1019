"""The Train page's four views (loss, predictions, probabilities, hidden states), in two renderers.

Vega-Lite while the run can go on (not started, training, paused): their spec stays fixed and
their rows change, so the browser updates them in place, and a Pause or a drag of a paused run's
epoch scrubber changes them without drawing them again (Streamlit redraws a Plotly chart from
nothing, and the first one on a page loads plotly.js; docs/performance.md). Plotly once the run
has ended: the full figures, with hover details, zoom and download. Each view's two renderings
sit side by side in `charts.train` and `charts.loss`.

Every view shows one pair, and only up to that pair's own length (`Dataset.lengths`): in a
batch of pairs of different lengths a shorter pair's padding is no character, so it is not drawn.
"""

from __future__ import annotations

import streamlit as st

from charts.loss import LossRun, loss_chart, loss_figure
from charts.train.hidden_states import hidden_state_figure, hidden_states_chart
from charts.train.layout import FULL_FIGURE_PX, HALF_FIGURE_PX
from charts.train.predictions import predictions_figure, timeline_chart
from charts.train.probabilities import probabilities_chart, probabilities_figure
from playground import Trainer
from playground.nn.cells import CELLS
from ui.core.draw import chart_theme, draw_plotly
from ui.core.narrow_screens import width_share
from ui.core.session import trained_strings
from ui.core.state import TRAIN_GHOST, TRAIN_GHOST_STRINGS, TRAIN_GHOST_TEST

TIMELINE_ROWS = 16  # each row is a line of text the browser redraws on every refresh
# Heatmap cells (hidden and cell states, every layer and direction) drawn as Vega-Lite: an LSTM
# 128×3 has 3840, whose SVG the browser could not redraw ten times a second, so it fell seconds
# behind the server and even a Pause click waited its turn (bench/live_page.py).
LIVE_HEATMAP_CELLS = 1024
LOG_KEY = "train_log_scale"
LIVE_HEATMAPS_KEY = "train_live_heatmaps"
LIVE_LOSS_KEY = "train_live_loss_chart"


def heatmap_cells(trainer: Trainer) -> int:
    """Cells of the hidden-state heatmap (and the cell-state one of an LSTM) for one pair."""
    config = trainer.config
    states = 2 if CELLS[config.cell].has_cell_state else 1
    return trainer.dataset.seq_len * config.hidden_size * config.layers * config.num_directions * states


def ghost_losses(trainer: Trainer) -> tuple[float, ...]:
    """The previous run's losses, drawn as a grey line behind this run's when it trained the same
    strings (a curve from another task would compare nothing)."""
    return TRAIN_GHOST.get() if _same_strings_as_ghost(trainer) else ()


def ghost_held_out_losses(trainer: Trainer) -> tuple[float, ...]:
    """The previous run's held-out losses, a dotted grey line, on the same terms as `ghost_losses`."""
    return TRAIN_GHOST_TEST.get() if _same_strings_as_ghost(trainer) else ()


def _same_strings_as_ghost(trainer: Trainer) -> bool:
    return TRAIN_GHOST_STRINGS.get() == trained_strings(trainer.config)


def held_out_losses(trainer: Trainer) -> list[float]:
    """The held-out pairs' loss per epoch; none for a run without held-out pairs."""
    return [record.test_loss for record in trainer.history if record.has_test]


def best_epoch(trainer: Trainer) -> int | None:
    """The epoch of the lowest held-out loss, marked when early stopping watches it."""
    return trainer.best_epoch if trainer.config.patience else None


def batch_losses(trainer: Trainer) -> list[tuple[float, ...]] | None:
    """Each epoch's loss per optimizer step of a run in mini-batches, drawn as faint points; None
    for a run that trains all its pairs at once (its chart is as it always was)."""
    return [record.batch_losses for record in trainer.history] if trainer.minibatches else None


def curve_toggles(trainer: Trainer) -> None:
    """Under the loss chart (so both chart tops line up): what its grey line is, its scale, and
    whether heatmaps follow training."""
    if ghost_losses(trainer):
        dotted = " (dotted: its held-out pairs)" if ghost_held_out_losses(trainer) else ""
        st.caption(f"Grey line: your previous run on these strings{dotted}, for comparison.")
    st.toggle("Log-scale loss", key=LOG_KEY)
    st.toggle(
        "Heatmaps follow training live",
        value=True,
        key=LIVE_HEATMAPS_KEY,
        help="Redraw the probability and hidden-state heatmaps at every refresh while "
        "training. Off, the loss curve and predictions refresh faster on slow machines.",
    )


def vega_curves(trainer: Trainer, pair: int, shown_epoch: int | None = None, held_out: bool = False) -> None:
    """Loss curve and predictions timeline, side by side; ``shown_epoch`` marked (a paused run's);
    ``held_out``: ``pair`` is a held-out pair."""
    dataset = trainer.dataset
    left, right = st.columns(2, gap="medium")
    with left:
        rows, spec = loss_chart(
            [r.loss for r in trainer.history],
            trainer.solved_epoch,
            bool(st.session_state.get(LOG_KEY)),
            shown_epoch,
            ghost_losses(trainer),
            held_out_losses(trainer),
            ghost_held_out_losses(trainer),
            best_epoch(trainer),
            batch_losses(trainer),
        )
        st.vega_lite_chart(rows, spec, key=LIVE_LOSS_KEY, width="stretch")
        curve_toggles(trainer)
    with right:
        rows, spec = timeline_chart(
            trainer.history,
            pair,
            dataset.vocab.chars,
            targets(trainer, pair, held_out),
            None if held_out else trainer.solved_epoch,
            TIMELINE_ROWS,
            shown_epoch,
            held_out,
        )
        st.vega_lite_chart(rows, spec, key="train_live_predictions_chart")


def vega_heatmaps(trainer: Trainer, pair: int, epoch: int) -> None:
    """The epoch's probabilities and hidden states, as in-place Vega-Lite heatmaps."""
    dataset = trainer.dataset
    internals = trainer.internals(epoch)
    length = dataset.lengths[pair]
    left, right = st.columns(2, gap="medium")
    with left:
        rows, spec = probabilities_chart(
            trainer.history[epoch - 1].probabilities[pair, :length],
            dataset.vocab.chars,
            dataset.source_chars[pair],
            targets(trainer, pair),
            width_share=width_share(0.5),
        )
        st.vega_lite_chart(rows, spec, key="train_live_probabilities_chart", width="stretch")
    cell = internals.cell[:, :, pair, :length] if internals.cell is not None else None
    rows, spec = hidden_states_chart(internals.hidden[:, :, pair, :length], dataset.source_chars[pair], cell)
    # Laid out as the finished view: beside the probabilities, or full width for more than two panels.
    wide = trainer.config.num_directions * (2 if cell is not None else 1) > 2
    (st.container() if wide else right).vega_lite_chart(rows, spec, key="train_live_hidden_chart")


def plotly_curves(trainer: Trainer, pair: int, epoch: int, held_out: bool = False) -> None:
    """Loss curve and predictions timeline of a finished run, side by side, ``epoch`` marked;
    ``held_out``: ``pair`` is a held-out pair."""
    dataset = trainer.dataset
    left, right = st.columns(2, gap="medium")
    with left:
        chart = st.empty()  # the toggles sit under the chart so both chart tops line up
        curve_toggles(trainer)
        ghost = (
            [LossRun(losses, name="previous run", ghost=True, test_losses=ghost_held_out_losses(trainer))]
            if (losses := ghost_losses(trainer))
            else []
        )
        run = LossRun(
            [r.loss for r in trainer.history],
            trainer.solved_epoch,
            test_losses=held_out_losses(trainer),
            best_epoch=best_epoch(trainer),
            batch_losses=batch_losses(trainer) or (),
        )
        draw_plotly(
            chart,
            loss_figure(
                [run, *ghost],
                epoch,
                bool(st.session_state.get(LOG_KEY)),
                trainer.config.epochs,
                theme=chart_theme(),
            ),
            "train_loss_chart",
            "train-loss",
        )
    draw_plotly(
        right,
        predictions_figure(
            trainer.history,
            pair,
            dataset.vocab.chars,
            targets(trainer, pair, held_out),
            None if held_out else trainer.solved_epoch,
            epoch,
            trainer.config.epochs,
            max_rows=TIMELINE_ROWS,
            theme=chart_theme(),
            held_out=held_out,
        ),
        "train_predictions_chart",
        "train-predictions",
    )


def plotly_heatmaps(trainer: Trainer, pair: int, epoch: int) -> None:
    """Per-step probabilities and hidden (and cell) states of one epoch, side by side."""
    dataset = trainer.dataset
    internals = trainer.internals(epoch)
    length = dataset.lengths[pair]
    panels_per_layer = trainer.config.num_directions * (2 if internals.cell is not None else 1)
    left, right = st.columns(2, gap="medium")
    draw_plotly(
        left,
        probabilities_figure(
            trainer.history[epoch - 1].probabilities[pair, :length],
            dataset.vocab.chars,
            dataset.source_chars[pair],
            targets(trainer, pair),
            epoch,
            theme=chart_theme(),
            width_share=width_share(0.5),
        ),
        "train_probabilities_chart",
        "train-probabilities",
    )
    # Up to two panels per layer fit beside the probabilities; more get the full width.
    wide = panels_per_layer > 2
    cell = internals.cell[:, :, pair, :length] if internals.cell is not None else None
    draw_plotly(
        st.container() if wide else right,
        hidden_state_figure(
            internals.hidden[:, :, pair, :length],
            dataset.source_chars[pair],
            cell,
            epoch,
            theme=chart_theme(),
            figure_px=FULL_FIGURE_PX if wide else HALF_FIGURE_PX,
        ),
        "train_hidden_chart",
        "train-hidden-states",
    )


def targets(trainer: Trainer, pair: int, held_out: bool = False) -> list[int]:
    """The pair's target indices up to its length: the padding after it has no target to draw."""
    dataset = trainer.test_dataset if held_out else trainer.dataset
    return dataset.target_indices[pair, : dataset.lengths[pair]].tolist()
