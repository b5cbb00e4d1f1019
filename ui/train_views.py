"""The Train page's four views (loss, predictions, probabilities, hidden states), two ways.

While the run trains, the views are Vega-Lite charts (`charts.live`) whose spec
stays fixed and whose rows change, which the browser updates in place: Streamlit redraws a
plotly chart from nothing on every update, which would blink several times a second. A
toggle can leave the heatmaps for when the run pauses or ends. Once the run is paused or
finished, the views are plotly figures and an epoch scrubber drives all four.

Every view shows one pair, and only up to that pair's own length (`Dataset.lengths`): in a
batch of pairs of different lengths a shorter pair's padding is no character, so it is not drawn.
"""

from __future__ import annotations

import streamlit as st

from charts.hidden_states import hidden_state_figure, hidden_states_chart
from charts.live import loss_chart, probabilities_chart, timeline_chart
from charts.loss import LossRun, loss_figure
from charts.train import predictions_figure, probabilities_figure
from charts.train_layout import HALF_PLOT_PX
from playground import Trainer
from playground.cells import CELLS
from ui.draw import chart_theme, draw_plotly
from ui.live_run import show_progress
from ui.markdown import escape_markdown
from ui.state import TRAIN_FOLLOWED_EPOCH, TRAIN_GHOST, TRAIN_SHOWN_EPOCH

TIMELINE_ROWS = 16  # each row is a line of plotly text the browser redraws on every refresh
# Heatmap cells (hidden and cell states, every layer and direction) still redrawn live: an LSTM
# 128×3 has 3840, whose SVG the browser could not redraw ten times a second, so it fell seconds
# behind the server and even a Pause click waited its turn (bench/live_page.py).
LIVE_HEATMAP_CELLS = 1024
EPOCH_KEY = "train_view_epoch"
PAIR_KEY = "train_pair"
LOG_KEY = "train_log_scale"
LIVE_HEATMAPS_KEY = "train_live_heatmaps"


def live_views(trainer: Trainer) -> None:
    """Progress and the newest epoch's views, redrawn after every slice."""
    progress(trainer, running=True)
    if not trainer.epoch:
        return
    pair = _pair_picker(trainer)
    _live_curve_views(trainer, pair)
    if not st.session_state[LIVE_HEATMAPS_KEY]:
        st.caption(
            "Per-step probabilities and hidden states appear when you pause or when "
            "training ends; then drag the epoch slider through the whole run."
        )
    elif _heatmap_cells(trainer) > LIVE_HEATMAP_CELLS:
        st.caption(
            "This network's hidden states are too many to redraw live; they appear when you "
            "pause or when training ends."
        )
    else:
        _live_internal_views(trainer, pair)


def _heatmap_cells(trainer: Trainer) -> int:
    """Cells of the hidden-state heatmap (and the cell-state one of an LSTM) for one pair."""
    config = trainer.config
    states = 2 if CELLS[config.cell].has_cell_state else 1
    return trainer.dataset.seq_len * config.hidden_size * config.layers * config.num_directions * states


def still_views(trainer: Trainer) -> None:
    """Progress, the four views of the chosen epoch, and between the curves and the heatmaps
    the epoch scrubber (drawn first, as it picks the epoch; placed under the curves so they
    start on a laptop's first screen)."""
    progress(trainer, running=False)
    curves = st.container()
    epoch = _scrubbed_epoch(trainer)
    TRAIN_SHOWN_EPOCH.set((id(trainer), epoch))
    pair = _pair_picker(trainer)
    with curves:
        _curve_views(trainer, epoch, pair)
    _internal_views(trainer, epoch, pair)


def progress(trainer: Trainer, running: bool) -> None:
    """The progress bar, and beside it whether the network has learned its target (side by
    side, so the views start higher on a laptop's first screen)."""
    bar, verdict = st.columns(2, vertical_alignment="center")
    with bar:
        show_progress(trainer, running)
    config = trainer.config
    if trainer.solved_epoch is not None:
        targets = ", ".join(escape_markdown(t) for t in trainer.dataset.targets)
        verdict.success(
            f"Solved at epoch {trainer.solved_epoch} of {config.epochs}: the network outputs **{targets}**.",
            icon=":material/check_circle:",
        )
    elif trainer.done:
        verdict.warning(
            f"Not solved in {config.epochs} epochs. Try more epochs, a larger learning rate or a bigger hidden size.",
            icon=":material/info:",
        )


def _scrubbed_epoch(trainer: Trainer) -> int:
    """The epoch the learner picked with the scrubber; it jumps to the newest after training."""
    if trainer.epoch < 2:
        return trainer.epoch
    if TRAIN_FOLLOWED_EPOCH.get() != trainer.epoch or EPOCH_KEY not in st.session_state:
        st.session_state[EPOCH_KEY] = trainer.epoch
        TRAIN_FOLLOWED_EPOCH.set(trainer.epoch)
    st.session_state[EPOCH_KEY] = min(max(1, st.session_state[EPOCH_KEY]), trainer.epoch)
    return st.slider(
        "Show epoch",
        1,
        trainer.epoch,
        key=EPOCH_KEY,
        help="Drag through the run: every view below shows the chosen epoch.",
    )


def _pair_picker(trainer: Trainer) -> int:
    dataset = trainer.dataset
    if dataset.batch_size == 1:
        return 0
    if st.session_state.get(PAIR_KEY, 0) >= dataset.batch_size:
        st.session_state[PAIR_KEY] = 0
    return st.selectbox(
        "Pair shown in the views",
        range(dataset.batch_size),
        key=PAIR_KEY,
        format_func=lambda b: f"{b}: {dataset.sources[b]} → {dataset.targets[b]}",  # strings count from 0
    )


def _live_heatmaps_toggle() -> None:
    st.toggle(
        "Heatmaps follow training live",
        value=True,
        key=LIVE_HEATMAPS_KEY,
        help="Redraw the probability and hidden-state heatmaps at every refresh while "
        "training. Off, the loss curve and predictions refresh faster on slow machines.",
    )


def _curve_views(trainer: Trainer, epoch: int, pair: int) -> None:
    """Loss curve and predictions timeline, side by side."""
    dataset = trainer.dataset
    left, right = st.columns(2, gap="medium")
    with left:
        chart = st.empty()  # the toggles sit under the chart so both chart tops line up
        log_scale = st.toggle("Log-scale loss", key=LOG_KEY)
        _live_heatmaps_toggle()
        draw_plotly(
            chart,
            loss_figure(
                [LossRun([r.loss for r in trainer.history], trainer.solved_epoch), *_ghost()],
                epoch,
                log_scale,
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
            _targets(trainer, pair),
            trainer.solved_epoch,
            epoch,
            trainer.config.epochs,
            max_rows=TIMELINE_ROWS,
            theme=chart_theme(),
        ),
        "train_predictions_chart",
        "train-predictions",
    )


def _targets(trainer: Trainer, pair: int) -> list[int]:
    """The pair's target indices up to its length: the padding after it has no target to draw."""
    return trainer.dataset.target_indices[pair, : trainer.dataset.lengths[pair]].tolist()


def _ghost() -> list[LossRun]:
    """The previous run's loss curve, drawn faintly behind this run's."""
    losses = TRAIN_GHOST.get()
    return [LossRun(losses, name="previous run", ghost=True)] if losses else []


def _internal_views(trainer: Trainer, epoch: int, pair: int) -> None:
    """Per-step probabilities and hidden (and cell) states of one epoch, side by side.

    A long run keeps weights only for evenly spaced epochs; the views then show the
    nearest kept one and say so.
    """
    dataset = trainer.dataset
    kept = trainer.nearest_detailed_epoch(epoch)
    if kept != epoch:
        st.caption(
            f"This long run kept the weights of every few epochs only; the heatmaps "
            f"show epoch {kept}, the nearest kept one."
        )
        epoch = kept
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
            _targets(trainer, pair),
            epoch,
            theme=chart_theme(),
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
            plot_px=HALF_PLOT_PX * (2 if wide else 1),
        ),
        "train_hidden_chart",
        "train-hidden-states",
    )


def _live_curve_views(trainer: Trainer, pair: int) -> None:
    """Loss curve and predictions timeline while training, as Vega-Lite charts updated in place."""
    dataset = trainer.dataset
    left, right = st.columns(2, gap="medium")
    with left:
        rows, spec = loss_chart(
            [r.loss for r in trainer.history], trainer.solved_epoch, bool(st.session_state.get(LOG_KEY))
        )
        st.vega_lite_chart(rows, spec, key="train_live_loss_chart", width="stretch")
        st.toggle("Log-scale loss", key=LOG_KEY)
        _live_heatmaps_toggle()
    with right:
        rows, spec = timeline_chart(
            trainer.history,
            pair,
            dataset.vocab.chars,
            _targets(trainer, pair),
            trainer.solved_epoch,
            TIMELINE_ROWS,
        )
        st.vega_lite_chart(rows, spec, key="train_live_predictions_chart")


def _live_internal_views(trainer: Trainer, pair: int) -> None:
    """The newest epoch's probabilities and hidden states, as in-place Vega-Lite heatmaps."""
    dataset, epoch = trainer.dataset, trainer.epoch
    internals = trainer.internals(epoch)
    length = dataset.lengths[pair]
    left, right = st.columns(2, gap="medium")
    with left:
        rows, spec = probabilities_chart(
            trainer.history[epoch - 1].probabilities[pair, :length],
            dataset.vocab.chars,
            dataset.source_chars[pair],
            _targets(trainer, pair),
        )
        st.vega_lite_chart(rows, spec, key="train_live_probabilities_chart", width="stretch")
    cell = internals.cell[:, :, pair, :length] if internals.cell is not None else None
    rows, spec = hidden_states_chart(internals.hidden[:, :, pair, :length], dataset.source_chars[pair], cell)
    # Laid out as the finished view: beside the probabilities, or full width for more than two panels.
    wide = trainer.config.num_directions * (2 if cell is not None else 1) > 2
    (st.container() if wide else right).vega_lite_chart(rows, spec, key="train_live_hidden_chart")
