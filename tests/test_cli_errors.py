"""`python -m playground` keeps the README's promise: bad input prints one line and exits 2, never
argparse's usage or a traceback; output nobody reads (a closed pipe) or nobody can store (a full
disk) ends the program as a Unix tool ends, not with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from playground.cli import main

ROOT = Path(__file__).resolve().parent.parent
CLOSED_PIPE_STATUS = 141  # 128 + SIGPIPE, as a shell reports for `yes | head -1`'s yes


def playground(*argv: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "playground", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize(
    "argv,line",
    [
        (["train", "--hidden-size", "abc"], "error: --hidden-size: 'abc' is not a whole number"),
        (["export", "--epochs", "1.5"], "error: --epochs: '1.5' is not a whole number"),
        (["challenge", "copy-rnn", "--lr", "fast"], "error: --lr: 'fast' is not a number"),
        (["train", "--task", "copy", "--length", "ten"], "error: --length: 'ten' is not a whole number"),
        (
            ["train", "--preset", "nope"],
            "error: --preset: there is no preset 'nope' (python -m playground presets lists them)",
        ),
        (
            ["export", "--preset", "nope"],
            "error: --preset: there is no preset 'nope' (python -m playground presets lists them)",
        ),
        (
            ["train", "--cell", "cnn"],
            "error: --cell: invalid choice: 'cnn' (choose from 'rnncell', 'rnn', 'lstm', 'gru')",
        ),
        (["train", "--hidden-size"], "error: --hidden-size: expected one argument"),
        (["train", "--bogus"], "error: unrecognized arguments: --bogus"),
        (["presets", "--bogus"], "error: unrecognized arguments: --bogus"),
        (["challenges", "extra"], "error: unrecognized arguments: extra"),
        (["challenge"], "error: the following arguments are required: NAME"),
        ([], "error: the following arguments are required: command"),
    ],
)
def test_a_bad_flag_or_value_is_one_line_naming_it_and_exit_status_2(argv, line, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert capsys.readouterr() == ("", line + "\n")


def test_python_m_playground_prints_the_one_line_and_exits_2():
    result = playground("train", "--hidden-size", "abc")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: --hidden-size: 'abc' is not a whole number\n"


@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"], ["export", "--help"], ["challenge", "--help"]])
def test_help_still_prints_the_usage(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    out, err = capsys.readouterr()
    assert out.startswith("usage: python -m playground") and len(out.splitlines()) > 10 and err == ""


def test_a_pipe_closed_after_the_first_line_ends_the_run_quietly():
    """`python -m playground train --epochs 2000 | head -1`: the reader goes away after one line."""
    run = subprocess.Popen(
        [sys.executable, "-m", "playground", "train", "--epochs", "2000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    first_line = run.stdout.readline()
    run.stdout.close()
    stderr = run.stderr.read()
    run.stderr.close()
    assert run.wait(timeout=120) == CLOSED_PIPE_STATUS
    assert first_line.startswith(b"Predicted: ") and b"Epoch [1/2000]" in first_line
    assert stderr == b""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "argv", [["train", "--preset", "hihell-sequence"], ["export", "--preset", "hello-gru"], ["presets"], ["challenges"]]
)
def test_output_that_cannot_be_written_is_one_line_and_exit_status_1(argv):
    with open("/dev/full", "w") as full:
        result = playground(*argv, stdout=full)
    assert result.returncode == 1
    assert result.stderr == "error: cannot write the output: No space left on device\n"
