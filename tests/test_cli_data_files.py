"""``--text-file`` and ``--pairs-file`` on ``train``, ``sample`` and ``export``: the data read as an upload
is (`playground.nn.data_files`), trained as the engine trains that config; a bad file is one line, exit 2."""

from __future__ import annotations

import json

import pytest

from playground import RunConfig, Trainer
from playground.cli import format_line, main
from playground.export import export_script
from playground.run.sampling import SampleSettings, sample

TEXT = "the cat sat on the mat.\nthe dog sat on the log.\n\nthe end"
ONE_LINE = "the cat sat on the mat. the dog sat on the log. the end"
PAIRS_CSV = "source,target\ncat,tac\nbird,drib\nox,xo\n"


def cli(argv: list[str], capsys) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def files(tmp_path):
    (tmp_path / "story.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "words.csv").write_text(PAIRS_CSV, encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"ab\x00cd")
    return tmp_path


def test_a_text_file_trains_a_next_character_model_on_its_windows(files, capsys):
    argv = ["train", "--text-file", str(files / "story.txt"), "--window", "8", "--batch-size", "3", "--epochs", "3"]
    status, out, _ = cli(argv, capsys)
    config = RunConfig(
        task="next-char", text=ONE_LINE, window=8, batch_size=3, epochs=3, vocab="", data_file="story.txt"
    )
    trainer = Trainer(config)
    assert status == 0 and trainer.minibatches
    assert out.splitlines() == [format_line(record, 3, False) for record in trainer.train()]


def test_json_lines_of_a_run_in_mini_batches_hold_each_steps_loss(files, capsys):
    argv = ["train", "--text-file", str(files / "story.txt"), "--window", "8", "--batch-size", "3", "--epochs", "2"]
    status, out, _ = cli([*argv, "--json"], capsys)
    config = RunConfig(
        task="next-char", text=ONE_LINE, window=8, batch_size=3, epochs=2, vocab="", data_file="story.txt"
    )
    lines = [json.loads(line) for line in out.splitlines()]
    records = Trainer(config).train()
    assert status == 0 and [line["batch_losses"] for line in lines] == [list(r.batch_losses) for r in records]
    assert [line["loss"] for line in lines] == [r.loss for r in records]
    _, one_batch, _ = cli(["train", "--epochs", "1", "--json"], capsys)
    assert "batch_losses" not in json.loads(one_batch)


def test_a_pairs_file_trains_its_pairs(files, capsys):
    status, out, _ = cli(
        ["train", "--pairs-file", str(files / "words.csv"), "--batch-size", "2", "--epochs", "2"], capsys
    )
    config = RunConfig(
        sources=("cat", "bird", "ox"), targets=("tac", "drib", "xo"), vocab="", batch_size=2, epochs=2
    ).with_changes(data_file="words.csv")
    assert status == 0
    assert out.splitlines() == [format_line(record, 2, False) for record in Trainer(config).train()]


def test_sample_and_export_take_the_files_too(files, capsys):
    flags = ["--text-file", str(files / "story.txt"), "--window", "8", "--batch-size", "3", "--epochs", "2"]
    status, out, _ = cli(["sample", *flags, "--prime", "the ", "--length", "20", "--temperature", "0"], capsys)
    config = RunConfig(
        task="next-char", text=ONE_LINE, window=8, batch_size=3, epochs=2, vocab="", data_file="story.txt"
    )
    trainer = Trainer(config)
    trainer.train()
    assert status == 0 and out == "the " + sample(trainer, SampleSettings("the ", 20, 0.0, 0, 777)).text + "\n"
    status, script, _ = cli(["export", *flags], capsys)
    assert status == 0 and script == export_script(config)


@pytest.mark.parametrize(
    "argv,line",
    [
        (["--pairs-file", "{dir}/missing.csv"], "error: Cannot read {dir}/missing.csv: No such file or directory."),
        (
            ["--text-file", "{dir}/binary.txt"],
            "error: The file binary.txt is not UTF-8 text: byte 3 is a NUL byte (0x00), as in a binary file such as "
            "an image or a document; save it as UTF-8 text (in most editors: Save as…, encoding UTF-8) and upload "
            "it again.",
        ),
        (
            ["--pairs-file", "{dir}/words.csv", "--source", "ab", "--target", "ba"],
            "error: --pairs-file gives the data; leave out --source, --target.",
        ),
        (
            ["--text-file", "{dir}/story.txt", "--pairs-file", "{dir}/words.csv"],
            "error: --text-file gives the data; leave out --pairs-file.",
        ),
        (
            ["--text-file", "{dir}/story.txt", "--task", "translate"],
            "error: Your own text trains a next-character model; choose the task 'predict the next character' "
            "(or empty the text to translate the source strings).",
        ),
    ],
)
def test_a_bad_file_or_flags_beside_it_are_one_line_and_exit_2(files, capsys, argv, line):
    status, out, err = cli(["train", *[arg.format(dir=files) for arg in argv]], capsys)
    assert (status, out, err) == (2, "", line.format(dir=files) + "\n")
