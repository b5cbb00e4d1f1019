import pytest
import torch

from playground import PlaygroundError, RunConfig
from playground.nn.data import build_dataset
from playground.nn.text import split_characters
from playground.run.limits import Limits


def test_sorted_vocabulary_and_encoding():
    data = build_dataset(RunConfig(sources=("hello",), targets=("ohlol",)))
    assert data.vocab.chars == ("e", "h", "l", "o")
    assert data.source_indices.tolist() == [[1, 0, 2, 2, 3]]
    assert data.target_indices.tolist() == [[3, 1, 2, 3, 2]]
    assert data.source_onehot.shape == (1, 5, 4)
    assert torch.equal(data.source_onehot.argmax(-1), data.source_indices)
    assert data.source_onehot.sum(-1).eq(1).all()


def test_appearance_and_explicit_orders_decide_the_one_hot_columns():
    appearance = build_dataset(RunConfig(sources=("hihell",), targets=("ihello",), vocab_order="appearance"))
    assert appearance.vocab.chars == ("h", "i", "e", "l", "o")
    explicit = build_dataset(RunConfig(sources=("hihell",), targets=("ihello",), vocab="olehi"))
    assert explicit.vocab.chars == ("o", "l", "e", "h", "i")
    assert explicit.source_indices.tolist() == [[3, 4, 3, 2, 1, 1]]


def test_next_char_task_shifts_one_string():
    data = build_dataset(RunConfig(sources=("hihello",), targets=(), task="next-char"))
    assert data.sources == ("hihell",) and data.targets == ("ihello",)


def test_batch_of_pairs():
    data = build_dataset(RunConfig(sources=("hello", "eolll"), targets=("ohlol", "lleel")))
    assert data.source_indices.shape == (2, 5)
    assert data.vocab.decode(data.target_indices[1].tolist()) == "lleel"


def test_user_perceived_characters():
    assert split_characters("e\u0301a") == ["é", "a"]  # combining accent composes (NFC)
    assert split_characters("q\u0307x") == ["q\u0307", "x"]  # no precomposed form: kept together
    family = "👨\u200d👩\u200d👧"
    assert split_characters(family + "a") == [family, "a"]
    assert split_characters("🇫🇷🇩🇪") == ["🇫🇷", "🇩🇪"]
    assert split_characters("👍🏽!") == ["👍🏽", "!"]


def test_emoji_strings_train_as_single_characters():
    data = build_dataset(RunConfig(sources=("👍🏽ab",), targets=("ab👍🏽",)))
    assert data.seq_len == 3 and "👍🏽" in data.vocab.chars


@pytest.mark.parametrize(
    "config, message",
    [
        (RunConfig(sources=("",), targets=("",)), "empty"),
        (RunConfig(sources=("   ",), targets=("abc",)), "empty"),
        (RunConfig(sources=(), targets=()), "Type a source"),
        (RunConfig(sources=("hello",), targets=("ohlo",)), "has 5 characters but the target"),
        (RunConfig(sources=("hello", "abc"), targets=("ohlol", "cb")), "on line 2 'abc' has 3 characters but"),
        (RunConfig(sources=("hello",), targets=("ohlol", "x")), "give one target for every source"),
        (RunConfig(sources=("hello",), targets=("ohlol",), vocab="ehl"), "'o' is not in the vocabulary"),
        (RunConfig(sources=("hello",), targets=("ohlol",), vocab="ehlol"), "more than once"),
        (RunConfig(sources=("a" * 65,), targets=("b" * 65,)), "limit is 64"),
        (RunConfig(sources=("ab\tc",), targets=("abcd",)), "control character"),
        (RunConfig(sources=("a",), targets=(), task="next-char"), "at least 2 characters"),
    ],
)
def test_bad_strings_get_a_clear_message(config, message):
    with pytest.raises(PlaygroundError, match=message):
        build_dataset(config)


def test_pair_and_vocabulary_caps():
    limits = Limits(max_pairs=2, max_vocabulary=3)
    with pytest.raises(PlaygroundError, match="limit of 2"):
        build_dataset(RunConfig(sources=("ab",) * 3, targets=("ba",) * 3), limits)
    with pytest.raises(PlaygroundError, match="vocabulary has 4"):
        build_dataset(RunConfig(sources=("abcd",), targets=("dcba",)), limits)
