"""The Train page's views in each state of a run: not started, training, paused, finished.

A run that can go on shows the live Vega-Lite charts, and each of them is the same element
(the same place in the page's tree) in every such state, so the browser updates it in place:
a Pause changes the charts without drawing them again, and no plotly chart (plotly.js is
4.7 MB) is drawn until the run has ended. bench/live_page.py times the browser side.
"""

from __future__ import annotations

import itertools
import json
import math
from types import SimpleNamespace

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from app_driving import rerun_until_stopped
from playground.run import budget
from test_app_train import click, open_app, train_to_end
from ui.core.live_run import FIRST_SLICE_SECONDS
from ui.core.session import TRAIN_RUN
from ui.core.state import TRAIN_GHOST, TRAIN_LIVE, TRAINER
from ui.train.controls import FULL_SPEED, SPEED_KEY
from ui.train.views import LARGE_HEATMAPS_KEY, TRAIN_EPOCH_KEY

LOSS, PREDICTIONS, PROBABILITIES, HIDDEN = (
    "Loss",
    "Predictions, epoch by epoch",
    "Probabilities per step",
    "Hidden states",
)


def vega_charts(at: AppTest) -> dict[str, tuple[tuple, object]]:
    """Each Vega-Lite chart's place in the page's tree and its rows, by the chart's title."""
    charts = {}

    def walk(node, path: tuple) -> None:
        children = getattr(node, "children", None)
        if children:
            for index, child in children.items():
                walk(child, (*path, index))
        elif node.type == "vega_lite_chart":
            title = json.loads(node.proto.spec)["title"]["text"]
            charts[title] = (path, pa.ipc.open_stream(node.proto.data.data).read_pandas())

    walk(at._tree, ())
    return charts


def long_run(**settings: int) -> AppTest:
    """The page set for a 2000-epoch run at full speed, not started."""
    at = open_app()
    for key, value in {"epochs": 2000, **settings}.items():
        at.number_input(key=f"train_{key}").set_value(value).run()
    at.select_slider(key=SPEED_KEY).set_value(FULL_SPEED).run()
    return at


def paused_long_run(**settings: int) -> AppTest:
    """A 2000-epoch run trained one slice, then paused."""
    at = click(long_run(**settings), "train")
    assert TRAIN_LIVE.running.get(at.session_state)
    return click(at, "pause")


def test_pause_keeps_each_live_chart_in_its_place_and_draws_no_plotly():
    at = long_run()
    assert not vega_charts(at)  # not started: nothing heavy on the first screen (bench/first_visit.py)
    live = vega_charts(click(at, "train"))
    assert set(live) == {LOSS, PREDICTIONS, PROBABILITIES, HIDDEN}
    paused = vega_charts(click(at, "pause"))
    assert not at.get("plotly_chart")
    assert {title: path for title, (path, _) in paused.items()} == {title: path for title, (path, _) in live.items()}
    trainer = TRAINER.get(at.session_state)
    rows = paused[LOSS][1]
    assert rows.loc[rows["shown"], "epoch"].tolist() == [trainer.epoch]  # the newest epoch, circled


def test_a_run_and_a_continued_run_start_with_a_short_slice(monkeypatch):
    """The click's own page update comes at once: its slice trains `FIRST_SLICE_SECONDS` of CPU
    time, the next ones `slice_seconds` (a fake CPU clock, one exact tick per reading)."""
    tick = 1 / 1024
    readings = itertools.count()
    clock = SimpleNamespace(thread_time=lambda: next(readings) * tick)
    monkeypatch.setattr(budget, "time", clock)
    at = long_run()
    epochs = []
    for step in ("train", "rerun", "pause", "train", "rerun"):
        at = at.run() if step == "rerun" else click(at, step)
        epochs.append(TRAINER.get(at.session_state).epoch)
    first, later = math.ceil(FIRST_SLICE_SECONDS / tick), math.ceil(TRAIN_RUN.slice_seconds / tick)
    assert (epochs[0], epochs[1] - epochs[0]) == (first, later)
    assert (epochs[3] - epochs[2], epochs[4] - epochs[3]) == (first, later)  # Train after Pause


def test_scrubbing_a_paused_run_moves_every_live_view_to_that_epoch():
    at = paused_long_run()
    trainer = TRAINER.get(at.session_state)
    newest = trainer.epoch
    at.slider(key=TRAIN_EPOCH_KEY).set_value(2).run()
    assert not at.exception and trainer.epoch == newest  # scrubbing never retrains
    charts = vega_charts(at)
    loss = charts[LOSS][1]
    assert loss.loc[loss["shown"], "epoch"].tolist() == [2] and len(loss) == newest
    assert "▶ epoch 2" in set(charts[PREDICTIONS][1]["row"])
    probabilities = charts[PROBABILITIES][1].sort_values(["order", "char"])
    expected = trainer.history[1].probabilities[0]
    assert sorted(probabilities["p"].round(6)) == sorted(round(p, 6) for p in expected.flatten().tolist())
    assert not at.get("plotly_chart")


def test_a_finished_run_gets_the_plotly_figures():
    at = train_to_end(open_app())
    assert not vega_charts(at) and len(at.get("plotly_chart")) == 4


def test_a_network_too_large_for_live_heatmaps_draws_them_paused_only_on_request():
    at = paused_long_run(hidden_size=128, layers=3)
    assert HIDDEN not in vega_charts(at) and not at.get("plotly_chart")
    at.toggle(key=LARGE_HEATMAPS_KEY).set_value(True).run()
    assert not at.exception
    assert [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_the_previous_runs_ghost_curve_is_in_the_live_loss_chart():
    at = train_to_end(open_app())
    at.number_input(key="train_hidden_size").set_value(12).run()  # a structural change: a new run
    ghost = TRAIN_GHOST.get(at.session_state)
    assert ghost
    at = rerun_until_stopped(click(at, "step"), TRAIN_LIVE)
    rows = vega_charts(at)[LOSS][1]
    assert rows.loc[rows["ghost"], "loss"].tolist() == list(ghost)
    assert rows.loc[~rows["ghost"], "epoch"].tolist() == [1]
