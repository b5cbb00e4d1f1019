"""An encoder–decoder's exported script prints the run's losses and decoded strings exactly.

The scripts run in one Python subprocess (importing torch costs seconds), as in tests/test_export.py."""

from __future__ import annotations

import re

import pytest

from playground import PlaygroundError, RunConfig
from playground.export import export_script
from playground.run.sampling import SampleSettings
from playground.run.seq2seq_trainer import Seq2SeqTrainer
from script_runner import run_scripts

LINE = re.compile(
    r"^Predicted: (?P<prediction>.*), Epoch \[(?P<epoch>\d+)/\d+\] loss=\d+\.\d{4} \(exact (?P<exact>[^)]+)\)"
    r"( test_loss=\d+\.\d{4} \(exact (?P<test_exact>[^)]+)\))?$"
)
BASE = RunConfig(
    sources=("cat", "hello", "a"),
    targets=("chat", "bonjour", "un"),
    architecture="seq2seq",
    hidden_size=8,
    epochs=6,
)
CONFIGS = {
    "gru-dot": BASE.with_changes(attention="dot"),
    "lstm-additive-bidirectional-2-layers": BASE.with_changes(
        cell="lstm", attention="additive", bidirectional=True, layers=2
    ),
    "rnncell-none-onehot-sum": BASE.with_changes(cell="rnncell", encoding="onehot", loss_reduction="sum"),
    "rnn-dot-linear-batch-first-sgd-clip": BASE.with_changes(
        cell="rnn", attention="dot", encoding="linear", batch_first=True, optimizer="sgd", lr=0.5, clip_grad_norm=1.0
    ),
    "gru-additive-minibatches-teacher-forcing-held-out": BASE.with_changes(
        attention="additive",
        batch_size=2,
        teacher_forcing=0.5,
        test_sources=("cat", "hel"),
        test_targets=("chat", "bon"),
    ),
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    scripts = {name: export_script(config) for name, config in CONFIGS.items()}
    return run_scripts(tmp_path_factory.mktemp("seq2seq_exported"), scripts)[1]


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_script_prints_the_runs_losses_and_decoded_strings(name, outputs):
    records = Seq2SeqTrainer(CONFIGS[name]).train()
    printed = [LINE.match(line) for line in outputs[name]]
    assert all(printed) and len(printed) == len(records)
    for match, record in zip(printed, records):
        assert float(match["exact"]) == record.loss
        assert match["prediction"] == " ".join(record.predictions)
        if record.has_test:
            assert float(match["test_exact"]) == record.test_loss


def test_writing_after_a_prime_is_refused_for_an_encoder_decoder():
    with pytest.raises(PlaygroundError, match="leave out --sample-prime"):
        export_script(BASE, SampleSettings("ca"))
