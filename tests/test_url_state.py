"""URL state: every experiment survives a trip through a real query string; bad links never raise."""

import random
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from playground import RunConfig
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from playground.run.settings import in_config_order
from playground.url_state import config_from_params, config_to_params, data_left_out, query_string

URL_NAMES = [setting.url for setting in in_config_order()]


def through_url(config: RunConfig) -> RunConfig:
    """Encode as a browser would see it, parse it back as a server would."""
    url = "http://host/train?" + query_string(config)
    params = parse_qs(urlsplit(url).query, keep_blank_values=True)
    state = config_from_params(params)
    assert state.notices == ()
    return state.config


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_round_trips(name):
    config = PRESETS[name].config
    assert through_url(config) == config  # the story's shipped text travels by its name


def test_default_experiment_has_an_empty_query_and_an_empty_query_means_default():
    default = PRESETS[DEFAULT_PRESET].config
    assert config_to_params(default) == {}
    state = config_from_params({})
    assert state.config == default and not state.has_settings and state.notices == ()


def test_only_changed_settings_are_written_under_short_names():
    config = PRESETS[DEFAULT_PRESET].config.with_changes(cell="gru", lr=0.01, bidirectional=True)
    assert config_to_params(config) == {"cell": "gru", "bidir": "1", "lr": "0.01"}


@pytest.mark.parametrize(
    "sources,targets",
    [
        (("a,b", "c&d"), ("b,a", "d&c")),
        (("héllo", "日本語!"), ("olléh", "!語本日")),
        (("👩‍👩‍👧x",), ("x👩‍👩‍👧",)),
        (("a b", " =?"), ("b a", "?= ")),
        (("%20+",), ("+%20",)),
    ],
)
def test_strings_with_separators_and_unicode_round_trip(sources, targets):
    config = PRESETS[DEFAULT_PRESET].config.with_changes(sources=sources, targets=targets, vocab="")
    assert through_url(config) == config


def test_empty_target_list_round_trips_for_next_char_and_explicit_vocab_is_kept():
    config = PRESETS["next-char"].config.with_changes(vocab="fi you")
    assert config.targets == ()
    assert through_url(config) == config


def test_hand_typed_link_with_new_strings_gets_an_automatic_vocabulary():
    state = config_from_params({"src": "abc", "tgt": "bca"})
    assert state.config.sources == ("abc",) and state.config.vocab == "" and state.notices == ()


@pytest.mark.parametrize(
    "params,field,fragment",
    [
        ({"cell": "banana"}, "cell", "cell='banana'"),
        ({"hidden": "eight"}, "hidden_size", "whole number"),
        ({"hidden": "100000"}, "hidden_size", "between"),
        ({"lr": "nan"}, "lr", "finite"),
        ({"lr": "-1"}, "lr", "positive"),
        ({"bidir": "maybe"}, "bidirectional", "1 or 0"),
        ({"epochs": ["5", "6"]}, "epochs", "more than once"),
        ({"seed": "-3"}, "seed", "Seed"),
    ],
)
def test_malformed_values_fall_back_to_the_default_with_a_notice(params, field, fragment):
    state = config_from_params(params)
    default = PRESETS[DEFAULT_PRESET].config
    assert getattr(state.config, field) == getattr(default, field)
    assert len(state.notices) == 1 and fragment in state.notices[0]


def test_unknown_parameter_is_ignored_with_a_notice_and_good_ones_still_apply():
    state = config_from_params({"colour": "red", "cell": "lstm"})
    assert state.config.cell == "lstm"
    assert state.notices == ("The link's parameter 'colour' is not a setting of this app; it was ignored.",)


def test_settings_that_conflict_are_kept_but_reported():
    state = config_from_params({"cell": "rnncell", "bidir": "1"})
    assert state.config.cell == "rnncell" and state.config.bidirectional
    assert "do not fit together" in state.notices[0]


def test_random_garbage_never_raises():
    rng = random.Random(0)
    alphabet = "abc01.-,&=%é😀 \x00"
    names = list(URL_NAMES) + ["x", ""]
    for _ in range(500):
        params = {
            rng.choice(names): [
                "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 3))
            ]
            for _ in range(rng.randint(1, 5))
        }
        state = config_from_params(params)
        assert isinstance(state.config, RunConfig)


def test_every_setting_round_trips_when_changed():
    base = PRESETS[DEFAULT_PRESET].config
    changed = base.with_changes(
        task="next-char",
        vocab_order="appearance",
        encoding="linear",
        embedding_size=3,
        head="hidden",
        hidden_size=7,
        layers=3,
        bidirectional=True,
        nonlinearity="relu",
        batch_first=False,
        loss_reduction="sum",
        optimizer="sgd",
        lr=0.123456789,
        momentum=0.5,
        clip_grad_norm=2.5,
        epochs=77,
        seed=0,
        vocab="leho",
        test_sources=("hel", "l&h ,é"),
        test_targets=("ohl", "lho"),
        patience=5,
        window=16,
        batch_size=4,
        architecture="seq2seq",
        attention="additive",
        teacher_forcing=0.25,
    )
    params = config_to_params(changed)
    assert set(params) == set(URL_NAMES) - {"src", "tgt", "cell", "text", "file"}
    assert config_from_params(parse_qs(urlencode(params, doseq=True), keep_blank_values=True)).config == changed


def test_a_pages_own_parameters_are_neither_settings_nor_unknown():
    state = config_from_params({"vs": "learning_rates", "cell": "gru"}, page_params=frozenset({"vs"}))
    assert state.notices == () and state.config.cell == "gru"
    config = PRESETS[DEFAULT_PRESET].config.with_changes(cell="gru")
    query = query_string(config, page_params={"vs": "learning_rates", "values": "0.01,0.5"})
    assert query == "cell=gru&vs=learning_rates&values=0.01,0.5"
    assert config_from_params(parse_qs(query), page_params=frozenset({"vs", "values"})).config == config


def test_a_run_on_a_file_keeps_the_files_name_and_leaves_its_pairs_out():
    config = PRESETS[DEFAULT_PRESET].config.with_changes(
        sources=("abc", "de"),
        targets=("bca", "ed"),
        test_sources=("ab",),
        test_targets=("ba",),
        data_file="pairs.csv",
        batch_size=2,
        vocab="",
    )
    assert config_to_params(config) == {"file": "pairs.csv", "batch": "2"}
    opened = through_url(config)
    assert opened == PRESETS[DEFAULT_PRESET].config.with_changes(data_file="pairs.csv", batch_size=2, vocab="")
    for shared in (config, opened):
        assert data_left_out(shared) == (
            "A link does not carry the data file 'pairs.csv': upload it on the Train page to train on the same data."
        )


def test_a_run_on_its_own_text_leaves_the_text_out_and_says_so():
    config = PRESETS["next-char"].config.with_changes(text="the cat sat on the mat", sources=("xyz",), window=8)
    params = config_to_params(config)
    assert params["window"] == "8" and params["task"] == "next-char"
    assert not {"text", "src", "tgt", "file"} & set(params)
    default = PRESETS[DEFAULT_PRESET].config
    assert through_url(config) == config.with_changes(text="", sources=default.sources, targets=default.targets)
    assert data_left_out(config) == (
        "A link does not carry your own text: whoever opens it pastes the text or uploads its file."
    )
    assert data_left_out(PRESETS[DEFAULT_PRESET].config) is None


def test_a_hand_typed_text_in_a_link_is_ignored_with_a_sentence():
    state = config_from_params({"task": "next-char", "text": "hello there"})
    assert state.config.text == "" and state.config.task == "next-char"
    assert state.notices == (
        "The link's setting text='hello there' was ignored (a link carries only a text shipped with the app "
        "(the_little_lighthouse); paste your own or upload its file on the Train page); using the default .",
    )


def test_a_shipped_text_travels_by_its_name_and_nothing_is_left_out():
    story = PRESETS["story"].config
    params = config_to_params(story)
    assert params["text"] == "the_little_lighthouse" and data_left_out(story) is None
    assert config_from_params({"task": "next-char", "text": "the_little_lighthouse"}).config.text == story.text
    edited = story.with_changes(text=story.text[:-1])  # a shipped text changed by one character is the learner's own
    assert "text" not in config_to_params(edited) and data_left_out(edited)
