"""`python -m playground sample` prints what the engine's sampler writes; an exported script with the
``--sample-*`` flags prints the very same text; bad input is one line and exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from playground import Trainer
from playground.cli import main
from playground.lessons.presets import PRESETS
from playground.run.sampling import SampleSettings, sample

ROOT = Path(__file__).resolve().parent.parent
WRITING = ["--prime", "yo", "--length", "80", "--temperature", "0.8", "--top-k", "5"]


def cli(argv: list[str], capsys) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def engine_text(settings: SampleSettings, **changes) -> str:
    trainer = Trainer(PRESETS["next-char"].config.with_changes(**changes))
    trainer.train()
    return settings.prime + sample(trainer, settings).text


def test_sample_prints_the_engines_text_and_seed_sets_both_seeds(capsys):
    """The issue's command with --seed 1: the training seed, and the draws' seed too."""
    status, out, _ = cli(["sample", "--preset", "next-char", *WRITING, "--seed", "1", "--epochs", "5"], capsys)
    assert status == 0
    assert out == engine_text(SampleSettings("yo", 80, 0.8, 5, 1), seed=1, epochs=5) + "\n"


def test_sample_seed_seeds_only_the_draws(capsys):
    argv = ["sample", "--preset", "next-char", "--prime", "yo", "--length", "60", "--epochs", "3", "--seed", "1"]
    _, first, _ = cli(argv, capsys)
    _, other, _ = cli([*argv, "--sample-seed", "2"], capsys)
    assert other == engine_text(SampleSettings("yo", 60, 1.0, 0, 2), seed=1, epochs=3) + "\n"
    assert other != first


@pytest.mark.parametrize(
    "flags",
    [
        ["--preset", "next-char"],
        ["--preset", "next-char", "--cell", "rnncell", "--layers", "2", "--epochs", "10"],
        ["--preset", "next-char", "--cell", "lstm", "--batch-first", "--epochs", "10"],
        ["--preset", "next-char", "--cell", "gru", "--encoding", "onehot", "--head", "hidden", "--hidden-size", "10"],
    ],
)
def test_the_exported_script_writes_the_clis_text(flags, capsys, tmp_path):
    _, expected, _ = cli(["sample", *flags, *WRITING, "--sample-seed", "3"], capsys)
    exported = [f"--sample-{flag.removeprefix('--')}" if flag.startswith("--") else flag for flag in WRITING]
    status, script, _ = cli(["export", *flags, *exported, "--sample-seed", "3"], capsys)
    assert status == 0
    path = tmp_path / "script.py"
    path.write_text(script, encoding="utf-8")
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] + "\n" == expected


def test_export_without_a_prime_writes_nothing(capsys):
    _, script, _ = cli(["export", "--preset", "next-char"], capsys)
    assert "def draw" not in script and "def step" not in script


@pytest.mark.parametrize(
    "argv,line",
    [
        (
            ["sample", "--preset", "next-char", "--prime", "he", "--epochs", "1"],
            "error: The prime 'he' has 'h', 'e': the network never saw them in training; "
            "use its characters: 'if youwant'.",
        ),
        (
            ["sample", "--preset", "next-char", "--epochs", "1"],
            "error: Give --prime TEXT: the characters the network reads before it writes.",
        ),
        (
            ["sample", "--preset", "next-char", "--prime", "y", "--length", "501", "--epochs", "1"],
            "error: The length to write must be a whole number from 1 to 500 (a cap set by the host); got 501.",
        ),
        (
            ["sample", "--preset", "next-char", "--prime", "y", "--temperature", "nan", "--epochs", "1"],
            "error: Temperature must be 0 (always the likeliest character) or a number from 0.01 to 2; got nan.",
        ),
        (
            ["sample", "--preset", "next-char", "--prime", "y", "--top-k", "-1", "--epochs", "1"],
            "error: Top-k must be a whole number, 0 to draw among all characters; got -1.",
        ),
        (["sample", "--prime", "y", "--top-k", "nan"], "error: --top-k: 'nan' is not a whole number"),
        (["sample", "--prime", "y", "--sample-seed", "x"], "error: --sample-seed: 'x' is not a whole number"),
        (
            ["sample", "--prime", "y", "--task-length", "5"],
            "error: Use --task-length with a generated task: --task {shift,copy,reverse,parity,count,brackets,text,"
            "rle,dates,words,roman,reverse-words,sort-letters}.",
        ),
        (
            ["export", "--preset", "next-char", "--sample-prime", "yo!"],
            "error: The prime 'yo!' has '!': the network never saw it in training; use its characters: 'if youwant'.",
        ),
        (
            ["sample", "--preset", "next-char", "--bidirectional", "--prime", "y"],
            "error: A bidirectional network reads each string from its end too, which a text still being written "
            "does not have; train it with bidirectional off to let it write.",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(argv, line, capsys):
    try:
        status = main(argv)
    except SystemExit as exited:  # argparse's own mistakes
        status = exited.code
    captured = capsys.readouterr()
    assert (status, captured.out, captured.err) == (2, "", line + "\n")


def test_the_cap_follows_its_environment_variable():
    result = subprocess.run(
        [sys.executable, "-m", "playground", "sample", "--preset", "next-char", "--prime", "y", "--length", "11"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env={**os.environ, "RNN_PLAYGROUND_MAX_SAMPLE_LENGTH": "10"},
        timeout=120,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "error: The length to write must be a whole number from 1 to 10 (a cap set by the host); got 11.\n"
    )
