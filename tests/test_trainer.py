import pytest
import torch

from playground import PlaygroundError, RunConfig, Trainer, TrainingDiverged
from playground.limits import Limits
from playground.presets import PRESETS


def test_same_config_and_seed_give_identical_histories():
    config = PRESETS["hello-bilstm"].config
    first = Trainer(config)
    first.train()
    Trainer(config.with_changes(seed=1)).train()  # another run in between changes nothing
    second = Trainer(config)
    second.train()
    assert [r.loss for r in first.history] == [r.loss for r in second.history]
    assert all(torch.equal(a.probabilities, b.probabilities) for a, b in zip(first.history, second.history))


def test_different_seeds_give_different_runs():
    config = PRESETS["hello-gru"].config
    losses = {seed: Trainer(config.with_changes(seed=seed)).train_epoch().loss for seed in (1, 2)}
    assert losses[1] != losses[2]


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_reaches_its_target_within_its_epochs(name):
    trainer = Trainer(PRESETS[name].config)
    trainer.train()
    assert trainer.solved_epoch is not None and trainer.solved_epoch <= trainer.config.epochs
    assert trainer.history[trainer.solved_epoch - 1].predictions == trainer.dataset.targets
    assert all(r.predictions != trainer.dataset.targets for r in trainer.history[: trainer.solved_epoch - 1])
    assert trainer.history[-1].predictions == trainer.dataset.targets


def test_recorded_numbers_match_the_recomputed_internals():
    trainer = Trainer(PRESETS["hello-embedding-2layer"].config)
    trainer.train()
    for epoch in (1, 7, trainer.epoch):
        record = trainer.history[epoch - 1]
        inside = trainer.internals(epoch)
        assert abs(inside.loss - record.loss) <= 1e-6
        assert (torch.softmax(inside.logits, -1) - record.probabilities).abs().max() <= 1e-6


def test_snapshot_is_the_weights_before_the_update():
    trainer = Trainer(PRESETS["hello-gru"].config)
    before = {n: p.detach().clone() for n, p in trainer.model.named_parameters()}
    record = trainer.train_epoch()
    assert all(torch.equal(record.parameters[n], before[n]) for n in before)
    assert not all(torch.equal(p, before[n]) for n, p in trainer.model.named_parameters())


def test_nan_loss_stops_training_and_keeps_the_history():
    config = RunConfig(cell="rnn", nonlinearity="relu", optimizer="sgd", lr=10, hidden_size=64, epochs=50)
    trainer = Trainer(config)
    with pytest.raises(TrainingDiverged) as caught:
        trainer.train()
    assert caught.value.epoch == trainer.epoch + 1
    assert trainer.epoch >= 1 and all(r.loss == r.loss for r in trainer.history)
    assert "learning rate" in str(caught.value)


def test_training_time_cap_stops_with_a_message_naming_the_cap():
    trainer = Trainer(PRESETS["hello-bilstm"].config, Limits(max_train_seconds=1e-9))
    trainer.train_epoch()
    with pytest.raises(PlaygroundError, match="training time \\(a cap set by the host\\)"):
        trainer.train_epoch()


def test_train_slices_and_done():
    trainer = Trainer(PRESETS["hello-rnn"].config)
    assert len(trainer.train(max_epochs=4)) == 4 and trainer.epoch == 4
    trainer.train()
    assert trainer.done and trainer.epoch == trainer.config.epochs
    with pytest.raises(PlaygroundError, match="reset"):
        trainer.train_epoch()
    with pytest.raises(PlaygroundError, match="not been trained"):
        trainer.internals(trainer.epoch + 1)
