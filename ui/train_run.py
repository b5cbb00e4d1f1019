"""Train / Pause / Step / Reset, and the live views that redraw while the network learns.

The buttons and views form one fragment (`controls_and_views`), so a click reruns only
them. Training happens in short time slices inside a nested `st.fragment` that reruns
itself every `REFRESH_SECONDS` while the run is going: each rerun trains for
`SLICE_SECONDS` of CPU time and redraws progress and the four views for the newest epoch,
so the page stays responsive, other sessions take their turns between slices
(`ui.turns`), and the settings above never flicker. While training, the views are
Vega-Lite charts (`charts.live`) whose spec stays fixed and whose rows change,
which the browser updates in place; plotly charts are rebuilt from nothing on every update
and would blink. A toggle can leave the heatmaps for when the run pauses or ends. The
timer exists only while training: pausing reruns the panel without it, finishing does a
full rerun, and either shows a timer-free fragment where the epoch scrubber drives all
four views.

Every run of the panel that finds the run going trains one slice before drawing, which is
how `AppTest` (which does not follow ``run_every`` timers) drives a run: press Train, then
rerun until done.
"""

from __future__ import annotations

import gc

import pandas as pd
import streamlit as st

from charts.live import hidden_states_chart, loss_chart, probabilities_chart, timeline_chart
from charts.loss import LossRun, loss_figure
from charts.train import hidden_state_figure, onehot_figure, predictions_figure, probabilities_figure
from playground import PlaygroundError, RunConfig, Trainer
from playground.data import Dataset
from ui.draw import chart_theme, draw_plotly
from ui.markdown import escape_markdown
from ui.session import TRAINER_KEY, get_trainer, new_trainer, set_config
from ui.train_settings import config_from_widgets
from ui.turns import taking_turns

SLICE_SECONDS = 0.05
FINISH_SECONDS = 0.1  # a slice that leaves less work than this finishes the run instead
TIMELINE_ROWS = 16  # each row is a line of plotly text the browser redraws on every refresh
REFRESH_SECONDS = 0.1
RUNNING_KEY = "train_running"
SLICE_TRAINED_KEY = "train_slice_trained"
ERROR_KEY = "train_error"
EPOCH_KEY = "train_view_epoch"
FOLLOWED_KEY = "train_followed_epoch"
PAIR_KEY = "train_pair"
LOG_KEY = "train_log_scale"
LIVE_HEATMAPS_KEY = "train_live_heatmaps"


def is_running() -> bool:
    trainer = get_trainer()
    return bool(st.session_state.get(RUNNING_KEY)) and trainer is not None and not trainer.done


def _stop(message: str | None = None) -> None:
    st.session_state[RUNNING_KEY] = False
    if message:
        st.session_state[ERROR_KEY] = message


def _current_trainer() -> Trainer:
    """The trainer of exactly what the controls show, creating it if there is none.

    The config is re-read from the widgets here, inside the button callback, so a setting
    changed in the same interaction as the click is never trained with the old values.
    """
    set_config(config_from_widgets())
    return get_trainer() or new_trainer()


@taking_turns  # callbacks run before app.py takes its turn
def _on_train() -> None:
    st.session_state.pop(ERROR_KEY, None)
    try:
        _current_trainer()
    except PlaygroundError as error:
        _stop(str(error))
        return
    st.session_state[RUNNING_KEY] = True


def _on_pause() -> None:
    _stop()


@taking_turns  # callbacks run before app.py takes its turn
def _on_step() -> None:
    st.session_state.pop(ERROR_KEY, None)
    _stop()
    try:
        trainer = _current_trainer()
        if not trainer.done:
            trainer.train_epoch()
    except PlaygroundError as error:
        _stop(str(error))


def _on_reset() -> None:
    _stop()
    st.session_state.pop(ERROR_KEY, None)
    st.session_state.pop(TRAINER_KEY, None)


def _controls(config_ok: bool) -> None:
    """The four buttons, enabled only when they would do something."""
    trainer = get_trainer()
    running = is_running()
    done = trainer is not None and trainer.done
    columns = st.columns([1, 1, 1, 1, 3], vertical_alignment="center")
    columns[0].button("Train", key="train_train_button", icon=":material/play_arrow:", type="primary", on_click=_on_train,
                      disabled=not config_ok or running or done, width="stretch",
                      help="Train until the last epoch; the views update as it learns.")
    columns[1].button("Pause", key="train_pause_button", icon=":material/pause:", on_click=_on_pause, disabled=not running,
                      width="stretch")
    columns[2].button("Step", key="train_step_button", icon=":material/skip_next:", on_click=_on_step,
                      disabled=not config_ok or running or done, width="stretch",
                      help="Train exactly one epoch.")
    columns[3].button("Reset", key="train_reset_button", icon=":material/restart_alt:", on_click=_on_reset,
                      disabled=trainer is None, width="stretch",
                      help="Forget this run and start again from the seeded initial weights.")


def _train_slice(trainer: Trainer) -> bool:
    """Train one time slice of a running run; True when that stopped the run (done or failed)."""
    try:
        trainer.train(max_seconds=SLICE_SECONDS, finish_within=FINISH_SECONDS)
    except PlaygroundError as error:  # TrainingDiverged, or the host's time cap
        _stop(str(error))
        return True
    if trainer.done:
        _stop()
        return True
    return False


def _scrubbed_epoch(trainer: Trainer) -> int:
    """The epoch the learner picked with the scrubber; it jumps to the newest after training."""
    if trainer.epoch < 2:
        return trainer.epoch
    if st.session_state.get(FOLLOWED_KEY) != trainer.epoch or EPOCH_KEY not in st.session_state:
        st.session_state[EPOCH_KEY] = trainer.epoch
        st.session_state[FOLLOWED_KEY] = trainer.epoch
    st.session_state[EPOCH_KEY] = min(max(1, st.session_state[EPOCH_KEY]), trainer.epoch)
    return st.slider("Show epoch", 1, trainer.epoch, key=EPOCH_KEY,
                     help="Drag through the run: every view below shows the chosen epoch.")


def _progress(trainer: Trainer, running: bool) -> None:
    config = trainer.config
    state = "training…" if running else ("done" if trainer.done else "paused")
    st.progress(trainer.epoch / config.epochs,
                text=(f"Epoch {trainer.epoch} of {config.epochs} · "
                      f"{trainer.train_seconds:.2f} s of training · {state}"))
    if trainer.solved_epoch is not None:
        targets = ", ".join(escape_markdown(t) for t in trainer.dataset.targets)
        st.success(f"Solved at epoch {trainer.solved_epoch} of {config.epochs}: the network "
                   f"outputs **{targets}**.", icon=":material/check_circle:")
    elif trainer.done:
        st.warning(f"Not solved in {config.epochs} epochs. Try more epochs, a larger learning "
                   "rate or a bigger hidden size.", icon=":material/info:")


def _pair_picker(trainer: Trainer) -> int:
    dataset = trainer.dataset
    if dataset.batch_size == 1:
        return 0
    if st.session_state.get(PAIR_KEY, 0) >= dataset.batch_size:
        st.session_state[PAIR_KEY] = 0
    return st.selectbox("Pair shown in the views", range(dataset.batch_size), key=PAIR_KEY,
                        format_func=lambda b: f"{b + 1}: {dataset.sources[b]} → {dataset.targets[b]}")


def _curve_views(trainer: Trainer, epoch: int, pair: int) -> None:
    """Loss curve and predictions timeline, side by side."""
    dataset = trainer.dataset
    left, right = st.columns(2, gap="medium")
    with left:
        chart = st.empty()  # the toggles sit under the chart so both chart tops line up
        log_scale = st.toggle("Log-scale loss", key=LOG_KEY)
        _live_heatmaps_toggle()
        draw_plotly(chart, loss_figure([LossRun([r.loss for r in trainer.history], trainer.solved_epoch)], epoch,
                                       log_scale, trainer.config.epochs, theme=chart_theme()),
                    "train_loss_chart", "train-loss")
    draw_plotly(right, predictions_figure(trainer.history, pair, dataset.vocab.chars,
                                    dataset.target_indices[pair].tolist(), trainer.solved_epoch,
                                    epoch, trainer.config.epochs, max_rows=TIMELINE_ROWS,
                                    theme=chart_theme()),
                "train_predictions_chart", "train-predictions")


def _live_curve_views(trainer: Trainer, pair: int) -> None:
    """Loss curve and predictions timeline while training, as Vega-Lite charts updated in place.

    Streamlit redraws a plotly chart from nothing on every update, which blinks several
    times a second; these keep their spec for the whole run and only receive new rows.
    """
    dataset = trainer.dataset
    left, right = st.columns(2, gap="medium")
    with left:
        rows, spec = loss_chart([r.loss for r in trainer.history], trainer.solved_epoch,
                                bool(st.session_state.get(LOG_KEY)))
        st.vega_lite_chart(rows, spec, key="train_live_loss_chart", width="stretch")
        st.toggle("Log-scale loss", key=LOG_KEY)
        _live_heatmaps_toggle()
    with right:
        rows, spec = timeline_chart(trainer.history, pair, dataset.vocab.chars,
                                    dataset.target_indices[pair].tolist(), trainer.solved_epoch,
                                    TIMELINE_ROWS)
        st.vega_lite_chart(rows, spec, key="train_live_predictions_chart")


def _live_internal_views(trainer: Trainer, pair: int) -> None:
    """The newest epoch's probabilities and hidden states, as in-place Vega-Lite heatmaps."""
    dataset, epoch = trainer.dataset, trainer.epoch
    internals = trainer.internals(epoch)
    left, right = st.columns(2, gap="medium")
    with left:
        rows, spec = probabilities_chart(trainer.history[epoch - 1].probabilities[pair], dataset.vocab.chars,
                                         dataset.source_chars[pair], dataset.target_indices[pair].tolist())
        st.vega_lite_chart(rows, spec, key="train_live_probabilities_chart", width="stretch")
    with right:
        cell = internals.cell[:, :, pair] if internals.cell is not None else None
        rows, spec = hidden_states_chart(internals.hidden[:, :, pair], dataset.source_chars[pair], cell)
        st.vega_lite_chart(rows, spec, key="train_live_hidden_chart")


def _live_heatmaps_toggle() -> None:
    st.toggle("Heatmaps follow training live", value=True, key=LIVE_HEATMAPS_KEY,
              help="Redraw the probability and hidden-state heatmaps at every refresh while "
                   "training. Off, the loss curve and predictions refresh faster on slow machines.")


def _internal_views(trainer: Trainer, epoch: int, pair: int) -> None:
    """Per-step probabilities and hidden (and cell) states of one epoch, side by side.

    A long run keeps weights only for evenly spaced epochs; the views then show the
    nearest kept one and say so.
    """
    dataset = trainer.dataset
    kept = trainer.nearest_detailed_epoch(epoch)
    if kept != epoch:
        st.caption(f"This long run kept the weights of every few epochs only; the heatmaps "
                   f"show epoch {kept}, the nearest kept one.")
        epoch = kept
    internals = trainer.internals(epoch)
    panels_per_layer = trainer.config.num_directions * (2 if internals.cell is not None else 1)
    left, right = st.columns(2, gap="medium")
    draw_plotly(left, probabilities_figure(trainer.history[epoch - 1].probabilities[pair], dataset.vocab.chars,
                                           dataset.source_chars[pair], dataset.target_indices[pair].tolist(),
                                           epoch, theme=chart_theme()),
                "train_probabilities_chart", "train-probabilities")
    # Up to two panels per layer fit beside the probabilities; more get the full width.
    target = right if panels_per_layer <= 2 else st.container()
    cell = internals.cell[:, :, pair] if internals.cell is not None else None
    draw_plotly(target, hidden_state_figure(internals.hidden[:, :, pair], dataset.source_chars[pair], cell, epoch,
                                            theme=chart_theme()),
                "train_hidden_chart", "train-hidden-states")


def _slice_due() -> bool:
    """Whether this run of the live fragment trains: not once paused, and not when the
    run of the panel drawing it has just trained its slice."""
    trained_already = st.session_state.pop(SLICE_TRAINED_KEY, False)
    return bool(st.session_state.get(RUNNING_KEY)) and not trained_already


@st.fragment(run_every=REFRESH_SECONDS)
@taking_turns
def _training() -> None:
    trainer = get_trainer()
    if trainer is None:
        return
    if _slice_due() and _train_slice(trainer):
        st.rerun()  # a full run (the panel can't be rerun from in here) drops the timer, shows the scrubber
    _progress(trainer, running=True)
    if trainer.epoch:
        pair = _pair_picker(trainer)
        _live_curve_views(trainer, pair)
        if st.session_state[LIVE_HEATMAPS_KEY]:
            _live_internal_views(trainer, pair)
        else:
            st.caption("Per-step probabilities and hidden states appear when you pause or when "
                       "training ends; then drag the epoch slider through the whole run.")


@st.fragment
@taking_turns
def _exploring(config_ok: bool) -> None:
    trainer = get_trainer()
    if trainer is None or trainer.epoch == 0:
        if config_ok:
            st.info("Press **Train** to watch the network learn, or **Step** to train one epoch "
                    "at a time.", icon=":material/school:")
        return
    _progress(trainer, running=False)
    epoch = _scrubbed_epoch(trainer)
    pair = _pair_picker(trainer)
    _curve_views(trainer, epoch, pair)
    _internal_views(trainer, epoch, pair)


@st.fragment
@taking_turns  # a fragment rerun does not pass through app.py, which takes the turn for full runs
def controls_and_views(config_ok: bool) -> None:
    """The buttons, then progress, solved message, epoch scrubber and the four views.

    One fragment, so pressing Train, Pause, Step or Reset reruns only this panel: the
    settings above are neither re-run on the server nor redrawn and faded as stale in the
    browser, which with thirty browsers on one machine (`bench/load_test.py`) cut the time
    from the server's last message to the result on screen by about 40 %. The timed
    `_training` fragment nests inside; Streamlit stops its timer when a rerun of this panel
    no longer draws it.

    A run of this panel that finds the run going trains its slice here, before anything is
    drawn, so a short run (the default trains 15 epochs in a few milliseconds) is drawn
    finished by the same run that the Train click started: one page update instead of two.
    """
    if is_running() and not _train_slice(get_trainer()):
        st.session_state[SLICE_TRAINED_KEY] = True  # the fragment drawn below skips its slice
    _controls(config_ok)
    _views(config_ok)


def _views(config_ok: bool) -> None:
    if is_running():
        _training()
    else:
        _exploring(config_ok)
    if message := st.session_state.get(ERROR_KEY):
        st.error(escape_markdown(message), icon=":material/error:")


@st.cache_resource(show_spinner=False)
def warm_up_torch() -> None:
    """Once per server process: pay torch's start-up costs before anyone presses Train.

    torch's first optimizer and plotly's first figures cost about a second of lazy imports,
    so one throwaway model is trained and drawn here. Then every object alive so far (the
    modules of torch, plotly, pandas and Streamlit) is moved out of the garbage collector's
    reach with `gc.freeze`: Streamlit runs a full `gc.collect` after every script run, which
    otherwise walks all of them (~0.1 s) and would cap the live views at a few refreshes
    per second.
    """
    trainer = Trainer(RunConfig(cell="lstm", epochs=2))
    trainer.train()
    dataset, internals = trainer.dataset, trainer.internals(2)
    for figure in (
        loss_figure([LossRun([r.loss for r in trainer.history])], 2, True, 2),
        predictions_figure(trainer.history, 0, dataset.vocab.chars, dataset.target_indices[0].tolist()),
        probabilities_figure(trainer.history[1].probabilities[0], dataset.vocab.chars,
                             dataset.source_chars[0], dataset.target_indices[0].tolist()),
        hidden_state_figure(internals.hidden[:, :, 0], dataset.source_chars[0], internals.cell[:, :, 0]),
        onehot_figure(dataset.source_onehot[0], dataset.vocab.chars, dataset.source_chars[0]),
    ):
        figure.to_json()
    gc.collect()
    gc.freeze()


def network_inputs(dataset: Dataset, config: RunConfig) -> None:
    """What the network receives: the vocabulary, the index tensors and the one-hot vectors."""
    vocab = dataset.vocab.chars
    st.caption(f"**Vocabulary** ({len(vocab)} characters, index → character): "
               + " · ".join(f"{i} → **{escape_markdown(c) if c.strip() else '␣'}**"
                            for i, c in enumerate(vocab)))
    with st.expander("What the network receives: indices and one-hot tensors"):
        steps = [f"t={t}" for t in range(dataset.seq_len)]
        rows = [f"pair {b + 1}" for b in range(dataset.batch_size)]
        left, right = st.columns(2)
        left.markdown(f"**Source indices** `{tuple(dataset.source_indices.shape)}` (batch, seq)")
        left.dataframe(pd.DataFrame(dataset.source_indices.tolist(), index=rows, columns=steps))
        right.markdown(f"**Target indices** `{tuple(dataset.target_indices.shape)}` (batch, seq)")
        right.dataframe(pd.DataFrame(dataset.target_indices.tolist(), index=rows, columns=steps))
        note = {
            "onehot": "fed to the core as is",
            "embedding": "nn.Embedding picks the same rows of its weight by index, without building it",
            "linear": "multiplied by the nn.Linear weight to give the core's input",
        }[config.encoding]
        st.markdown(f"**One-hot input** `{tuple(dataset.source_onehot.shape)}` "
                    f"(batch, seq, vocab), pair 1; {note}.")
        draw_plotly(st, onehot_figure(dataset.source_onehot[0], vocab, dataset.source_chars[0], chart_theme()),
                    "train_onehot_chart", "train-onehot")
