"""The CLI's generated tasks (--task NAME --length N --pairs N) and its challenge commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from playground import RunConfig, Trainer
from playground.cli import build_parser, config_from_args, main
from playground.lessons.challenges import CHALLENGES
from playground.lessons.tasks import TaskOptions, task_config
from playground.run.settings import SETTING_BY_FIELD
from test_challenges import KNOWN_GOOD


def config_of(*argv: str) -> RunConfig:
    return config_from_args(build_parser().parse_args(["train", *argv]))


def test_generated_task_fills_the_pairs_seeded_by_seed():
    config = config_of("--task", "copy", "--length", "10", "--pairs", "4", "--delay", "5", "--seed", "3")
    assert config == task_config("copy", TaskOptions(length=10, pairs=4, delay=5, seed=3), RunConfig())
    other = config_of("--task", "copy", "--length", "10", "--pairs", "4", "--delay", "5", "--seed", "4")
    assert other.sources != config.sources


def test_other_flags_apply_on_top_of_the_tasks_settings():
    config = config_of("--task", "parity", "--cell", "rnn", "--hidden-size", "3")
    assert (config.cell, config.hidden_size) == ("rnn", 3)
    assert config.sources == task_config("parity", TaskOptions(), RunConfig()).sources


def test_the_configs_own_tasks_still_work():
    assert config_of("--task", "next-char", "--source", "hello").task == "next-char"
    assert config_of("--task", "translate").task == "translate"


@pytest.mark.parametrize(
    "argv",
    [
        ["--task", "copy", "--source", "abc", "--target", "cba"],
        ["--length", "5"],
        ["--task", "next-char", "--source", "hello", "--pairs", "2"],
        ["--task", "parity", "--length", "0"],
        ["--task", "parity", "--pairs", "1000"],
        ["--task", "copy", "--length", "4", "--delay", "4"],
    ],
)
def test_bad_task_flags_exit_2_with_one_line(argv, capsys):
    assert main(["train", *argv]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: ") and "\n" not in error


def test_export_takes_the_task_flags(capsys):
    assert main(["export", "--task", "reverse", "--length", "5", "--pairs", "2"]) == 0
    pairs = task_config("reverse", TaskOptions(length=5, pairs=2), RunConfig())
    script = capsys.readouterr().out
    assert all(f"'{source}'" in script for source in pairs.sources)


def test_challenges_lists_name_tab_title(capsys):
    assert main(["challenges"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{c.name}\t{c.title}" for c in CHALLENGES.values()]


def test_challenge_passes_with_good_flags_and_fails_from_the_start(capsys):
    assert main(["challenge", "parity", "--cell", "gru"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "PASS" and any(line.startswith("parameters: ") for line in out)
    assert main(["challenge", "parity"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "FAIL"


def test_a_broken_rule_fails_and_is_named(capsys):
    flags = ["--hidden-size", "8", "--encoding", "embedding", "--lr", "0.1"]
    assert main(["challenge", "gru-hello", *flags]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "rule not kept: hidden size 2 or less" in out and out[-1] == "FAIL"


def test_unknown_challenge_or_bad_flag_exits_2():
    for argv in (["challenge", "nope"], ["challenge", "parity", "--lr", "-1"], ["challenge"]):
        result = subprocess.run([sys.executable, "-m", "playground", *argv], capture_output=True, text=True)
        assert result.returncode == 2, argv
        assert "Traceback" not in result.stderr


def as_flags(changes: dict) -> list[str]:
    """Config changes as the command-line flags that make them."""
    flags: list[str] = []
    for field, value in changes.items():
        flag = SETTING_BY_FIELD[field].flag
        if isinstance(value, bool):
            flags.append(f"--{flag}" if value else f"--no-{flag}")
        else:
            flags += [f"--{flag}", str(value)]
    return flags


@pytest.mark.parametrize("name", CHALLENGES)
def test_known_good_configs_pass_from_the_command_line(name, capsys):
    assert main(["challenge", name, *as_flags(KNOWN_GOOD[name])]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "PASS"


def test_a_generated_task_measures_its_held_out_pairs_on_every_line(capsys):
    argv = ["train", "--task", "copy", "--length", "6", "--pairs", "4", "--test-pairs", "5", "--epochs", "3"]
    assert main([*argv, "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    trainer = Trainer(config_from_args(build_parser().parse_args(argv)))
    trainer.train()
    assert len(trainer.config.test_sources) == 5
    for line, record in zip(lines, trainer.history, strict=True):
        assert line["test_loss"] == record.test_loss and line["test_accuracy"] == record.test_accuracy
        assert line["test_string_accuracy"] == record.test_string_accuracy
        assert line["accuracy"] == record.train_accuracy and line["test_prediction"] == list(record.test_predictions)
    assert main(argv) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[-1].endswith(f"loss={trainer.history[-1].loss:.4f} test_loss={trainer.history[-1].test_loss:.4f}")


def test_a_memorised_run_says_so_after_its_epochs(capsys):
    assert main(["train", "--preset", "memorise"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == ["memorised: 100 % on the 4 training pairs, 66 % on 32 unseen ones"]


def test_early_stopping_ends_the_run_and_says_where(capsys):
    argv = ["train", "--preset", "memorise", "--patience", "5", "--json"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    trainer = Trainer(config_from_args(build_parser().parse_args(argv)))
    trainer.train()
    assert trainer.stopped_early and len(captured.out.splitlines()) == trainer.epoch < trainer.config.epochs
    assert captured.err.splitlines()[0] == trainer.early_stop_sentence()
    assert captured.err.splitlines()[0].startswith(f"Stopped early at epoch {trainer.epoch}: ")


def test_too_few_held_out_strings_are_said_before_training(capsys):
    assert main(["train", "--task", "parity", "--length", "2", "--pairs", "4", "--epochs", "1"]) == 0
    assert capsys.readouterr().err.startswith("Only 0 of the 32 test pairs asked for: at length 2")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--test-pairs", "3"], "Use --test-pairs with a generated task"),
        (["--task", "copy", "--test-source", "ab", "--test-target", "ba"], "leave out --source, --target, --test"),
        (["--task", "copy", "--test-pairs", "65"], "test pairs must be between 0 and 64; got 65"),
    ],
)
def test_held_out_flags_that_do_not_fit_exit_2(argv, message, capsys):
    assert main(["train", *argv]) == 2
    assert message in capsys.readouterr().err
