"""The generated tasks of different lengths, for the encoder–decoder: seeded, within the caps, each pair
following its rule (written here independently), and trained through the CLI's --task."""

from __future__ import annotations

import datetime
import re

import pytest

from playground import RunConfig
from playground.lessons.presets import ALL_PRESETS, ENCODER_DECODER_PRESETS, PRESETS
from playground.lessons.tasks import ENCODER_DECODER_TASKS, GENERATED_TASKS, TaskOptions, generate, task_config
from playground.run.limits import LIMITS
from playground.run.seq2seq_trainer import Seq2SeqTrainer

SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
DECADES = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}


def words(number: int) -> str:
    """English numbers below 1000 without 'and', spelled by a route of their own."""
    if number >= 100:
        rest = number % 100
        return f"{SMALL[number // 100]} hundred" + (f" {words(rest)}" if rest else "")
    if number < 20:
        return SMALL[number]
    return DECADES[number // 10] + (f"-{SMALL[number % 10]}" if number % 10 else "")


def follows_rule(name: str, source: str, target: str) -> bool:
    if name == "rle":
        runs = re.findall(r"(\d)([a-z])", target)
        return (
            "".join(letter * int(count) for count, letter in runs) == source
            and "".join(count + letter for count, letter in runs) == target
        )
    if name == "dates":
        date = datetime.date.fromisoformat(source)
        return target == f"{date.day} {date.strftime('%b')} {date.year}"
    if name == "roman":
        values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
        total = sum(-values[a] if values[a] < values[b] else values[a] for a, b in zip(target, target[1:] + "I"))
        return total == int(source) and "IIII" not in target
    if name == "reverse-words":
        return target.split(" ") == source.split(" ")[::-1]
    if name == "sort-letters":
        return target == "".join(sorted(source))
    if name == "words":
        return target == words(int(source))
    raise AssertionError(f"no rule written for {name}")


def test_the_pages_ladder_and_the_encoder_decoders_tasks_are_apart():
    assert not set(GENERATED_TASKS) & set(ENCODER_DECODER_TASKS)
    assert set(ENCODER_DECODER_TASKS) == {"rle", "dates", "words", "roman", "reverse-words", "sort-letters"}


@pytest.mark.parametrize("name", ENCODER_DECODER_TASKS)
@pytest.mark.parametrize("seed", [0, 777, 2**32 - 1])
@pytest.mark.parametrize("length", [3, 8, 20])
def test_every_pair_follows_its_rule_is_seeded_and_fits_the_cap(name, seed, length):
    options = TaskOptions(length=length, pairs=12, seed=seed)
    pairs = generate(name, options)
    assert pairs == generate(name, options)
    for source, target in pairs:
        assert follows_rule(name, source, target), (source, target)
        assert 1 <= len(source) <= LIMITS.max_string_length and 1 <= len(target) <= LIMITS.max_string_length


@pytest.mark.parametrize(
    ("name", "source", "target"),
    [
        ("rle", "aaabcc", "3a1b2c"),
        ("dates", "2026-12-07", "7 Dec 2026"),
        ("words", "42", "forty-two"),
        ("words", "312", "three hundred twelve"),
        ("words", "800", "eight hundred"),
        ("words", "0", "zero"),
        ("roman", "14", "XIV"),
        ("roman", "999", "CMXCIX"),
        ("reverse-words", "ab cde f", "f cde ab"),
        ("sort-letters", "dacb", "abcd"),
    ],
)
def test_the_issues_examples(name, source, target):
    assert ENCODER_DECODER_TASKS[name].rule(source, TaskOptions()) == target


def test_numbers_in_words_agree_with_a_second_spelling_for_every_number_below_1000():
    for number in range(1000):
        assert ENCODER_DECODER_TASKS["words"].rule(str(number), TaskOptions()) == words(number)


def test_a_task_gives_an_encoder_decoder_config_that_learns_its_pairs():
    config = task_config("rle", TaskOptions(length=6, pairs=4, test_pairs=4), RunConfig())
    assert config.architecture == "seq2seq" and len(config.test_sources) == 4
    trainer = Seq2SeqTrainer(config.with_changes(epochs=120), stop_when_solved=True)
    trainer.train()
    assert trainer.solved_epoch is not None


def test_the_encoder_decoders_presets_are_the_clis_and_not_the_pages():
    assert set(ENCODER_DECODER_PRESETS) == {"cat-chat", "dates-attention", "reverse-attention"}
    assert all(preset.config.architecture == "seq2seq" for preset in ENCODER_DECODER_PRESETS.values())
    assert all(preset.config.architecture == "aligned" for preset in PRESETS.values())
    assert ALL_PRESETS == {**PRESETS, **ENCODER_DECODER_PRESETS}


def test_cat_chat_is_solved_at_the_epoch_its_description_names():
    preset = ENCODER_DECODER_PRESETS["cat-chat"]
    trainer = Seq2SeqTrainer(preset.config)
    trainer.train()
    assert f"right at epoch {trainer.solved_epoch} " in preset.description
