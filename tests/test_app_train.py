"""The Train page in AppTest: presets, training to the target, Step/Pause/Reset, bad input.

AppTest does not follow ``st.fragment(run_every=...)`` timers, but every script run that
finds a run going trains one time slice, so pressing Train and rerunning until the run
stops drives training exactly as the browser's timer does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from app_driving import rerun_until_stopped
from playground import Trainer
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from playground.run.advice import not_solved_message
from ui.core.state import CONFIG, TRAIN_GHOST, TRAIN_LIVE, TRAINER
from ui.train.controls import FULL_SPEED, SPEED_KEY, STOP_WHEN_SOLVED_KEY, TYPED_EPOCHS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60


def open_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    return at


def click(at: AppTest, name: str) -> AppTest:
    at.button(key=f"train_{name}_button").click().run()
    assert not at.exception
    return at


def train_to_end(at: AppTest) -> AppTest:
    return rerun_until_stopped(click(at, "train"), TRAIN_LIVE)


def errors(at: AppTest) -> list[str]:
    """Error texts as the learner reads them (the page backslash-escapes markdown)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]


def test_default_page_opens_on_the_default_preset():
    at = open_app()
    preset = PRESETS[DEFAULT_PRESET]
    assert at.selectbox(key="train_preset").value == DEFAULT_PRESET
    assert at.text_area(key="train_sources").value == "\n".join(preset.config.sources)
    assert at.text_area(key="train_targets").value == "\n".join(preset.config.targets)
    assert not errors(at)
    assert any("Vocabulary" in c.value for c in at.caption)
    assert not at.button(key="train_train_button").disabled
    assert at.button(key="train_pause_button").disabled


def test_choosing_a_preset_fills_every_control():
    at = open_app()
    at.selectbox(key="train_preset").set_value("hello-bilstm").run()
    assert not at.exception
    config = PRESETS["hello-bilstm"].config
    assert at.selectbox(key="train_cell").value == config.cell == "lstm"
    assert at.toggle(key="train_bidirectional").value is True
    assert at.number_input(key="train_lr").value == config.lr
    assert at.number_input(key="train_layers").value == config.layers
    assert CONFIG.get(at.session_state) == config
    at.selectbox(key="train_preset").set_value("next-char").run()
    assert at.text_area(key="train_sources").value == "if you want you"
    assert at.text_area(key="train_targets").disabled


def test_training_to_completion_reaches_the_target():
    at = train_to_end(open_app())
    config = PRESETS[DEFAULT_PRESET].config
    reference = Trainer(config)
    reference.train()
    trainer = TRAINER.get(at.session_state)
    assert trainer.done and trainer.history[-1].predictions == config.targets
    assert trainer.solved_epoch == reference.solved_epoch is not None
    (success,) = at.success
    assert f"Solved at epoch {reference.solved_epoch} of {config.epochs}" in success.value
    assert "ohlol" in success.value
    assert at.slider(key="train_view_epoch").value == config.epochs
    assert at.button(key="train_train_button").disabled
    assert not at.button(key="train_reset_button").disabled


@pytest.mark.parametrize(
    ("field", "value", "advice"),
    [("lr", 10.0, "the learning rate is too high, try a smaller one"), ("epochs", 2, "try more epochs")],
    ids=["diverging", "too-short"],
)
def test_an_unsolved_run_gets_the_advice_its_loss_curve_calls_for(field, value, advice):
    at = open_app()
    at.number_input(key=f"train_{field}").set_value(value).run()
    trainer = TRAINER.get(train_to_end(at).session_state)
    assert trainer.done and trainer.solved_epoch is None
    (warning,) = at.warning
    shown = re.sub(r"\\(.)", r"\1", warning.value)  # as the learner reads it: markdown escapes removed
    assert shown == not_solved_message(trainer.config.epochs, [r.loss for r in trainer.history])
    assert advice in shown


def test_scrubbing_to_an_early_epoch_shows_that_epoch():
    at = train_to_end(open_app())
    at.slider(key="train_view_epoch").set_value(2).run()
    assert not at.exception
    trainer = TRAINER.get(at.session_state)
    charts = [c.proto for c in at.get("plotly_chart")]
    assert any("epoch 2" in chart.spec and "Probabilities" in chart.spec for chart in charts)
    assert trainer.epoch == trainer.config.epochs  # scrubbing never retrains


def test_step_trains_one_epoch_per_press_and_reset_starts_over():
    at = open_app()
    for expected in (1, 2, 3):
        click(at, "step")
        assert TRAINER.get(at.session_state).epoch == expected
    assert any(f"Epoch 3 of {PRESETS[DEFAULT_PRESET].config.epochs}" in p.proto.text for p in at.get("progress"))
    click(at, "reset")
    assert not TRAINER.is_set(at.session_state)
    assert any("Press **Train**" in i.value for i in at.info)


def test_pause_stops_training_between_slices():
    at = open_app()
    at.number_input(key="train_epochs").set_value(2000).run()
    click(at, "train")
    trained = TRAINER.get(at.session_state).epoch
    assert 0 < trained < 2000 and TRAIN_LIVE.running.get(at.session_state)
    click(at, "pause")
    assert not TRAIN_LIVE.running.get(at.session_state)
    at.run()
    assert TRAINER.get(at.session_state).epoch == trained
    assert not at.button(key="train_train_button").disabled


def test_changing_a_setting_drops_the_run():
    at = train_to_end(open_app())
    at.number_input(key="train_hidden_size").set_value(12).run()
    assert not at.exception
    assert not TRAINER.is_set(at.session_state)
    assert not at.success
    assert CONFIG.get(at.session_state).hidden_size == 12


@pytest.mark.parametrize(
    ("sources", "targets", "hidden_head", "expected"),
    [
        ("", "ohlol", False, "Type a source string"),
        ("hello", "", False, "target"),
        ("hello", "ohl", False, "has 5 characters but the target"),
        ("hello", "ohlol", True, "hidden size must equal the vocabulary size (4)"),
        ("👋🌍🙂", "🙂👋", False, "has 3 characters but the target"),
        ("hello\nab", "ohlol\nb", False, "on line 2 'ab' has 2 characters but the target 'b' has 1"),
        ("hello\n\ncat", "olleh\n\ntac", False, "The source string on line 2 is empty"),
    ],
    ids=["empty-source", "empty-target", "unequal", "hidden-as-logits", "emoji-unequal", "line-unequal", "empty-line"],
)
def test_invalid_input_is_explained_in_place(sources, targets, hidden_head, expected):
    at = open_app()
    at.text_area(key="train_sources").set_value(sources)
    at.text_area(key="train_targets").set_value(targets)
    if hidden_head:
        at.selectbox(key="train_head").set_value("hidden")
    at.run()
    assert not at.exception
    assert any(expected in message for message in errors(at)), errors(at)
    assert at.button(key="train_train_button").disabled
    assert at.button(key="train_step_button").disabled
    assert not at.info  # no "press Train" invitation while Train cannot be pressed


def test_emoji_strings_train_like_any_other():
    at = open_app()
    at.text_area(key="train_sources").set_value("👋🌍🙂👋")
    at.text_area(key="train_targets").set_value("🌍🙂👋🌍")
    at.run()
    # The preset's explicit order 'ehlo' lacks the emoji: typing them rebuilds the vocabulary.
    assert at.text_input(key="train_vocab").value == ""
    assert not errors(at)
    at = train_to_end(at)
    trainer = TRAINER.get(at.session_state)
    assert trainer.dataset.vocab.chars == tuple(sorted("👋🌍🙂"))
    assert trainer.history[-1].predictions == ("🌍🙂👋🌍",)


def test_typed_markup_is_shown_as_text():
    at = open_app()
    at.text_area(key="train_sources").set_value("<script>")
    at.text_area(key="train_targets").set_value("</b>*x_:")
    at.text_input(key="train_vocab").set_value("")
    at.number_input(key="train_epochs").set_value(200).run()
    assert not at.exception and not errors(at)
    at = train_to_end(at)
    (success,) = at.success  # the message names the target with every markup character escaped
    assert "\\</b\\>\\*x\\_\\:" in success.value
    vocabulary = next(c.value for c in at.caption if "Vocabulary" in c.value)
    assert "\\<" in vocabulary and "<script>" not in vocabulary


def type_strings(at: AppTest, sources: str, targets: str) -> AppTest:
    at.text_area(key="train_sources").set_value(sources)
    at.text_area(key="train_targets").set_value(targets).run()
    assert not at.exception and not errors(at)
    return at


@pytest.mark.parametrize(
    ("sources", "targets"),
    [
        ("banana", "ananab"),
        ("hello world", "dlrow olleh"),
        ("cat\ndog\nsun", "tac\ngod\nnus"),
        ("hello\ncat\nabc", "olleh\ntac\ncba"),
    ],
    ids=["banana", "hello-world", "three-pairs", "pairs-of-different-lengths"],
)
def test_typed_strings_train_until_solved_with_default_settings(sources, targets):
    at = type_strings(open_app(), sources, targets)
    assert at.number_input(key="train_epochs").value == TYPED_EPOCHS
    assert at.toggle(key=STOP_WHEN_SOLVED_KEY).value
    at = train_to_end(at)
    trainer = TRAINER.get(at.session_state)
    assert trainer.solved_epoch is not None and trainer.epoch == trainer.solved_epoch < TYPED_EPOCHS
    (success,) = at.success
    assert f"Solved at epoch {trainer.solved_epoch} of {TYPED_EPOCHS}" in success.value
    assert any(f"Epoch {trainer.epoch} of {TYPED_EPOCHS}" in p.proto.text for p in at.get("progress"))


def test_a_shorter_pairs_views_end_where_its_string_ends():
    at = train_to_end(type_strings(open_app(), "hello\ncat\nabc", "olleh\ntac\ncba"))
    at.selectbox(key="train_pair").set_value(1).run()  # 'cat': 3 characters in a batch padded to 5
    assert not at.exception
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    heatmaps = [trace for chart in charts for trace in chart["data"] if trace["type"] == "heatmap"]
    assert heatmaps  # predictions, probabilities, hidden states
    for trace in heatmaps:
        assert len(trace["x"]) == 3, trace.get("hovertemplate")
    predicted = [row for trace in heatmaps if trace.get("texttemplate") == "%{text}" for row in trace["text"]]
    assert predicted and all(len(row) == 3 for row in predicted)


def test_a_shorter_pairs_live_views_end_where_its_string_ends():
    at = click(type_strings(open_app(), "hello\ncat\nabc", "olleh\ntac\ncba"), "step")
    at.selectbox(key="train_pair").set_value(1).run()  # 'cat'
    at = click(at, "train")  # one time slice: the live (Vega-Lite) views
    frames = [pa.ipc.open_stream(chart.proto.data.data).read_pandas() for chart in at.get("vega_lite_chart")]
    stepped = [frame for frame in frames if "step" in frame.columns]
    assert len(stepped) == 3  # predictions, probabilities and hidden states
    for frame in stepped:
        assert frame["step"].nunique() == 3, frame["step"].unique()


def test_a_preset_keeps_its_lessons_epochs_and_trains_them_all():
    at = type_strings(open_app(), "banana", "ananab")
    at.selectbox(key="train_preset").set_value("hello-rnn").run()
    config = PRESETS["hello-rnn"].config
    assert at.number_input(key="train_epochs").value == config.epochs
    assert not at.toggle(key=STOP_WHEN_SOLVED_KEY).value
    trainer = TRAINER.get(train_to_end(at).session_state)
    assert trainer.epoch == config.epochs and trainer.solved_epoch < config.epochs


def test_epochs_the_learner_sets_for_typed_strings_stay_and_stopping_can_be_turned_off():
    at = type_strings(open_app(), "banana", "ananab")
    at.number_input(key="train_epochs").set_value(40).run()
    at.toggle(key=STOP_WHEN_SOLVED_KEY).set_value(False).run()
    trainer = TRAINER.get(train_to_end(at).session_state)
    assert at.number_input(key="train_epochs").value == 40
    assert trainer.epoch == 40 and trainer.solved_epoch < 40


def test_more_epochs_continue_the_run_instead_of_starting_over():
    at = train_to_end(open_app())
    before = TRAINER.get(at.session_state)
    epochs = before.config.epochs
    at.number_input(key="train_epochs").set_value(epochs + 10).run()
    assert TRAINER.get(at.session_state) is before and before.epoch == epochs
    assert not at.button(key="train_train_button").disabled
    at = train_to_end(at)
    fresh = Trainer(CONFIG.get(at.session_state))
    fresh.train()
    assert [r.loss for r in TRAINER.get(at.session_state).history] == [r.loss for r in fresh.history]
    assert not TRAIN_GHOST.get(at.session_state)  # nothing was dropped


def test_a_structural_change_keeps_the_previous_run_as_a_ghost_curve():
    at = train_to_end(open_app())
    losses = tuple(r.loss for r in TRAINER.get(at.session_state).history)
    at.number_input(key="train_hidden_size").set_value(12).run()
    assert TRAIN_GHOST.get(at.session_state) == losses
    at = train_to_end(at)
    assert not at.exception and TRAIN_GHOST.get(at.session_state) == losses


@pytest.mark.parametrize("speed", [1.0, FULL_SPEED])
def test_the_speed_sets_how_many_epochs_a_refresh_may_train(speed):
    at = open_app()
    at.select_slider(key=SPEED_KEY).set_value(speed).run()
    click(at, "train")
    trainer = TRAINER.get(at.session_state)
    if speed == FULL_SPEED:  # a short run ends in the click's own page update
        assert trainer.done and not TRAIN_LIVE.running.get(at.session_state)
    else:  # one epoch at once, then one per second: an immediate rerun finds nothing due
        assert trainer.epoch == 1
        at.run()
        assert trainer.epoch == 1 and TRAIN_LIVE.running.get(at.session_state)


def test_a_link_that_says_train_starts_the_run_once_as_it_opens():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"src": "banana", "tgt": "ananab", "epochs": str(TYPED_EPOCHS), "train": "1"})
    at.run()  # the page is drawn first (its strings reach the browser before training keeps it busy)
    assert not at.exception and not TRAIN_LIVE.running.get(at.session_state)
    at.run()  # then the next run, the starter's timer in a browser, starts it
    assert not at.exception and TRAIN_LIVE.running.get(at.session_state)
    trainer = TRAINER.get(rerun_until_stopped(at, TRAIN_LIVE).session_state)
    assert trainer.config.sources == ("banana",) and trainer.solved_epoch == trainer.epoch
    at.run()
    assert TRAINER.get(at.session_state) is trainer and not TRAIN_LIVE.running.get(at.session_state)


def test_a_link_to_an_encoder_decoder_run_is_answered_with_a_sentence():
    """The pages show the per-step network only: a link's seq2seq settings fall back to their defaults,
    and the page says so and where the encoder–decoder trains."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in {"src": "cat", "tgt": "chat", "arch": "seq2seq", "attn": "dot", "tf": "0.5"}.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    warning = re.sub(r"\\(.)", r"\1", " ".join(w.value for w in at.warning))  # as the learner reads it
    assert "The encoder–decoder trains from the command line for now (python -m playground train" in warning
    assert "the pages show the per-step network only" in warning
    config = CONFIG.get(at.session_state)
    assert (config.architecture, config.attention, config.teacher_forcing) == ("aligned", "none", 1.0)
    assert (config.sources, config.targets) == (("cat",), ("chat",))
    # the per-step network then refuses pairs of different lengths with its own sentence
    assert any("each source character needs one target character" in e for e in errors(at))
