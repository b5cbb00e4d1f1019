"""The task generators: deterministic, within the caps, and each target follows its task's rule."""

from __future__ import annotations

import pytest

from playground import PlaygroundError, RunConfig, Trainer
from playground.lessons.tasks import GENERATED_TASKS, PATTERN, TEXT, TaskOptions, generate, task_config
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
