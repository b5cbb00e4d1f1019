"""AppTest of the Compare and Share & export pages, and of URL restore/sync through app.py."""

import io
import re
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from app_driving import rerun_until_stopped
from playground import Trainer
from playground.export import export_script
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from playground.run.checkpoint import save_checkpoint
from ui.compare.state import COMPARISON_LIVE
from ui.core.state import CONFIG, TRAIN_LIVE, TRAINER
from ui.export.state import EXPORT_REPLAY, EXPORT_REPLAY_LIVE

TIMEOUT = 120
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_link(**query: str | list[str]) -> AppTest:
    """A fresh session opening a shared link to the app (its default page)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(page: str, **query: str | list[str]) -> AppTest:
    """Open a link, then go to ``page``.

    AppTest passes query parameters only to a first run on the default page, so the link
    is opened there before switching (a real browser test opens /export?... directly).
    """
    at = open_link(**query)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_shared_link_restores_the_experiment_and_reports_ignored_parts():
    at = open_link(src="abc", tgt="bca", cell="gru", hidden="lots", colour="red")
    notice = at.warning[0].value
    assert "hidden='lots'" in notice and "'colour'" in notice
    at.switch_page("app_pages/export.py").run()
    config = CONFIG.get(at.session_state)
    assert (config.sources, config.targets, config.cell) == (("abc",), ("bca",), "gru")
    assert config.hidden_size == PRESETS[DEFAULT_PRESET].config.hidden_size
    # The URL is rewritten to the experiment actually in use: no bogus parameters left.
    assert at.query_params == {"src": "abc", "tgt": "bca", "cell": "gru"}
    assert at.code[0].value.endswith("?src=abc&tgt=bca&cell=gru")


def _sync_app():
    """The URL glue as app.py uses it, around a stand-in for a page that changes the config."""
    import streamlit as st

    from playground.lessons.presets import PRESETS
    from ui.core.session import set_config
    from ui.core.url_sync import restore_config_from_url, sync_url_with_config

    restore_config_from_url()
    preset = st.selectbox("Preset", ["(keep)", *PRESETS])
    if preset != "(keep)":
        set_config(PRESETS[preset].config)
    sync_url_with_config()


def test_changing_the_experiment_updates_the_url_and_a_fresh_session_restores_it():
    # AppTest reruns only the page after the first run, so the glue is tested around a stand-in page.
    at = AppTest.from_function(_sync_app, default_timeout=TIMEOUT).run()
    assert at.query_params == {}
    at.selectbox[0].set_value("next-char").run()
    params = dict(at.query_params)
    assert params["task"] == "next-char" and params["tgt"] == ""
    fresh = AppTest.from_function(_sync_app, default_timeout=TIMEOUT)
    fresh.query_params.update(params)
    fresh.run()
    assert CONFIG.get(fresh.session_state) == PRESETS["next-char"].config
    assert not fresh.warning


def test_export_page_shows_and_offers_the_script_of_the_current_config():
    at = open_page("app_pages/export.py", **{"cell": "lstm", "bidir": "1"})
    config = CONFIG.get(at.session_state)
    click(at, "Show the code")
    scripts = [c.value for c in at.code if c.language == "python"]
    assert scripts == [export_script(config).rstrip("\n")]  # st.code drops the final newline
    assert config.cell == "lstm" and config.bidirectional
    assert any(b.label == "Download the script (.py)" for b in at.get("download_button"))


def test_export_page_trains_on_request_and_offers_the_data_downloads():
    at = open_page("app_pages/export.py", epochs="5")
    assert "Nothing trained yet" in at.info[0].value
    rerun_until_stopped(click(at, "Train this experiment now"), TRAIN_LIVE)
    assert "Trained 5 of 5 epochs" in at.success[0].value
    labels = [b.label for b in at.get("download_button")]
    assert {"History (CSV)", "Per-step probabilities (CSV)", "Model (.pt)"} <= set(labels)


def test_loading_a_model_file_restores_the_run():
    trainer = Trainer(PRESETS["hello-gru"].config)
    trainer.train(max_epochs=7)
    at = open_page("app_pages/export.py")
    at.file_uploader[0].set_value(("gru.pt", save_checkpoint(trainer), "application/octet-stream")).run()
    assert not at.exception
    restored = TRAINER.get(at.session_state)
    assert CONFIG.get(at.session_state) == trainer.config
    assert [r.predictions for r in restored.history] == [r.predictions for r in trainer.history]
    assert "Restored gru.pt: 7 epochs" in at.success[-1].value


def test_loading_a_foreign_file_shows_an_error_not_a_traceback():
    at = open_page("app_pages/export.py")
    at.file_uploader[0].set_value(("junk.pt", b"\x00not torch at all" * 10, "application/octet-stream")).run()
    assert not at.exception
    assert "junk.pt was not loaded" in at.error[0].value


def test_compare_page_trains_the_four_cores_and_offers_the_table():
    at = open_page("app_pages/compare.py")
    assert "Train side by side" in at.info[0].value
    at.radio(key="compare_source").set_value("preset").run()
    at.selectbox(key="compare_preset").set_value("hello-gru").run()
    rerun_until_stopped(click(at, "Train side by side"), COMPARISON_LIVE)
    table = at.dataframe[0].value
    assert list(table["contender"]) == ["nn.RNNCell (hand-written loop)", "nn.RNN", "nn.LSTM", "nn.GRU"]
    assert (table["epochs"] == PRESETS["hello-gru"].config.epochs).all()
    assert len(at.get("plotly_chart")) == 1 + 4  # loss curves + one timeline per contender
    assert any(b.label.startswith("Download the results") for b in at.get("download_button"))


def test_compare_page_shows_per_contender_errors():
    at = open_page("app_pages/compare.py")
    at.radio(key="compare_source").set_value("preset").run()
    at.selectbox(key="compare_preset").set_value("hello-rnn").run()  # hidden-as-logits, vocabulary 4
    at.radio(key="compare_kind").set_value("hidden_sizes").run()
    at.checkbox(key="compare_linear_head_hidden_sizes").uncheck().run()
    at.text_input(key="compare_values_hidden_sizes").input("4, 8").run()
    rerun_until_stopped(click(at, "Train side by side"), COMPARISON_LIVE)
    assert "hidden size 8** cannot train" in at.error[0].value
    assert list(at.dataframe[0].value["epochs"]) == [PRESETS["hello-rnn"].config.epochs, 0]


@pytest.mark.parametrize("values", ["", "x, y"])
def test_compare_page_reports_bad_value_lists(values):
    at = open_page("app_pages/compare.py")
    at.radio(key="compare_kind").set_value("learning_rates").run()
    at.text_input(key="compare_values_learning_rates").input(values).run()
    click(at, "Train side by side")
    assert at.error and not at.dataframe


MARKUP = {"src": "<b>*&", "tgt": "&*<b>"}  # typed strings that markdown and Plotly would read as markup


def shown_as_typed(markdown: str) -> bool:
    """Every character markdown or HTML would act on is backslash-escaped."""
    return not re.search(r"(?<!\\)[<>*&]", markdown)


def plotly_specs(at: AppTest) -> list[str]:
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def test_markup_typed_into_the_strings_shows_as_text_on_compare():
    at = open_page("app_pages/compare.py", **MARKUP)
    strings = next(c.value for c in at.caption if c.value.startswith("Strings:"))
    typed = strings.split("**")[1]  # the strings, between the caption's own bold markers
    assert "<b>" not in typed and shown_as_typed(typed)
    click(at, "Train side by side")
    specs = plotly_specs(at)
    assert len(specs) == 1 + 4
    timelines = specs[1:]
    assert all("&lt;" in spec and "&amp;" in spec for spec in timelines)
    assert not any(re.search(r"&(?!lt;|gt;|amp;|#)", spec) for spec in specs)  # no raw &, none escaped twice


def test_markup_typed_into_the_strings_shows_as_text_on_share_and_export():
    at = open_page("app_pages/export.py", epochs="3", **MARKUP)
    settings = next(c.value for c in at.caption if c.value.startswith("Settings in the link"))
    assert "`src=<b>*&`" in settings  # inline code shows its text as it is
    click(at, "Train this experiment now")
    trained = at.success[0].value
    assert "Trained 3 of 3 epochs" in trained and shown_as_typed(trained.split("prediction", 1)[1])
    assert len(plotly_specs(at)) == 1  # the loss curve


def test_a_long_replay_goes_in_slices_and_then_restores_the_run():
    """Replaying a model file is training: it must take turns like any other, not block the server."""
    trainer = Trainer(PRESETS["hello-bilstm"].config.with_changes(epochs=600))
    trainer.train()
    at = open_page("app_pages/export.py")
    at.file_uploader[0].set_value(("long.pt", save_checkpoint(trainer), "application/octet-stream")).run()
    assert not at.exception
    replay = EXPORT_REPLAY.get(at.session_state)
    assert EXPORT_REPLAY_LIVE.running.get(at.session_state) and 0 < replay.epoch < 600
    assert any("Epoch" in p.proto.text for p in at.get("progress"))
    rerun_until_stopped(at, EXPORT_REPLAY_LIVE)
    restored = TRAINER.get(at.session_state)
    assert [r.loss for r in restored.history] == [r.loss for r in trainer.history]
    assert "Restored long.pt: 600 epochs" in at.success[-1].value


def test_a_file_its_replay_contradicts_is_refused_with_a_sentence():
    trainer = Trainer(PRESETS["hello-gru"].config)
    trainer.train(max_epochs=6)
    payload = torch.load(io.BytesIO(save_checkpoint(trainer)), weights_only=True)
    payload["config"]["lr"] = 0.01
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    at = open_page("app_pages/export.py")
    at.file_uploader[0].set_value(("edited.pt", buffer.getvalue(), "application/octet-stream")).run()
    rerun_until_stopped(at, EXPORT_REPLAY_LIVE)
    assert not at.exception
    assert any("does not match its settings" in e.value for e in at.error)
    assert TRAINER.get(at.session_state) is None
