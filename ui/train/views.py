"""What the Train page shows under its buttons, for each state of the run.

- not started: how to start;
- training (`live_views`), redrawn after every slice;
- paused (`paused_views`) and finished (`finished_views`): the same views at the epoch the
  scrubber picks. A paused run keeps the live charts, updated in place (`ui.train.charts`), so
  a Pause changes the page at once; a finished run gets the full plotly figures.

Training, paused and finished lay their elements out in the same order (progress row, pair
picker, curves, scrubber, heatmaps), so that a chart that exists in two states is the same
element in both and the browser updates it instead of replacing it.
"""

from __future__ import annotations

import streamlit as st

from playground import Trainer
from playground.nn.text import visible
from playground.run.advice import conflict, not_solved_message, text_message
from playground.run.generalisation import Verdict, generalisation, percent
from ui.core.live_run import show_progress
from ui.core.markdown import escape_markdown
from ui.core.state import TRAIN_SHOWN_EPOCH
from ui.train.charts import (
    LIVE_HEATMAP_CELLS,
    LIVE_HEATMAPS_KEY,
    heatmap_cells,
    plotly_curves,
    plotly_heatmaps,
    vega_curves,
    vega_heatmaps,
)
from ui.train.state import TRAIN_FOLLOWED_EPOCH

TRAIN_EPOCH_KEY = "train_view_epoch"
PAIR_KEY = "train_pair"
LARGE_HEATMAPS_KEY = "train_large_heatmaps"
LISTED_TARGETS = 8  # the solved message names the targets up to this many pairs (the typed pairs' usual count)
HELD_OUT_HEATMAPS = (
    "Per-step probabilities and hidden states are drawn for the training pairs; "
    "What if? and Inside the cell look inside a held-out string too."
)


def not_started_views() -> None:
    """Before the first epoch: how to start. Nothing heavy: this is on a first visit's screen, and a
    progress bar or an empty chart here slows it (`python -m bench.first_visit`)."""
    st.info(
        "Press **Train** and watch the predictions turn from noise into the target, "
        "or **Step** to train one epoch at a time.",
        icon=":material/school:",
    )


def live_views(trainer: Trainer) -> None:
    """Progress and the newest epoch's views, redrawn after every slice."""
    progress(trainer, running=True)
    if not trainer.epoch:
        return
    pair, held_out = _pair_picker(trainer)
    vega_curves(trainer, pair, held_out=held_out)
    st.empty()  # where a paused run's scrubber goes
    if held_out:
        st.caption(HELD_OUT_HEATMAPS)
    elif not st.session_state[LIVE_HEATMAPS_KEY]:
        st.caption(
            "Per-step probabilities and hidden states appear when you pause or when "
            "training ends; then drag the epoch slider through the whole run."
        )
    elif heatmap_cells(trainer) > LIVE_HEATMAP_CELLS:
        st.caption(
            "This network's hidden states are too many to redraw live; they appear when "
            "training ends, or when you pause and ask for them."
        )
    else:
        vega_heatmaps(trainer, pair, trainer.epoch)


def paused_views(trainer: Trainer) -> None:
    """A run that can go on, at the scrubbed epoch, in the live charts (updated in place).

    A network too large for the live heatmaps draws them as plotly figures, on request:
    they take the browser a second or more, which a Pause should not wait for."""
    progress(trainer, running=False)
    pair, held_out = _pair_picker(trainer)
    epoch = _shown_epoch(trainer)
    vega_curves(trainer, pair, epoch, held_out)
    _epoch_slider(trainer)
    if held_out:
        st.caption(HELD_OUT_HEATMAPS)
        return
    epoch = _kept_epoch(trainer, epoch)
    if heatmap_cells(trainer) <= LIVE_HEATMAP_CELLS:
        vega_heatmaps(trainer, pair, epoch)
    elif st.toggle(
        "Draw the per-step heatmaps",
        key=LARGE_HEATMAPS_KEY,
        help="This network's hidden states are many cells: drawing them takes the browser a moment.",
    ):
        plotly_heatmaps(trainer, pair, epoch)


def finished_views(trainer: Trainer) -> None:
    """A finished run at the scrubbed epoch, in the full plotly figures."""
    progress(trainer, running=False)
    pair, held_out = _pair_picker(trainer)
    epoch = _shown_epoch(trainer)
    plotly_curves(trainer, pair, epoch, held_out)
    _epoch_slider(trainer)
    if held_out:
        st.caption(HELD_OUT_HEATMAPS)
        return
    plotly_heatmaps(trainer, pair, _kept_epoch(trainer, epoch))


def progress(trainer: Trainer, running: bool) -> None:
    """The progress bar, and beside it whether the network has learned its target (side by
    side, so the views start higher on a laptop's first screen)."""
    bar, verdict = st.columns(2, vertical_alignment="center")
    with bar:
        show_progress(trainer, running)
    config = trainer.config
    if trainer.solved_epoch is not None:
        strings = trainer.dataset.targets
        outputs = (
            f"**{', '.join(escape_markdown(visible(t)) for t in strings)}**"
            if len(strings) <= LISTED_TARGETS
            else f"all {len(strings)} target strings"
        )
        verdict.success(
            f"Solved at epoch {trainer.solved_epoch} of {config.epochs}: the network outputs {outputs}.",
            icon=":material/check_circle:",
        )
    elif trainer.done and config.text:
        verdict.info(text_message(trainer.epoch, "Write, below"), icon=":material/info:")
    elif trainer.done:
        losses = [record.loss for record in trainer.history]
        message = not_solved_message(config.epochs, losses, _unreachable(trainer))
        verdict.warning(escape_markdown(message), icon=":material/info:")  # it may quote typed characters
    _held_out_line(trainer)


def _held_out_line(trainer: Trainer) -> None:
    """Under the progress, for a run with held-out pairs: training against held-out accuracy at the
    newest epoch, and once the run ends, whether it learned the task or memorised its strings."""
    if not trainer.epoch or (judged := generalisation(trainer.history[-1])) is None:
        return
    record = trainer.history[-1]
    st.caption(
        f"Accuracy, epoch {record.epoch}: training pairs {percent(judged.train_accuracy)} of characters "
        f"({percent(record.train_string_accuracy)} of strings) · held-out pairs "
        f"{percent(judged.test_accuracy)} ({percent(record.test_string_accuracy)} of strings) · "
        f"held-out loss {record.test_loss:.4f}"
    )
    if trainer.stopped_early:
        st.info(escape_markdown(trainer.early_stop_sentence()), icon=":material/front_hand:")
    if not trainer.done:
        return
    if judged.verdict is Verdict.MEMORISED:
        st.warning(
            f"**{escape_markdown(judged.sentence.capitalize())}.** The network got every training pair right "
            "but many strings it never saw wrong: it learned these strings, not the rule that makes them. "
            "More training pairs (or a smaller network) push it towards the rule; the presets "
            "*memorise* and *generalise* show the difference.",
            icon=":material/psychology_alt:",
        )
    elif judged.verdict is Verdict.GENERALISED:
        st.success(
            f"**{escape_markdown(judged.sentence.capitalize())}.** It gets strings it never trained on right "
            "too: it learned the rule, not just the strings.",
            icon=":material/lightbulb:",
        )


def _shown_epoch(trainer: Trainer) -> int:
    """The epoch the scrubber picks (read before the views are drawn, the scrubber under them);
    it jumps to the newest epoch whenever the run has trained more. Other pages follow it."""
    epoch = trainer.epoch
    if epoch >= 2:
        if TRAIN_FOLLOWED_EPOCH.get() != trainer.epoch or TRAIN_EPOCH_KEY not in st.session_state:
            st.session_state[TRAIN_EPOCH_KEY] = trainer.epoch
            TRAIN_FOLLOWED_EPOCH.set(trainer.epoch)
        epoch = st.session_state[TRAIN_EPOCH_KEY] = min(max(1, st.session_state[TRAIN_EPOCH_KEY]), trainer.epoch)
    TRAIN_SHOWN_EPOCH.set((id(trainer), epoch))
    return epoch


def _epoch_slider(trainer: Trainer) -> None:
    """The scrubber, between the curves and the heatmaps (so the curves start on a laptop's first
    screen); its value is in session state, which `_shown_epoch` read."""
    if trainer.epoch < 2:
        st.empty()
        return
    st.slider(
        "Show epoch",
        1,
        trainer.epoch,
        key=TRAIN_EPOCH_KEY,
        help="Drag through the run: every view shows the chosen epoch.",
    )


def _kept_epoch(trainer: Trainer, epoch: int) -> int:
    """The epoch the heatmaps can show: a long run keeps weights only for evenly spaced epochs,
    so they show the nearest kept one and say so."""
    kept = trainer.nearest_detailed_epoch(epoch)
    if kept != epoch:
        st.caption(
            f"This long run kept the weights of every few epochs only; the heatmaps "
            f"show epoch {kept}, the nearest kept one."
        )
    return kept


def _pair_picker(trainer: Trainer) -> tuple[int, bool]:
    """Which pair the views show, and whether it is a held-out one (listed after the training
    pairs, marked as such); a single pair holds its place with an empty element."""
    dataset, test = trainer.dataset, trainer.test_dataset
    held_out_pairs = test.batch_size if test is not None else 0
    choices = dataset.batch_size + held_out_pairs
    if choices == 1:
        st.empty()
        return 0, False
    if st.session_state.get(PAIR_KEY, 0) >= choices:
        st.session_state[PAIR_KEY] = 0

    def label(choice: int) -> str:  # strings count from 0
        if choice < dataset.batch_size:
            return f"{choice}: {dataset.sources[choice]} → {dataset.targets[choice]}"
        pair = choice - dataset.batch_size
        return f"held-out {pair}: {test.sources[pair]} → {test.targets[pair]} (never trained on)"

    choice = st.selectbox("Pair shown in the views", range(choices), key=PAIR_KEY, format_func=label)
    return (choice, False) if choice < dataset.batch_size else (choice - dataset.batch_size, True)


def _unreachable(trainer: Trainer) -> str | None:
    """Why no setting can solve these pairs, if that is so (`playground.run.advice.conflict`)."""
    dataset = trainer.dataset
    return conflict(dataset.source_chars, dataset.target_chars, trainer.config.bidirectional)
