"""The task generators: deterministic, within the caps, and each target follows its task's rule."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from playground import PlaygroundError, RunConfig, Trainer
from playground.lessons.tasks import (
    GENERATED_TASKS,
    PATTERN,
    TEXT,
    TaskOptions,
    generate,
    held_out_note,
    task_config,
)
from playground.run.limits import LIMITS, Limits

LENGTHS = (1, 2, 5, 8, 13, LIMITS.max_string_length)
SEEDS = (0, 1, 777, 2**32 - 1)


def options_for(name: str, length: int, seed: int, pairs: int = 6) -> TaskOptions:
    return TaskOptions(length=length, pairs=pairs, delay=max(1, length // 3), seed=seed)


def valid_lengths(name: str) -> list[int]:
    return [length for length in LENGTHS if length >= GENERATED_TASKS[name].min_length]


def follows_rule(name: str, source: str, target: str, options: TaskOptions) -> bool:
    """Each task's rule, written independently of the generator's own code."""
    if name in ("shift", "text"):
        text = PATTERN if name == "shift" else TEXT
        repeated = text * (3 + len(source) // len(text))
        return target[:-1] == source[1:] and (source + target[-1]) in repeated
    if name == "copy":
        k = options.delay
        return all(target[t] == (source[t - k] if t >= k else ".") for t in range(len(source)))
    if name == "reverse":
        return target == "".join(reversed(source))
    if name == "parity":
        return all(target[t] == str(source[: t + 1].count("1") % 2) for t in range(len(source)))
    if name == "count":
        since = [
            len(source[: t + 1]) - 1 - source[: t + 1].rfind("x") if "x" in source[: t + 1] else t + 1
            for t in range(len(source))
        ]
        return target == "".join(str(min(n, 9)) for n in since)
    if name == "brackets":
        depths = [source[: t + 1].count("(") - source[: t + 1].count(")") for t in range(len(source))]
        return all(d >= 0 for d in depths) and target == "".join(str(min(d, 9)) for d in depths)
    raise AssertionError(f"no rule written for {name}")


@pytest.mark.parametrize("name", GENERATED_TASKS)
def test_every_pair_follows_its_rule_over_lengths_and_seeds(name):
    for length in valid_lengths(name):
        for seed in SEEDS:
            options = options_for(name, length, seed)
            pairs = generate(name, options)
            assert len(pairs) == options.pairs
            for source, target in pairs:
                assert len(source) == len(target) == length
                assert follows_rule(name, source, target, options), (name, source, target)


@pytest.mark.parametrize("name", GENERATED_TASKS)
def test_same_seed_same_pairs_other_seed_other_pairs(name):
    options = options_for(name, 12, 5)
    assert generate(name, options) == generate(name, options)
    others = {generate(name, options_for(name, 12, seed)) for seed in range(6)}
    assert len(others) > 1


@pytest.mark.parametrize("name", GENERATED_TASKS)
def test_pairs_are_distinct_when_there_are_enough_strings(name):
    pairs = generate(name, options_for(name, 12, 777, pairs=LIMITS.max_pairs))
    distinct = len(set(pairs))
    assert distinct == len(pairs) or name == "shift"  # helloworld has only five unambiguous starts
    assert distinct >= 5


@pytest.mark.parametrize(
    "options",
    [
        TaskOptions(length=0),
        TaskOptions(length=LIMITS.max_string_length + 1),
        TaskOptions(pairs=0),
        TaskOptions(pairs=LIMITS.max_pairs + 1),
    ],
)
def test_lengths_and_pairs_outside_the_caps_are_refused(options):
    for name in GENERATED_TASKS:
        with pytest.raises(PlaygroundError):
            generate(name, options)


def test_caps_are_the_hosts():
    small = Limits(max_string_length=4, max_pairs=2)
    with pytest.raises(PlaygroundError, match="1 to 4"):
        generate("parity", TaskOptions(length=5, pairs=2), small)
    assert len(generate("parity", TaskOptions(length=4, pairs=2), small)) == 2


@pytest.mark.parametrize("delay", [0, 8, 9])
def test_copy_delay_must_fit_the_strings(delay):
    with pytest.raises(PlaygroundError, match="delay"):
        generate("copy", TaskOptions(length=8, delay=delay))


def test_unknown_task_names_the_choices():
    with pytest.raises(PlaygroundError, match="parity"):
        generate("sort", TaskOptions())


@pytest.mark.parametrize("name", GENERATED_TASKS)
def test_task_config_trains(name):
    config = task_config(name, TaskOptions(length=6, pairs=4, seed=3), RunConfig())
    assert config.seed == 3 and config.task == "translate" and len(config.sources) == 4
    trainer = Trainer(config.with_changes(epochs=2))  # the config passes every check
    trainer.train()
    assert trainer.epoch == 2


@pytest.mark.parametrize("name", ["copy", "reverse", "parity", "count", "brackets", "shift"])
def test_suggested_settings_learn_the_task(name):
    trainer = Trainer(task_config(name, TaskOptions(), RunConfig()))
    trainer.train()
    assert trainer.solved_epoch is not None


@pytest.mark.parametrize("name", ["copy", "parity"])
def test_at_its_suggested_options_the_core_fill_picks_learns_what_a_plain_rnn_does_not(name):
    """The explanation's claim, trained: at the suggested length, pairs and delay the filled core
    solves the task within its epochs and a plain RNN with the same settings does not."""
    task = GENERATED_TASKS[name]
    config = task_config(name, task.suggested, RunConfig())
    filled = Trainer(config, stop_when_solved=True)
    filled.train()
    plain = Trainer(config.with_changes(cell="rnn"), stop_when_solved=True)
    plain.train()
    assert filled.solved_epoch is not None and plain.solved_epoch is None
    assert f"{task.suggested.pairs} strings of {task.suggested.length}" in task.explanation


def drawn_cases(count: int) -> list[tuple[str, int, int, int, int]]:
    """(task, length, pairs, test pairs, seed), drawn at random once (seeded): small spaces and large."""
    rng = random.Random(28)
    return [
        (
            rng.choice(sorted(GENERATED_TASKS)),
            rng.choice([1, 2, 3, 4, 6, 8, 12, 24]),
            rng.randint(1, LIMITS.max_pairs),
            rng.randint(0, LIMITS.max_test_pairs),
            rng.randint(0, 2**32 - 1),
        )
        for _ in range(count)
    ]


@pytest.mark.parametrize(("name", "length", "pairs", "test_pairs", "seed"), drawn_cases(200))
def test_held_out_pairs_never_overlap_the_training_pairs(name, length, pairs, test_pairs, seed):
    """Distinct, not a training source, only training characters, the task's rule, as many as asked
    for or a sentence saying why not; and the training pairs are those of a task without held-out pairs."""
    options = TaskOptions(length=max(length, GENERATED_TASKS[name].min_length), pairs=pairs, test_pairs=test_pairs)
    options = replace(options, delay=max(1, options.length // 3), seed=seed)
    config = task_config(name, options, RunConfig())
    held_out = list(zip(config.test_sources, config.test_targets, strict=True))
    assert len(set(config.test_sources)) == len(held_out) <= test_pairs
    assert not set(config.test_sources) & set(config.sources)
    known = set("".join(config.sources + config.targets))
    for source, target in held_out:
        assert set(source + target) <= known and len(source) == len(target) == options.length
        assert follows_rule(name, source, target, options)
    assert (held_out_note(options, config) is None) == (len(held_out) == test_pairs)
    assert list(zip(config.sources, config.targets)) == list(generate(name, replace(options, test_pairs=0)))


@pytest.mark.parametrize("name", ["copy", "parity", "count", "brackets", "reverse", "text"])
def test_a_task_with_room_gives_every_held_out_pair_asked_for(name):
    options = TaskOptions(length=12, pairs=LIMITS.max_pairs, test_pairs=LIMITS.max_test_pairs)
    config = task_config(name, options, RunConfig())
    assert len(config.test_sources) == LIMITS.max_test_pairs and held_out_note(options, config) is None
    Trainer(config)  # the held-out pairs fit the training strings' vocabulary


def test_too_few_strings_for_held_out_pairs_says_so():
    options = TaskOptions(length=2, pairs=8, test_pairs=32)
    config = task_config("parity", options, RunConfig())
    assert config.test_sources == ()
    assert held_out_note(options, config) == (
        "Only 0 of the 32 test pairs asked for: at length 2 the task has no more strings that are not "
        "training strings and use only their characters."
    )


def test_test_pairs_out_of_range_are_refused_with_the_cap():
    with pytest.raises(PlaygroundError, match=f"test pairs must be between 0 and {LIMITS.max_test_pairs}; got 65"):
        generate("copy", TaskOptions(test_pairs=LIMITS.max_test_pairs + 1))
