"""The settings table covers every `RunConfig` field, and every consumer generated from it has each one.

A field added to `RunConfig` but forgotten in the table, or a consumer (link, command line,
Train page) that skips an entry, fails here instead of silently taking the default.
"""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path
from typing import Any, get_args, get_type_hints
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from playground import PlaygroundError, RunConfig
from playground.cli import build_parser, config_from_args
from playground.run.limits import Limits
from playground.run.setting_type import Setting
from playground.run.settings import PAGE_SETTINGS, SETTING_BY_FIELD, SETTINGS, in_config_order
from playground.run.settings_checks import validate_settings
from playground.url_state import config_from_params, data_left_out, default_config, query_string
from ui.train.settings import OWN_DATA_FIELDS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
FIELDS = [field.name for field in fields(RunConfig)]
KINDS = (tuple, str, int, float, bool)


def changed_value(setting: Setting, config: RunConfig) -> Any:
    """A valid value for ``setting`` that differs from ``config``'s."""
    value = getattr(config, setting.field)
    if setting.choices:
        return next(choice for choice in setting.choices if choice != value)
    if setting.kind is tuple:
        return ("abc", "cab") if value != ("abc", "cab") else ("xy",)
    if setting.kind is str:
        return value + "z" if value else "ab"
    if setting.kind is bool:
        return not value
    low, high = setting.bounds()
    if setting.kind is int:
        return low if value != low else low + 1
    if value == low:  # a float that starts at its low end: clipping's 0 = off
        return (low + high) / 2
    return (value + low) / 2  # a float strictly inside the range (the lr's low end is excluded)


def changed_configs(base: RunConfig) -> list[RunConfig]:
    """``base`` with one field changed, for every field: each must survive a round trip on its own."""
    configs = [base.with_changes(**{setting.field: changed_value(setting, base)}) for setting in SETTINGS]
    assert all(config != base for config in configs)
    return configs


def test_the_table_has_every_field_exactly_once():
    assert sorted(setting.field for setting in SETTINGS) == sorted(FIELDS)
    assert [setting.field for setting in in_config_order()] == FIELDS
    assert set(SETTING_BY_FIELD) == set(FIELDS)


@pytest.mark.parametrize("attribute", ["url", "flag", "label"])
def test_every_setting_has_a_unique_name_for_each_consumer(attribute):
    names = [getattr(setting, attribute) for setting in SETTINGS]
    assert all(names) and len(set(names)) == len(names)


def test_url_names_stay_those_of_links_already_shared():
    """A shared link outlives the code: renaming a parameter would silently drop that setting."""
    names = {setting.field: setting.url for setting in SETTINGS}
    assert names == {
        "sources": "src",
        "targets": "tgt",
        "task": "task",
        "vocab": "vocab",
        "vocab_order": "order",
        "cell": "cell",
        "encoding": "enc",
        "embedding_size": "emb",
        "head": "head",
        "hidden_size": "hidden",
        "layers": "layers",
        "bidirectional": "bidir",
        "nonlinearity": "act",
        "batch_first": "bf",
        "loss_reduction": "loss",
        "optimizer": "opt",
        "lr": "lr",
        "momentum": "mom",
        "epochs": "epochs",
        "seed": "seed",
        "clip_grad_norm": "clip",
        "test_sources": "tsrc",
        "test_targets": "ttgt",
        "patience": "patience",
        "text": "text",
        "window": "window",
        "batch_size": "batch",
        "data_file": "file",
        "architecture": "arch",
        "attention": "attn",
        "teacher_forcing": "tf",
    }


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.field)
def test_each_entry_fits_its_fields_type(setting):
    hint = get_type_hints(RunConfig)[setting.field]
    assert setting.kind in KINDS
    if setting.choices:
        assert setting.choices == get_args(hint), "the choices are the field's Literal type"
        assert setting.choice_labels is None or set(setting.choice_labels) == set(setting.choices)
    else:
        assert setting.choice_labels is None
    has_range = setting.low is not None
    assert has_range == (setting.kind in (int, float)), "every number has a range, nothing else has one"
    if has_range:
        assert (setting.high is None) != (setting.cap is None), "a fixed upper bound or a host's cap"
        assert setting.cap is None or hasattr(Limits(), setting.cap)
        assert setting.noun, "a number out of range is refused with its name"
    if setting.unused is not None:
        setting.unused({field: getattr(RunConfig(), field) for field in FIELDS})  # names only real fields


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.choices], ids=lambda setting: setting.field)
def test_validation_refuses_a_value_outside_the_choices(setting):
    with pytest.raises(PlaygroundError, match=f"^Unknown {setting.noun} 'banana'; choose one of: "):
        validate_settings(RunConfig().with_changes(**{setting.field: "banana"}))


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.kind is int], ids=lambda setting: setting.field)
def test_validation_refuses_whole_numbers_outside_the_range_the_help_names(setting):
    limits = Limits(max_hidden_size=1000, max_layers=9, max_embedding_size=333, max_epochs=77)
    low, high = setting.bounds(limits)
    validate_settings(RunConfig().with_changes(**{setting.field: high}), limits)
    for value in (low - 1, high + 1):
        with pytest.raises(PlaygroundError, match=f"must be between {low} and {high}"):
            validate_settings(RunConfig().with_changes(**{setting.field: value}), limits)
    help_text = setting.help_text(limits)
    assert help_text is None or "{" not in help_text
    if setting.help and "{high}" in setting.help:
        assert str(high) in help_text


def test_learning_rate_cap_follows_the_host_in_check_and_help():
    limits = Limits(max_learning_rate=2.5)
    validate_settings(RunConfig(lr=2.5), limits)
    with pytest.raises(PlaygroundError, match="at most 2.5"):
        validate_settings(RunConfig(lr=2.6), limits)
    assert "at most 2.5;" in SETTING_BY_FIELD["lr"].help_text(limits)
    for lr in (0.0, -1.0, math.nan):
        with pytest.raises(PlaygroundError, match="positive finite"):
            validate_settings(RunConfig(lr=lr), limits)


@pytest.mark.parametrize("ratio", [-0.1, 1.5, math.nan, math.inf])
def test_a_teacher_forcing_ratio_outside_0_to_1_is_refused(ratio):
    with pytest.raises(PlaygroundError, match="^The teacher forcing ratio is the chance .* between 0 and 1; got"):
        validate_settings(RunConfig(architecture="seq2seq", teacher_forcing=ratio))
    for ratio in (0.0, 0.5, 1.0):
        validate_settings(RunConfig(architecture="seq2seq", teacher_forcing=ratio))


def argv_for(config: RunConfig) -> list[str]:
    """The flags that spell out every field of ``config``, built from the table."""
    argv = []
    for setting in SETTINGS:
        value = getattr(config, setting.field)
        if setting.kind is tuple:
            argv += [part for item in value for part in (f"--{setting.flag}", item)]
        elif setting.kind is bool:
            argv.append(f"--{setting.flag}" if value else f"--no-{setting.flag}")
        else:
            argv += [f"--{setting.flag}", repr(value) if setting.kind is float else str(value)]
    return argv


@pytest.mark.parametrize("command", ["train", "export"])
def test_the_cli_takes_every_flag_and_rebuilds_the_config(command):
    parser = build_parser()
    for config in [RunConfig(), *changed_configs(RunConfig())]:
        assert config_from_args(parser.parse_args([command, *argv_for(config)])) == config


def test_a_link_round_trips_every_field_but_a_text():
    for config in changed_configs(default_config()):
        query = parse_qs(urlsplit("http://host/?" + query_string(config)).query, keep_blank_values=True)
        state = config_from_params(query)
        if config.text:  # a link leaves a text out, and says so (tests/test_url_state.py)
            assert state.config == config.with_changes(text="") and data_left_out(config)
            continue
        assert state.notices == () and state.config == config


def test_the_train_page_draws_a_widget_for_every_field_it_can_show():
    """Every field but the encoder–decoder's, which the pages cannot show yet (`Setting.on_pages`)."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert {s.field for s in SETTINGS if not s.on_pages} == {"architecture", "attention", "teacher_forcing"}
    for setting in SETTINGS:
        if not setting.on_pages:
            assert f"train_{setting.field}" not in at.session_state
    config = default_config()
    for setting in PAGE_SETTINGS:
        key = f"train_{setting.field}"
        if setting.field in OWN_DATA_FIELDS:  # an upload and a paste box of their own: tests/test_app_own_data.py
            assert not [widget for widget in at.text_input if widget.key == key]
            continue
        if setting.kind is tuple:
            widget = at.text_area(key=key)
        elif setting.kind is bool:
            widget = at.toggle(key=key)
        elif setting.choices:
            widget = at.selectbox(key=key)
        elif setting.kind is str or setting.typed_as_text:
            widget = at.text_input(key=key)
        else:
            widget = at.number_input(key=key)
        value = getattr(config, setting.field)
        if setting.typed_as_text:
            value = str(value)  # a whole number typed as text: its digits
        assert widget.value == ("\n".join(value) if setting.kind is tuple else value)
        assert widget.label == setting.label
