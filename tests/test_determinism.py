"""Same config and seed, same numbers, bit for bit: in the app, on the command line and in exported code
(`python -m playground export`, the script the Share page gives).

The command line and the exported script run in fresh processes, where torch would use every core;
the app trains on one thread. A config with time-major input, mean loss, three pairs and 64 units is
one where a second thread sums in another order and the losses part after a few epochs.
"""

import json
import re
import subprocess
import sys

import pytest

from playground import RunConfig, Trainer
from playground.lessons.presets import PRESETS

SOURCES = ("hello world", "hihell worl", "lleho dlrow")
CONFIG = RunConfig(
    sources=SOURCES,
    targets=tuple(s[::-1] for s in SOURCES),
    vocab="",
    cell="rnn",
    hidden_size=64,
    batch_first=False,
    loss_reduction="mean",
    epochs=30,
)
FLAGS = [
    "--cell",
    "rnn",
    "--hidden-size",
    "64",
    "--no-batch-first",
    "--loss-reduction",
    "mean",
    "--epochs",
    "30",
    "--vocab",
    "",
    *[flag for s in SOURCES for flag in ("--source", s, "--target", s[::-1])],
]


# Gradient clipping on, in a run where it acts: relu and SGD at learning rate 1 explode without it.
CLIPPED = PRESETS["clipped-relu"].config
CLIPPED_FLAGS = ["--preset", "clipped-relu"]
# Pairs of different lengths: padded, packed for a fused core (here a bidirectional, time-major LSTM,
# whose backward direction must start at each pair's end), and held per pair by the hand-written loop.
PADDED_PAIRS = (("hello", "olleh"), ("cat", "tac"), ("abcd", "dcba"))
PADDED_FLAGS = ["--vocab", "", *[flag for s, t in PADDED_PAIRS for flag in ("--source", s, "--target", t)]]
PADDED = RunConfig(
    sources=tuple(s for s, _ in PADDED_PAIRS),
    targets=tuple(t for _, t in PADDED_PAIRS),
    vocab="",
    cell="lstm",
    bidirectional=True,
    batch_first=False,
    loss_reduction="mean",
    epochs=20,
)
PADDED_BILSTM_FLAGS = [
    *PADDED_FLAGS,
    *("--cell", "lstm", "--bidirectional", "--no-batch-first", "--loss-reduction", "mean", "--epochs", "20"),
]
PADDED_LOOP = PADDED.with_changes(cell="rnncell", bidirectional=False, layers=2, loss_reduction="sum")
PADDED_LOOP_FLAGS = [
    *PADDED_FLAGS,
    *("--cell", "rnncell", "--layers", "2", "--no-batch-first", "--loss-reduction", "sum", "--epochs", "20"),
]
# Held-out pairs (padded, while the training pairs are not), measured after every update.
HELD_OUT = CONFIG.with_changes(test_sources=("dlrow olleh", "hello"), test_targets=("hello world", "olleh"))
HELD_OUT_FLAGS = [*FLAGS, "--test-source", "dlrow olleh", "--test-target", "hello world"]
HELD_OUT_FLAGS += ["--test-source", "hello", "--test-target", "olleh"]
RUNS = pytest.mark.parametrize(
    ("config", "flags"),
    [
        (CONFIG, FLAGS),
        (CLIPPED, CLIPPED_FLAGS),
        (PADDED, PADDED_BILSTM_FLAGS),
        (PADDED_LOOP, PADDED_LOOP_FLAGS),
        (HELD_OUT, HELD_OUT_FLAGS),
    ],
    ids=["plain", "clipped", "padded-bilstm", "padded-rnncell-loop", "held-out"],
)


def app_losses(config: RunConfig) -> list[float]:
    """Each epoch's loss, and its test loss after it when the run has held-out pairs."""
    trainer = Trainer(config)
    trainer.train_epoch()  # the Step button: one epoch before any timed slice
    trainer.train()
    if config.clip_grad_norm:
        assert any(record.grad_norm > record.clipped_grad_norm for record in trainer.history)
    losses = []
    for record in trainer.history:
        losses += [record.loss, record.test_loss] if record.has_test else [record.loss]
    return losses


@RUNS
def test_the_command_line_trains_the_apps_numbers(config, flags):
    result = subprocess.run(
        [sys.executable, "-m", "playground", "train", *flags, "--json"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    losses = [loss for line in lines for loss in (line["loss"], line.get("test_loss")) if loss is not None]
    assert losses == app_losses(config)


@RUNS
def test_the_exported_script_prints_the_apps_numbers(config, flags, tmp_path):
    exported = subprocess.run(
        [sys.executable, "-m", "playground", "export", *flags], capture_output=True, text=True, timeout=120
    )
    assert exported.returncode == 0, exported.stderr
    script = tmp_path / "exported.py"
    script.write_text(exported.stdout, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    exact = [float(value) for line in result.stdout.splitlines() for value in re.findall(r"\(exact ([^)]+)\)", line)]
    assert exact == app_losses(config)
