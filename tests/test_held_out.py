"""Held-out pairs: measured after every epoch without touching training, as plain PyTorch measures them,
refused with a sentence when they cannot be measured, and ending a run by early stopping where the rule says."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch
from torch import nn

from playground import PlaygroundError, RunConfig, Trainer
from playground.run.budget import train_within
from playground.run.checkpoint import Replay, load_checkpoint, save_checkpoint
from playground.run.compare import Comparison, hidden_size_contenders
from playground.run.epoch_record import EpochRecord
from playground.run.generalisation import Verdict, generalisation
from playground.run.history import epochs_frame

PAIRS = dict(sources=("hello", "lleho", "ohhel"), targets=("ohlol", "ehlol", "lleoh"), vocab="")
HELD_OUT = dict(test_sources=("olleh", "hole", "eh"), test_targets=("lohol", "ohle", "he"))

CONFIGS = {
    "gru-embedding": RunConfig(**PAIRS, cell="gru", epochs=25),
    "rnncell-sum-padded": RunConfig(
        sources=("hello", "hel"), targets=("ohlol", "ohl"), vocab="", cell="rnncell", loss_reduction="sum", epochs=20
    ),
    "bilstm-sgd": RunConfig(**PAIRS, cell="lstm", bidirectional=True, layers=2, optimizer="sgd", lr=0.5, epochs=20),
    "next-char": RunConfig(sources=("if you want you",), targets=(), task="next-char", epochs=20),
}
TESTS = {
    "gru-embedding": HELD_OUT,
    "rnncell-sum-padded": HELD_OUT,
    "bilstm-sgd": HELD_OUT,
    "next-char": dict(test_sources=("you want", "if you"), test_targets=()),
}


def trained(config: RunConfig) -> Trainer:
    trainer = Trainer(config)
    trainer.train()
    return trainer


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_training_is_bit_identical_with_and_without_held_out_pairs(name):
    without = trained(CONFIGS[name])
    with_test = trained(CONFIGS[name].with_changes(**TESTS[name]))
    assert with_test.test_dataset is not None and without.test_dataset is None
    for plain, measured in zip(without.history, with_test.history, strict=True):
        assert plain.loss == measured.loss and plain.predictions == measured.predictions
        assert torch.equal(plain.probabilities, measured.probabilities)
        assert plain.grad_norm == measured.grad_norm
        assert all(torch.equal(plain.parameters[n], measured.parameters[n]) for n in plain.parameters)
        assert math.isnan(plain.test_loss) and plain.test_predictions is None
        assert math.isfinite(measured.test_loss) and len(measured.test_predictions) == 3 - (name == "next-char")
    final = with_test.model.state_dict()
    assert all(torch.equal(tensor, final[n]) for n, tensor in without.model.state_dict().items())


class PlainModel(nn.Module):
    """Embedding + nn.GRU (sequence first) + Linear, created in the app's order."""

    def __init__(self, vocab: int):
        super().__init__()
        self.encoder = nn.Embedding(vocab, 10)
        self.core = nn.GRU(10, 8)
        self.head = nn.Linear(8, vocab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.core(self.encoder(x).transpose(0, 1), torch.zeros(1, x.size(0), 8))
        return self.head(out.transpose(0, 1))


def test_the_test_loss_is_plain_pytorchs_evaluation_of_the_weights_after_each_step():
    config = CONFIGS["gru-embedding"].with_changes(test_sources=("olleh", "holel"), test_targets=("lohol", "lohel"))
    trainer = trained(config)
    chars = sorted(set("".join(PAIRS["sources"] + PAIRS["targets"])))

    def tensor(strings: tuple[str, ...]) -> torch.Tensor:
        return torch.LongTensor([[chars.index(c) for c in s] for s in strings])

    inputs, labels = tensor(config.sources), tensor(config.targets)
    test_inputs, test_labels = tensor(config.test_sources), tensor(config.test_targets)
    torch.manual_seed(config.seed)
    model = PlainModel(len(chars))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    for record in trainer.history:
        outputs = model(inputs)
        optimizer.zero_grad()
        loss = criterion(outputs.reshape(-1, len(chars)), labels.reshape(-1))
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            test_outputs = model(test_inputs)
            test_loss = criterion(test_outputs.reshape(-1, len(chars)), test_labels.reshape(-1))
        predicted = test_outputs.argmax(dim=-1)
        assert record.loss == loss.item()
        assert record.test_loss == test_loss.item()  # bit for bit
        assert record.test_predictions == tuple("".join(chars[i] for i in row) for row in predicted.tolist())
        right = predicted == test_labels
        assert record.test_accuracy == right.sum().item() / right.numel()
        assert record.test_string_accuracy == right.all(dim=1).sum().item() / len(test_labels)


def test_accuracies_count_characters_and_whole_strings_of_each_set():
    trainer = trained(CONFIGS["rnncell-sum-padded"].with_changes(**HELD_OUT))
    for record in trainer.history:
        for predictions, targets, per_char, whole in (
            (record.predictions, trainer.dataset.targets, record.train_accuracy, record.train_string_accuracy),
            (record.test_predictions, HELD_OUT["test_targets"], record.test_accuracy, record.test_string_accuracy),
        ):
            right = sum(p == t for prediction, target in zip(predictions, targets) for p, t in zip(prediction, target))
            assert per_char == pytest.approx(right / sum(map(len, targets)), abs=1e-12)
            assert whole == pytest.approx(sum(p == t for p, t in zip(predictions, targets)) / len(targets), abs=1e-12)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(test_sources=("hellz",), test_targets=("ohlol",)), "test source has the character 'z', which no"),
        (dict(test_sources=("ab", "hel"), test_targets=("ab", "ohx")), "test source on line 1 has the character 'a'"),
        (dict(test_sources=("hel",), test_targets=("ohlo",)), "test source 'hel' has 3 characters but the test target"),
        (dict(test_sources=("hel", "leh"), test_targets=("ohl",)), "2 test source string\\(s\\) but 1 test target"),
        (dict(test_sources=("hel",) * 65, test_targets=("ohl",) * 65), "65 test pairs is more than the limit of 64"),
    ],
)
def test_held_out_pairs_that_cannot_be_measured_get_a_sentence(changes, message):
    with pytest.raises(PlaygroundError, match=message):
        Trainer(RunConfig(**PAIRS).with_changes(**changes))


TEST_LOSSES = [5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 2.9, 3.0, 2.95, 2.9, 4.0, 1.0]


def scripted(trainer: Trainer, losses: list[float]) -> Trainer:
    """``trainer`` with its held-out measurement replaced by ``losses``, one per epoch."""
    real = trainer._held_out_measures
    trainer._held_out_measures = lambda: {**real(), "test_loss": losses[trainer.epoch]}
    return trainer


@pytest.mark.parametrize(("patience", "stop", "best"), [(1, 4, 3), (3, 6, 3), (4, 11, 7), (5, 12, 12), (0, 12, 12)])
def test_early_stopping_stops_after_patience_epochs_without_a_better_test_loss(patience, stop, best):
    """Best 3.0 at epoch 3 (epochs 4 to 6 are worse), then 2.9 at epoch 7; 2.9 again at epoch 10 is no
    improvement, 1.0 at the last epoch is."""
    config = RunConfig(**PAIRS, **HELD_OUT, epochs=len(TEST_LOSSES), patience=patience)
    trainer = scripted(Trainer(config), TEST_LOSSES)
    trainer.train()
    assert trainer.epoch == stop and trainer.best_epoch == best and trainer.done
    assert trainer.stopped_early == (stop < len(TEST_LOSSES))
    assert [record.test_loss for record in trainer.history] == TEST_LOSSES[:stop]
    if trainer.stopped_early:
        sentence = f"^Stopped early at epoch {stop}: .* for {patience} epochs?; the best was epoch {best} "
        with pytest.raises(PlaygroundError, match=sentence):
            trainer.train_epoch()


def test_early_stopping_counts_from_the_start_while_no_test_loss_is_finite():
    config = RunConfig(**PAIRS, **HELD_OUT, epochs=10, patience=2)
    trainer = scripted(Trainer(config), [math.nan] * 10)
    trainer.train()
    assert trainer.epoch == 2 and trainer.best_epoch is None and trainer.stopped_early


def test_patience_without_held_out_pairs_changes_nothing():
    trainer = trained(RunConfig(**PAIRS, epochs=12, patience=1))
    assert trainer.epoch == 12 and not trainer.stopped_early and trainer.best_epoch is None


def test_rewinding_restores_the_best_epoch():
    trainer = scripted(Trainer(RunConfig(**PAIRS, **HELD_OUT, epochs=12, patience=4)), TEST_LOSSES)
    trainer.train(max_epochs=3)
    mark = trainer.mark()
    trainer.train()
    assert trainer.best_epoch == 7
    trainer.rewind(mark)
    assert trainer.best_epoch == 3 and trainer.best_test_loss == 3.0 and not trainer.done


def test_a_record_says_whether_it_has_held_out_measures():
    assert not EpochRecord(1, 1.0, ("a",), None, None).has_test
    assert EpochRecord(1, 1.0, ("a",), None, None, test_predictions=("b",)).has_test


def test_the_sentence_says_memorised_generalised_or_not_solved():
    record = EpochRecord(1, 0.1, ("a",) * 8, None, None, test_predictions=("b",) * 32)
    memorised = replace(record, train_accuracy=1.0, train_string_accuracy=1.0, test_accuracy=0.3125)
    assert generalisation(memorised).sentence == "memorised: 100 % on the 8 training pairs, 31 % on 32 unseen ones"
    learned = replace(memorised, test_accuracy=0.999)
    assert generalisation(learned).sentence == "generalised: 100 % on the 8 training pairs, 99 % on 32 unseen ones"
    unsolved = replace(memorised, train_accuracy=0.995, train_string_accuracy=0.875)
    assert generalisation(unsolved).verdict is Verdict.STILL_LEARNING
    assert generalisation(unsolved).sentence.startswith("not solved yet: 99 % on the 8 training pairs")
    assert generalisation(replace(record, test_predictions=None)) is None


def test_tables_model_files_and_comparisons_carry_the_held_out_numbers():
    config = CONFIGS["gru-embedding"].with_changes(**HELD_OUT, epochs=6)
    trainer = trained(config)
    frame = epochs_frame(trainer)
    assert list(frame["test loss"]) == [record.test_loss for record in trainer.history]
    assert list(frame["test accuracy"]) == [record.test_accuracy for record in trainer.history]
    assert "test loss" not in epochs_frame(trained(CONFIGS["gru-embedding"].with_changes(epochs=2)))
    checkpoint = load_checkpoint(save_checkpoint(trainer))
    assert checkpoint.test_losses == tuple(record.test_loss for record in trainer.history)
    replay = Replay(checkpoint)
    train_within(replay)
    assert replay.verified
    edited = replace(checkpoint, test_losses=(*checkpoint.test_losses[:-1], checkpoint.test_losses[-1] + 1))
    with pytest.raises(PlaygroundError, match="held-out losses do not match"):
        train_within(Replay(edited))
    comparison = Comparison(hidden_size_contenders(config, [4, 8]))
    train_within(comparison)
    table = comparison.results_frame()
    assert list(table["final test loss"]) == [t.history[-1].test_loss for t in comparison.trainers.values()]
    assert list(table["test accuracy"]) == [t.history[-1].test_accuracy for t in comparison.trainers.values()]


def test_the_budget_loop_stops_where_early_stopping_does():
    trainer = scripted(Trainer(RunConfig(**PAIRS, **HELD_OUT, epochs=12, patience=4)), TEST_LOSSES)
    assert train_within(trainer, max_seconds=60.0) == 11 and trainer.stopped_early and trainer.best_epoch == 7
