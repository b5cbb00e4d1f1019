import json
import re
import subprocess
import sys

import pytest

from playground import RunConfig, Trainer
from playground.cli import main
from playground.export import export_script
from playground.lessons.presets import ALL_PRESETS, PRESETS


def test_lesson_log_format(capsys):
    assert main(["train", "--preset", "hello-rnncell"]) == 0
    lines = capsys.readouterr().out.splitlines()
    trainer = Trainer(PRESETS["hello-rnncell"].config)
    trainer.train()
    assert len(lines) == 15
    assert lines[-1] == f"Predicted: ohlol, Epoch [15/15] loss={trainer.history[-1].loss:.4f}"


def test_every_option_reaches_the_config(capsys):
    argv = [
        "train",
        "--source",
        "hello",
        "--target",
        "ohlol",
        "--source",
        "eolll",
        "--target",
        "lleel",
        "--task",
        "translate",
        "--vocab",
        "helo",
        "--cell",
        "gru",
        "--encoding",
        "linear",
        "--embedding-size",
        "6",
        "--head",
        "linear",
        "--hidden-size",
        "7",
        "--layers",
        "2",
        "--bidirectional",
        "--nonlinearity",
        "tanh",
        "--batch-first",
        "--loss-reduction",
        "sum",
        "--optimizer",
        "sgd",
        "--lr",
        "0.5",
        "--momentum",
        "0.8",
        "--epochs",
        "3",
        "--seed",
        "5",
        "--json",
    ]
    assert main(argv) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    config = PRESETS["hello-gru"].config.with_changes(
        sources=("hello", "eolll"),
        targets=("ohlol", "lleel"),
        vocab="helo",
        encoding="linear",
        embedding_size=6,
        hidden_size=7,
        layers=2,
        bidirectional=True,
        batch_first=True,
        loss_reduction="sum",
        optimizer="sgd",
        lr=0.5,
        momentum=0.8,
        epochs=3,
        seed=5,
    )
    trainer = Trainer(config)
    trainer.train()
    assert [row["epoch"] for row in rows] == [1, 2, 3]
    assert [row["loss"] for row in rows] == [r.loss for r in trainer.history]
    assert rows[-1]["prediction"] == list(trainer.history[-1].predictions)


def test_next_char_task_from_one_string(capsys):
    assert main(["train", "--task", "next-char", "--source", "hihello", "--epochs", "2", "--json"]) == 0
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert isinstance(row["prediction"], str) and len(row["prediction"]) == 6


def test_bad_input_is_one_line_and_exit_status_2():
    result = subprocess.run(
        [sys.executable, "-m", "playground", "train", "--source", "hello", "--target", "ohl"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: The source 'hello' has 5 characters")


def test_divergence_exits_1_after_printing_the_epochs_so_far(capsys):
    code = main(
        [
            "train",
            "--cell",
            "rnn",
            "--nonlinearity",
            "relu",
            "--optimizer",
            "sgd",
            "--lr",
            "10",
            "--hidden-size",
            "64",
            "--epochs",
            "50",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1 and "loss became nan" in captured.err
    assert 1 <= len(captured.out.splitlines()) < 50


def test_presets_listing(capsys):
    assert main(["presets"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert names == list(ALL_PRESETS)  # the encoder–decoder's presets after the lessons'


def test_export_prints_the_share_pages_script(capsys):
    argv = ["export", "--preset", "hello-gru", "--epochs", "3", "--source", "hole", "--target", "eloh"]
    assert main(argv) == 0
    config = PRESETS["hello-gru"].config.with_changes(epochs=3, sources=("hole",), targets=("eloh",))
    assert capsys.readouterr().out == export_script(config)


def test_export_of_bad_input_is_one_line_and_exit_status_2():
    result = subprocess.run(
        [sys.executable, "-m", "playground", "export", "--source", "hello", "--target", "ohl"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: The source 'hello' has 5 characters")


def test_exported_script_run_with_python_reproduces_the_apps_losses(tmp_path):
    flags = [
        "--source",
        "hihell",
        "--target",
        "ihello",
        "--cell",
        "lstm",
        "--encoding",
        "linear",
        "--optimizer",
        "sgd",
        "--lr",
        "0.5",
        "--epochs",
        "6",
    ]
    exported = subprocess.run(
        [sys.executable, "-m", "playground", "export", *flags],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    script = tmp_path / "experiment.py"
    script.write_text(exported.stdout, encoding="utf-8")
    ran = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=tmp_path
    )
    assert ran.returncode == 0, ran.stderr
    trainer = Trainer(
        RunConfig(
            sources=("hihell",), targets=("ihello",), cell="lstm", encoding="linear", optimizer="sgd", lr=0.5, epochs=6
        )
    )
    trainer.train()
    losses = [float(re.search(r"\(exact ([^)]+)\)$", line)[1]) for line in ran.stdout.splitlines()]
    assert losses == pytest.approx([record.loss for record in trainer.history], abs=1e-6)
    assert len(losses) == 6
