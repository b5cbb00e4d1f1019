"""Paying torch's and plotly's start-up costs once per server process, before anyone trains."""

from __future__ import annotations

import gc

import streamlit as st

from charts.loss import LossRun, loss_figure
from charts.train import hidden_state_figure, onehot_figure, predictions_figure, probabilities_figure
from playground import RunConfig, Trainer


@st.cache_resource(show_spinner=False)
def warm_up_torch() -> None:
    """Once per server process: train and draw one throwaway model, then freeze the heap.

    torch's first optimizer and plotly's first figures import lazily, so without this the
    first student to press Train would pay for them. Then every object alive so far (the
    modules of torch, plotly, pandas and Streamlit) is moved out of the garbage collector's
    reach with `gc.freeze`: Streamlit runs a full `gc.collect` after every script run, which
    otherwise walks all of them each time and would slow every live refresh. The costs are
    measured in docs/performance.md.
    """
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
