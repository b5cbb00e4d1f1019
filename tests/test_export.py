"""Exported scripts reproduce the app's recorded losses and predictions, epoch by epoch.

Importing torch costs seconds on a shared 2-core machine, so the scripts run in ONE Python
subprocess that executes each script file as ``__main__`` (`tests/script_runner.py`);
one script is also run on its own with ``python script.py`` to prove it is standalone.
"""

import ast
import re
import subprocess
import sys

import pytest

from playground import PlaygroundError, RunConfig, Trainer
from playground.export import export_script
from playground.lessons.presets import PRESETS
from playground.run.sampling import SampleSettings, sample
from script_runner import run_scripts

LINE = re.compile(
    r"^Predicted: (?P<prediction>.*), Epoch \[(?P<epoch>\d+)/(?P<epochs>\d+)\] "
    r"loss=(?P<short>\d+\.\d{4}) \(exact (?P<exact>[^)]+)\)"
    r"( test_loss=(?P<test_short>\d+\.\d{4}) \(exact (?P<test_exact>[^)]+)\))?$"
)

FILE_WORDS = "cat dog bird ox horse hen eagle bee".split()
# Settings no preset uses, so every branch of the generator is run.
EXTRA_CONFIGS = {
    "lstm-seq-first-linear-sgd": RunConfig(
        cell="lstm", encoding="linear", embedding_size=3, layers=2, optimizer="sgd", lr=0.5, momentum=0.5, epochs=12
    ),
    "rnncell-2layer-relu-linear-head": RunConfig(
        cell="rnncell", layers=2, nonlinearity="relu", head="linear", loss_reduction="sum", epochs=12
    ),
    "bigru-onehot-sum-unicode": RunConfig(
        sources=("héllo, 👋",),
        targets=("👋 ,olléh",),
        vocab="",
        cell="gru",
        encoding="onehot",
        bidirectional=True,
        loss_reduction="sum",
        epochs=12,
    ),
    "rnn-relu-seq-first-hidden-head": RunConfig(
        sources=("abca",),
        targets=("bcab",),
        vocab="",
        cell="rnn",
        nonlinearity="relu",
        encoding="onehot",
        head="hidden",
        hidden_size=3,
        epochs=12,
    ),
    # Held-out pairs: of one length, padded while the training pairs are not (the fused core packs only
    # them), the other way round through the hand loop, and a next-character text's.
    "gru-held-out": RunConfig(cell="gru", test_sources=("olleh", "lehol"), test_targets=("lohol", "ohlol"), epochs=12),
    "bilstm-held-out-padded": RunConfig(
        cell="lstm",
        bidirectional=True,
        batch_first=False,
        test_sources=("holle", "leh"),
        test_targets=("ohlol", "ohl"),
        epochs=12,
    ),
    "rnncell-padded-held-out-sum": RunConfig(
        sources=("hello", "hel"),
        targets=("ohlol", "ohl"),
        vocab="",
        cell="rnncell",
        loss_reduction="sum",
        test_sources=("lleho",),
        test_targets=("lohle",),
        epochs=12,
    ),
    "next-char-held-out": RunConfig(
        sources=("if you want you",),
        targets=(),
        task="next-char",
        test_sources=("you want", "if you"),
        epochs=12,
    ),
    # Mini-batches: a file's pairs of different lengths with held-out pairs (batches packed or not, an LSTM,
    # clipping, summed loss); a text with characters of several code points through the hand loop.
    "minibatch-file-pairs-lstm": RunConfig(
        sources=tuple(FILE_WORDS),
        targets=tuple(word[::-1] for word in FILE_WORDS),
        vocab="",
        data_file="words.csv",
        batch_size=3,
        cell="lstm",
        loss_reduction="sum",
        clip_grad_norm=1.0,
        test_sources=("tac", "god"),
        test_targets=("cat", "dog"),
        epochs=6,
    ),
    "minibatch-text-rnncell-emoji": RunConfig(
        sources=(),
        targets=(),
        task="next-char",
        text="hi 👋🏽 there, hi 👩‍👩‍👧 you! " * 4,
        window=7,
        batch_size=4,
        vocab="",
        cell="rnncell",
        epochs=6,
    ),
}
CONFIGS = {**{name: preset.config for name, preset in PRESETS.items()}, **EXTRA_CONFIGS}


@pytest.fixture(scope="module")
def script_outputs(tmp_path_factory):
    scripts = {name: export_script(config) for name, config in CONFIGS.items()}
    return run_scripts(tmp_path_factory.mktemp("exported"), scripts)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_exported_script_reproduces_every_epoch(name, script_outputs):
    _, outputs = script_outputs
    config = CONFIGS[name]
    trainer = Trainer(config)
    trainer.train()
    lines = outputs[name]
    assert len(lines) == config.epochs == len(trainer.history)
    for record, line in zip(trainer.history, lines):
        match = LINE.match(line)
        assert match, line
        assert int(match["epoch"]) == record.epoch and int(match["epochs"]) == config.epochs
        assert match["prediction"] == " ".join(record.predictions)
        assert float(match["exact"]) == pytest.approx(record.loss, abs=1e-6)
        if len(record.batch_losses) > 1:  # the mean of the batches' losses, summed alike
            assert float(match["exact"]) == record.loss
        assert match["short"] == f"{record.loss:.4f}"
        if record.has_test:
            assert float(match["test_exact"]) == record.test_loss  # bit for bit
            assert match["test_short"] == f"{record.test_loss:.4f}"
        else:
            assert match["test_exact"] is None


def test_a_script_runs_standalone_with_python(script_outputs):
    paths, outputs = script_outputs
    result = subprocess.run(
        [sys.executable, str(paths["hihell-per-step"])],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=paths["hihell-per-step"].parent,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == outputs["hihell-per-step"]


@pytest.mark.parametrize("name", ["hello-rnncell", "hello-bilstm", "hello-embedding-2layer"])
def test_script_builds_modules_in_the_apps_order_and_names(name):
    """The Model class's attributes appear in the order encoder, core, head and match state_dict names."""
    config = PRESETS[name].config
    tree = ast.parse(export_script(config))
    model = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Model")
    init = next(node for node in model.body if isinstance(node, ast.FunctionDef) and node.name == "__init__")
    created = [
        target.attr
        for stmt in init.body
        if isinstance(stmt, ast.Assign)
        for target in stmt.targets
        if isinstance(target, ast.Attribute)
    ]
    trainer = Trainer(config)
    app_modules = [name for name, _ in trainer.model.named_children()]
    assert created == app_modules


def test_export_of_invalid_config_is_a_playground_error():
    with pytest.raises(PlaygroundError):
        export_script(RunConfig(sources=("abc",), targets=("ab",)))


def test_a_mini_batch_script_embeds_its_text_and_writes_what_the_app_writes(tmp_path):
    config = PRESETS["story"].config.with_changes(epochs=2)
    writing = SampleSettings(prime="The ", length=40, temperature=0.8, seed=5)
    path = tmp_path / "story.py"
    path.write_text(export_script(config, writing), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    trainer = Trainer(config)
    trainer.train()
    *epochs, written = result.stdout.splitlines()
    assert [float(LINE.match(line)["exact"]) for line in epochs] == [record.loss for record in trainer.history]
    assert written == "The " + sample(trainer, writing).text
