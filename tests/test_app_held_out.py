"""Held-out pairs on the Train page, in AppTest: the memorise preset trains, says it memorised,
and every held-out pair can be picked in the views, marked as never trained on."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from app_driving import rerun_until_stopped
from playground import Trainer
from playground.lessons.presets import PRESETS
from playground.run.generalisation import Verdict, generalisation
from ui.compare.state import COMPARISON, COMPARISON_LIVE
from ui.core.held_out_strings import HELD_OUT
from ui.core.state import CONFIG, TRAIN_GHOST_TEST, TRAIN_LIVE, TRAINER
from ui.train.settings import PRESET_KEY
from ui.train.task_picker import FILL_BUTTON, LENGTH_KEY, PAIRS_KEY, TASK_KEY, TEST_PAIRS_KEY
from ui.train.views import HELD_OUT_HEATMAPS, PAIR_KEY

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def trained(preset: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.selectbox(key=PRESET_KEY).set_value(preset).run()
    at.button(key="train_train_button").click().run()
    rerun_until_stopped(at, TRAIN_LIVE)
    assert not at.exception
    return at


def test_the_memorise_preset_says_it_memorised_and_shows_its_held_out_pairs():
    at = trained("memorise")
    trainer: Trainer = TRAINER.get(at.session_state)
    config = PRESETS["memorise"].config
    assert trainer.config == config and trainer.test_dataset is not None
    judged = generalisation(trainer.history[-1])
    assert judged is not None and judged.verdict is Verdict.MEMORISED
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")  # markdown escapes
    assert judged.sentence.capitalize() in warnings and "not the rule" in warnings
    captions = " ".join(c.value for c in at.caption)
    assert "held-out pairs" in captions and "Accuracy, epoch" in captions
    picker = at.selectbox(key=PAIR_KEY)
    held_out = [o for o in picker.options if o.startswith("held-out")]
    assert len(held_out) == len(config.test_sources) and all("never trained on" in o for o in held_out)
    picker.set_value(len(config.sources)).run()  # the first held-out pair
    assert not at.exception
    assert HELD_OUT_HEATMAPS in [c.value for c in at.caption]


def test_a_previous_runs_held_out_losses_are_kept_for_its_ghost():
    at = trained("memorise")
    trainer: Trainer = TRAINER.get(at.session_state)
    at.button(key="train_reset_button").click().run()
    assert TRAIN_GHOST_TEST.get(at.session_state) == tuple(r.test_loss for r in trainer.history)


def test_compare_shows_each_contenders_held_out_loss_and_accuracy():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("app_pages/compare.py").run()
    at.radio(key="compare_source").set_value("preset").run()
    at.selectbox(key="compare_preset").set_value("memorise").run()
    next(b for b in at.button if b.label == "Train side by side").click().run()
    rerun_until_stopped(at, COMPARISON_LIVE)
    assert not at.exception
    table = at.dataframe[0].value
    comparison = COMPARISON.get(at.session_state)
    finals = [run.trainer.history[-1] for run in comparison.runs]
    assert list(table["final test loss"]) == [record.test_loss for record in finals]
    assert list(table["test accuracy"]) == [record.test_accuracy for record in finals]
    figure = at.get("plotly_chart")[0].proto.spec
    assert figure.count("held-out pairs") >= len(finals)  # a dotted held-out curve per contender


def test_what_if_and_inside_the_cell_look_inside_a_held_out_string():
    at = trained("memorise")
    trainer: Trainer = TRAINER.get(at.session_state)
    held_out = trainer.test_dataset.sources
    at.switch_page("app_pages/what_if.py").run()
    at.radio(key="whatif-strings").set_value(HELD_OUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [repr(s) for s in held_out] == list(at.selectbox(key="whatif-item-held-out").options)
    table = at.dataframe[0].value  # inputs, target and predictions of the picked held-out string
    assert "".join(table.loc["input (original)"]) == held_out[0]
    at.switch_page("app_pages/inside_cell.py").run()
    at.radio(key="inside-strings").set_value(HELD_OUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert [repr(s) for s in held_out] == list(at.selectbox(key="inside-item-held-out").options)
    assert "MISMATCH" not in " ".join(str(m.value) + str(m.delta) for m in at.metric)


def test_early_stopping_stops_the_memorise_run_and_says_where_the_best_epoch_was():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.selectbox(key=PRESET_KEY).set_value("memorise").run()
    at.number_input(key="train_patience").set_value(10).run()
    at.button(key="train_train_button").click().run()
    rerun_until_stopped(at, TRAIN_LIVE)
    assert not at.exception
    trainer: Trainer = TRAINER.get(at.session_state)
    assert trainer.stopped_early and trainer.epoch < trainer.config.epochs
    assert trainer.epoch - trainer.best_epoch == 10  # ten epochs without a lower held-out loss
    losses = [record.test_loss for record in trainer.history]
    assert min(losses) == losses[trainer.best_epoch - 1]
    assert trainer.early_stop_sentence() in [i.value.replace("\\", "") for i in at.info]
    assert f"Epoch {trainer.epoch} of {trainer.config.epochs}" in at.get("progress")[0].proto.text


def test_the_task_picker_fills_test_pairs_and_says_when_the_task_has_fewer():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.selectbox(key=TASK_KEY).set_value("parity").run()
    at.number_input(key=LENGTH_KEY).set_value(3).run()  # 8 bit strings of length 3 in all
    at.number_input(key=PAIRS_KEY).set_value(4).run()
    at.number_input(key=TEST_PAIRS_KEY).set_value(10).run()
    at.button(key=FILL_BUTTON).click().run()
    assert not at.exception
    config = CONFIG.get(at.session_state)
    assert len(config.sources) == 4 and 0 < len(config.test_sources) < 10
    assert not set(config.sources) & set(config.test_sources)
    assert f"Only {len(config.test_sources)} of the 10 test pairs" in at.warning[0].value
