"""An unsolved run's advice reads its loss curve (`playground.run.advice`): a rising or jumping loss
asks for a smaller learning rate, a falling one for more epochs, a flat one for a bigger network.
Checked on made-up curves at each rule's edge and on real runs; the Train page and the CLI say it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from playground import RunConfig, Trainer
from playground.cli import summary_lines
from playground.lessons.presets import PRESETS
from playground.lessons.tasks import GENERATED_TASKS, task_config
from playground.run.advice import Advice, advice_for, conflict, not_solved_message, text_message

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "losses,advice",
    [
        ([1.4], Advice.TOO_SHORT_TO_TELL),
        ([1.4, 2.0], Advice.SMALLER_LEARNING_RATE),  # up at once
        ([1.4, 1.4], Advice.SMALLER_LEARNING_RATE),  # the end is not below the start
        ([1.4, 3.0, 0.5, 2.5, 1.0, 2.2, 1.5, 1.6], Advice.SMALLER_LEARNING_RATE),  # ends above the start
        ([1.4, 1.0, 1.2, 0.8, 1.0, 0.6, 0.8, 0.5, 0.7], Advice.SMALLER_LEARNING_RATE),  # falls, up every other step
        ([1.4, 1.0, 0.7, 0.5], Advice.MORE_EPOCHS),
        ([1.4] + [1.3 - 0.01 * i for i in range(39)], Advice.MORE_EPOCHS),  # slow, steady
        ([1.4, 1.0, 0.8] + [0.7] * 20, Advice.BIGGER_NETWORK),
        ([1.4, 0.9] + [0.7, 0.72] * 10, Advice.BIGGER_NETWORK),  # jitter of under 5 % is flat, not jumping
        ([1.4, float("nan")], Advice.SMALLER_LEARNING_RATE),
    ],
)
def test_made_up_curves(losses, advice):
    assert advice_for(losses) is advice


def test_the_edges_of_the_rules():
    rising_steps = [1.0, 0.5, 0.5 * 1.051, 0.4, 0.3, 0.2]  # one step of five rises by just over 5 %
    assert advice_for(rising_steps) is Advice.MORE_EPOCHS
    assert advice_for(rising_steps[:4] + [0.3]) is Advice.SMALLER_LEARNING_RATE  # one step of four: a quarter
    levelling = [1.0, 0.6, 0.5, 0.5, 0.5, 0.5]  # eight epochs: quarters of two
    assert advice_for(levelling + [0.5 * 0.969] * 2) is Advice.MORE_EPOCHS  # the last quarter 3.1 % lower
    assert advice_for(levelling + [0.5 * 0.971] * 2) is Advice.BIGGER_NETWORK  # 2.9 % lower: levelled off


def losses_of(config: RunConfig) -> list[float]:
    trainer = Trainer(config)
    trainer.train()
    assert trainer.solved_epoch is None, "the run must be unsolved for its advice to be shown"
    return [record.loss for record in trainer.history]


@pytest.mark.parametrize(
    "config,advice",
    [
        (RunConfig(lr=10), Advice.SMALLER_LEARNING_RATE),  # the loss jumps to 24 and ends above its start
        (RunConfig(lr=3), Advice.SMALLER_LEARNING_RATE),
        (RunConfig(lr=1), Advice.SMALLER_LEARNING_RATE),  # falls overall, but jumps up again and again
        (RunConfig(cell="lstm", epochs=3), Advice.MORE_EPOCHS),
        (RunConfig(optimizer="sgd", lr=0.001, epochs=40), Advice.MORE_EPOCHS),
        (PRESETS["batch-of-three"].config.with_changes(hidden_size=1, epochs=400), Advice.BIGGER_NETWORK),
    ],
)
def test_real_unsolved_runs(config, advice):
    assert advice_for(losses_of(config)) is advice


def test_the_cli_ends_an_unsolved_run_with_the_advice_on_stderr():
    """The diverging run and a short one get different advice; stdout stays the epochs alone."""
    for flags, config in [
        (["--source", "hello", "--target", "ohlol", "--lr", "10"], RunConfig(lr=10)),
        (["--cell", "lstm", "--epochs", "3", "--json"], RunConfig(cell="lstm", epochs=3)),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "playground", "train", *flags], capture_output=True, text=True, cwd=ROOT, timeout=120
        )
        assert result.returncode == 0
        assert len(result.stdout.splitlines()) == config.epochs
        assert result.stderr == not_solved_message(config.epochs, losses_of(config)) + "\n"
    assert "learning rate is too high" in not_solved_message(30, losses_of(RunConfig(lr=10)))
    assert "try more epochs" in not_solved_message(3, losses_of(RunConfig(cell="lstm", epochs=3)))


def test_a_solved_run_prints_no_advice():
    result = subprocess.run(
        [sys.executable, "-m", "playground", "train", "--preset", "hello-rnn"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0 and result.stderr == ""


def test_one_epoch_is_singular():
    assert not_solved_message(1, [1.4]) == "Not solved in 1 epoch. One epoch shows no trend yet: try more epochs."


def test_pairs_no_network_can_all_get_right_are_named_instead_of_advice():
    text = task_config("text", GENERATED_TASKS["text"].suggested, RunConfig())
    dataset = Trainer(text).dataset
    sentence = conflict(dataset.source_chars, dataset.target_chars, bidirectional=False)
    assert sentence is not None and sentence.startswith("These pairs cannot all be right: after reading '")
    assert "The loss cannot reach 0" in not_solved_message(200, [2.0, 1.0, 0.9], sentence)
    assert conflict((("a", "b"), ("a", "c")), (("x", "y"), ("x", "z")), bidirectional=False) is None
    assert conflict((("a", "b"), ("a", "b")), (("x", "y"), ("x", "z")), bidirectional=True) is not None
    assert conflict((("a", "b"), ("a", "c")), (("x", "y"), ("z", "y")), bidirectional=True) is None
    assert conflict((("a", "b"), ("a", "c")), (("x", "y"), ("z", "y")), bidirectional=False) is not None


def test_a_text_of_ones_own_is_judged_not_solved_on_the_page_and_in_the_cli():
    story = "the cat sat on the mat and the dog sat on the log. " * 4
    config = RunConfig(task="next-char", text=story, window=12, batch_size=8, cell="gru", epochs=2)
    trainer = Trainer(config.with_changes(hidden_size=6, embedding_size=4))
    trainer.train()
    assert trainer.solved_epoch is None
    assert summary_lines(trainer) == [text_message(2, "the sample command prints it")]
    assert text_message(2, "Write, below") == (
        "2 epochs trained. A text is never “solved”: the same characters are followed by different ones in "
        "different places. Judge the run by its loss and by what it writes (Write, below)."
    )
    assert text_message(1, "x").startswith("1 epoch trained.")
