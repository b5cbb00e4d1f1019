"""Paying torch's and plotly's start-up costs once per server process, beside the first visitor's page."""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_thread: threading.Thread | None = None


def start_warm_up() -> None:
    """Start the warm-up in a background thread, once per server process; returns at once.

    Streamlit has no server-start hook, so app.py calls this at the top of every script run and
    only the first call starts anything. The first visitor's page renders while the thread
    imports torch and trains, instead of waiting ~3 s for it (bench/first_visit.py measures it).
    """
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_warm_up, name="rnn-playground-warm-up", daemon=True)
            _thread.start()


def _warm_up() -> None:
    """Train and draw one throwaway model, then freeze the heap.

    torch's first optimizer and plotly's first figures import lazily, so without this the
    first student to press Train would pay for them. Then every object alive so far (the
    modules of torch, plotly, pandas and Streamlit) is moved out of the garbage collector's
    reach with `gc.freeze`, so Python's full collections (Streamlit's own after every script
    run is turned off in .streamlit/config.toml) do not walk them again and again. The costs are
    measured in docs/performance.md. The imports are here, not at the top, so that importing
    this module from app.py costs nothing.
    """
    import pandas  # noqa: F401  (st.dataframe's, for the first learner who shows the tensors)

    from charts.loss import LossRun, loss_figure
    from charts.train import hidden_state_figure, onehot_figure, predictions_figure, probabilities_figure
    from playground import RunConfig, Trainer

    trainer = Trainer(RunConfig(cell="lstm", epochs=2))
    trainer.train()
    dataset, internals = trainer.dataset, trainer.internals(2)
    for figure in (
        loss_figure([LossRun([r.loss for r in trainer.history])], 2, True, 2),
        predictions_figure(trainer.history, 0, dataset.vocab.chars, dataset.target_indices[0].tolist()),
        probabilities_figure(
            trainer.history[1].probabilities[0],
            dataset.vocab.chars,
            dataset.source_chars[0],
            dataset.target_indices[0].tolist(),
        ),
        hidden_state_figure(internals.hidden[:, :, 0], dataset.source_chars[0], internals.cell[:, :, 0]),
        onehot_figure(dataset.source_onehot[0], dataset.vocab.chars, dataset.source_chars[0]),
    ):
        figure.to_json()
    gc.collect()
    gc.freeze()
