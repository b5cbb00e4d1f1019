"""`python -m playground train --architecture seq2seq`: one decoded string per pair per epoch, the
numbers of `Seq2SeqTrainer` for the same config, and "Solved at epoch N" at the end; ``sample``
prints what the decoder writes for the source ``--prime``."""

from __future__ import annotations

import json

import pytest

from playground import RunConfig
from playground.cli import main
from playground.run.sampling import SampleSettings
from playground.run.seq2seq_sampling import sample_seq2seq
from playground.run.seq2seq_trainer import Seq2SeqTrainer

ARGV = ["train", "--architecture", "seq2seq", "--attention", "dot", "--source", "cat", "--target", "chat"]


def test_train_prints_each_epochs_decoded_strings_and_ends_solved_at_epoch_n(capsys):
    assert main([*ARGV, "--source", "hello", "--target", "bonjour", "--epochs", "12"]) == 0
    out, err = capsys.readouterr()
    config = RunConfig(
        sources=("cat", "hello"), targets=("chat", "bonjour"), architecture="seq2seq", attention="dot", epochs=12
    )
    trainer = Seq2SeqTrainer(config)
    records = trainer.train()
    assert out.splitlines() == [
        f"Predicted: {' '.join(r.predictions)}, Epoch [{r.epoch}/12] loss={r.loss:.4f}" for r in records
    ]
    assert trainer.solved_epoch is not None
    assert err == f"Solved at epoch {trainer.solved_epoch}: every decoded string is its target.\n"


def test_json_lines_carry_the_same_numbers_and_a_run_repeats_them(capsys):
    assert main([*ARGV, "--epochs", "5", "--json", "--teacher-forcing", "0.5"]) == 0
    first = capsys.readouterr().out
    assert main([*ARGV, "--epochs", "5", "--json", "--teacher-forcing", "0.5"]) == 0
    assert capsys.readouterr().out == first
    lines = [json.loads(line) for line in first.splitlines()]
    config = RunConfig(sources=("cat",), targets=("chat",), architecture="seq2seq", attention="dot", epochs=5)
    records = Seq2SeqTrainer(config.with_changes(teacher_forcing=0.5)).train()
    assert [(line["loss"], line["prediction"]) for line in lines] == [(r.loss, r.predictions[0]) for r in records]


def test_bad_input_is_one_line_and_status_2(capsys):
    for argv, sentence in [
        ([*ARGV[:3], "--source", "cat", "--target", ""], "The target string is empty"),
        (["train", "--attention", "additive", "--source", "cat", "--target", "dog"], "only the encoder–decoder"),
        ([*ARGV, "--teacher-forcing", "1.5"], "between 0 and 1; got 1.5"),
        (["sample", *ARGV[1:], "--prime", "cab"], "the network never saw it in training"),
        (["sample", *ARGV[1:], "--prime", "c⟨s⟩"], "decoder's start marker"),
    ]:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and sentence in err, err


def test_sample_prints_what_the_decoder_writes_for_the_source_prime(capsys):
    argv = ["sample", *ARGV[1:], "--epochs", "8", "--prime", "cat", "--temperature", "0.8", "--seed", "1"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    config = RunConfig(sources=("cat",), targets=("chat",), architecture="seq2seq", attention="dot", epochs=8, seed=1)
    trainer = Seq2SeqTrainer(config)
    trainer.train()
    written = sample_seq2seq(trainer, SampleSettings("cat", temperature=0.8, seed=1))
    assert out == written.text + "\n" and err.startswith("Solved at epoch ")
    with pytest.raises(SystemExit):
        main(["sample", "--help"])
    assert "(an encoder–decoder: the source its decoder writes for)" in " ".join(capsys.readouterr().out.split())


def test_a_pairs_file_of_different_lengths_trains_the_encoder_decoder_only(capsys, tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("source,target\ncat,chat\nhello,bonjour\n", encoding="utf-8")
    assert main([*ARGV[:5], "--pairs-file", str(pairs), "--epochs", "12"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("Predicted: chat bonjour,") and err.startswith("Solved at epoch ")
    assert main(["train", "--pairs-file", str(pairs)]) == 2
    assert "each source character needs one target character" in capsys.readouterr().err
