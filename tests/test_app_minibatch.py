"""A run in mini-batches (the story preset: a text's windows) trains on Train and every page draws it
from its shown pairs (`playground.run.minibatches.SHOWN_PAIRS`), without an error."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app_driving import LEARNER_PAGES, rerun_until_stopped
from charts.loss import BATCH_SERIES, MEAN_SERIES
from playground.run.advice import text_message
from playground.run.minibatches import SHOWN_PAIRS
from ui.core.state import TRAIN_LIVE, TRAINER

ROOT = Path(__file__).resolve().parent.parent
PAGES = LEARNER_PAGES


def test_a_story_run_in_mini_batches_shows_on_every_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.selectbox(key="train_preset").set_value("story").run()
    at.number_input(key="train_epochs").set_value(3).run()
    at.button(key="train_train_button").click().run()
    rerun_until_stopped(at, TRAIN_LIVE)
    trainer = TRAINER.get(at.session_state)
    assert trainer.epoch == 3 and trainer.minibatches and trainer.dataset.batch_size == SHOWN_PAIRS
    loss = json.loads(at.get("plotly_chart")[0].proto.spec)  # the finished run's loss chart
    batches, mean, *_marks = loss["data"]  # behind the means, then the shown epoch circled
    assert (batches["name"], mean["name"]) == (BATCH_SERIES, MEAN_SERIES)
    steps = sum(len(record.batch_losses) for record in trainer.history)
    assert len(batches["x"]) == steps and batches["x"][-1] == mean["x"][-1] == 3
    assert [info.value for info in at.info if "never “solved”" in info.value] == [text_message(3, "Write, below")]
    assert not [w for w in at.warning if "Not solved" in w.value]
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception and not at.error, (page, [e.value for e in (*at.exception, *at.error)])
    assert TRAINER.get(at.session_state) is trainer
