"""Paying torch's and plotly's start-up costs once per server process, when the server starts.

app.py hands `server_lifespan` to Streamlit's `st.App`, whose start-up hook runs before the
server answers anyone: the Train page's modules (torch among them) are imported there and a
throwaway model is trained and drawn, so the first visitor's page waits for none of it
(`python -m bench.first_visit` measures that visitor against a bare page; docs/performance.md).
"""

from __future__ import annotations

import asyncio
import gc
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ui.server.session_release import start_releasing

# What the Train page (the first page a visitor sees) imports: torch, the engine and its views.
TRAIN_PAGE_MODULES = (
    "playground",
    "ui.train.controls",
    "ui.train.settings",
    "ui.train.task_picker",
    "ui.train.network_inputs",
)


@asynccontextmanager
async def server_lifespan(_app: Any) -> AsyncIterator[None]:
    """`st.App`'s start-up hook: the Train page's imports and the warm-up run, before the
    server answers its first request. Done any later (in a thread once the server answers), the
    warm-up would take the interpreter from the first visitor's own page."""
    for module in TRAIN_PAGE_MODULES:
        importlib.import_module(module)
    await asyncio.to_thread(warm_up)
    start_releasing()  # closed sessions' memory comes back (ui/server/session_release.py)
    yield


def warm_up() -> None:
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
    from charts.train.hidden_states import hidden_state_figure
    from charts.train.onehot import onehot_figure
    from charts.train.predictions import predictions_figure
    from charts.train.probabilities import probabilities_figure
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
