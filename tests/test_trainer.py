import itertools
import time

import pytest
import torch

from playground import PlaygroundError, RunConfig, Trainer, TrainingDiverged
from playground.lessons.presets import PRESETS
from playground.run.budget import train_within
from playground.run.limits import Limits


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


@pytest.mark.parametrize("name", sorted(name for name, preset in PRESETS.items() if not preset.config.text))
def test_every_preset_reaches_its_target_within_its_epochs(name):
    """A preset of strings; one of a text learns to write it instead (tests/test_minibatch.py)."""
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


def test_a_run_set_to_stop_when_solved_ends_at_the_solving_epoch():
    config = PRESETS["hello-rnn"].config.with_changes(epochs=200)
    full, stopping = Trainer(config), Trainer(config, stop_when_solved=True)
    full.train()
    stopping.train()
    assert stopping.done and stopping.epoch == stopping.solved_epoch == full.solved_epoch < config.epochs
    assert [r.loss for r in stopping.history] == [r.loss for r in full.history[: stopping.epoch]]
    with pytest.raises(PlaygroundError, match="Solved at epoch"):
        stopping.train_epoch()
    stopping.stop_when_solved = False  # switched off: it trains on, exactly as the full run did
    stopping.train(max_epochs=5)
    assert [r.loss for r in stopping.history] == [r.loss for r in full.history[: stopping.epoch]]


def test_more_epochs_continue_the_run_with_the_numbers_of_a_fresh_longer_run():
    config = PRESETS["hello-gru"].config
    longer = config.with_changes(epochs=config.epochs + 10)
    trainer = Trainer(config)
    trainer.train()
    assert trainer.can_continue_with(longer) and trainer.done
    trainer.continue_with(longer)
    trainer.train()
    fresh = Trainer(longer)
    fresh.train()
    assert trainer.epoch == longer.epochs
    assert [r.loss for r in trainer.history] == [r.loss for r in fresh.history]


@pytest.mark.parametrize(
    "change", [{"lr": 0.2}, {"seed": 1}, {"hidden_size": 9}, {"sources": ("hellp",)}, {"epochs": 3}]
)
def test_other_changes_or_fewer_epochs_than_trained_need_a_new_run(change):
    config = PRESETS["hello-gru"].config
    trainer = Trainer(config)
    trainer.train(max_epochs=5)
    assert not trainer.can_continue_with(config.with_changes(**change))
    with pytest.raises(PlaygroundError, match="new run"):
        trainer.continue_with(config.with_changes(**change))


def test_time_slices_count_cpu_not_waiting(monkeypatch):
    """On a busy classroom server a session waits for the CPU; that wait must not shrink its
    slice. Sleeping inside each epoch stands in for the wait: 4 epochs take > 0.12 s of wall
    time but a few milliseconds of CPU, so a 0.05 s slice still trains all of them."""
    trainer = Trainer(PRESETS["hello-rnn"].config)
    forward = trainer.model.forward

    def waiting_forward(*args):
        time.sleep(0.03)
        return forward(*args)

    monkeypatch.setattr(trainer.model, "forward", waiting_forward)
    assert train_within(trainer, max_epochs=4, max_seconds=0.05) == 4
    assert trainer.train_seconds < 0.05  # the host's cap counts the same CPU seconds


def test_a_slice_finishes_a_run_whose_rest_fits_in_the_extra_time():
    """A slice already spent after one epoch (``max_seconds=0``) still finishes the run when
    the epochs left would take less than ``finish_within`` at the pace so far, so a short run
    on a slow machine ends in one page update; otherwise it stops as before."""
    stopping = Trainer(PRESETS["hello-rnn"].config)
    assert train_within(stopping, max_seconds=0.0) == 1
    assert train_within(stopping, max_seconds=0.0, finish_within=1e-9) == 1
    finishing = Trainer(PRESETS["hello-rnn"].config)
    train_within(finishing, max_seconds=0.0, finish_within=60.0)
    assert finishing.done


def test_finishing_never_runs_past_the_extra_time(monkeypatch):
    """The pace is an estimate. Here every reading of the CPU clock is 10 ms later, so after
    one more epoch the 13 epochs left look like 85 ms, within the 200 ms allowed, but each
    then takes 30 ms of clock: the slice must still stop once the 200 ms are spent."""
    trainer = Trainer(PRESETS["hello-rnn"].config)
    trainer.train(max_epochs=1)
    readings = itertools.count()
    monkeypatch.setattr(time, "thread_time", lambda: 0.01 * next(readings))
    train_within(trainer, max_seconds=0.0, finish_within=0.2)
    assert 2 < trainer.epoch < trainer.config.epochs


def test_short_runs_keep_every_epoch_in_detail():
    trainer = Trainer(PRESETS["hihell-embedding"].config)
    trainer.train()
    assert trainer.detailed_epochs == list(range(1, 101))
    assert all(r.detailed for r in trainer.history)


def test_long_runs_are_thinned_to_the_cap_keeping_first_solved_and_latest():
    limits = Limits(max_recorded_epochs=10)
    trainer = Trainer(PRESETS["hello-rnn"].config.with_changes(epochs=200), limits)
    trainer.train()
    assert len(trainer.history) == 200 and all(r.loss > 0 for r in trainer.history)
    kept = trainer.detailed_epochs
    assert len(kept) <= 10 and {1, 200, trainer.solved_epoch} <= set(kept)
    assert kept == [r.epoch for r in trainer.history if r.detailed]
    grid = [e for e in kept if e not in (1, 200, trainer.solved_epoch)]
    gaps = {b - a for a, b in zip(grid, grid[1:])}
    assert len(gaps) == 1 and grid[0] == min(gaps)  # evenly spread: every k-th epoch
    dropped = next(e for e in range(1, 201) if e not in kept)
    with pytest.raises(PlaygroundError, match=f"nearest kept epoch is {trainer.nearest_detailed_epoch(dropped)}"):
        trainer.internals(dropped)
    assert trainer.internals(kept[-1]).hidden.shape[-2] == 5


def test_history_memory_cap_bounds_large_models():
    limits = Limits(max_history_megabytes=4.0)
    trainer = Trainer(PRESETS["hello-bilstm"].config.with_changes(hidden_size=64, epochs=60), limits)
    trainer.train()
    per_epoch = 4 * (sum(p.numel() for p in trainer.model.parameters()) + 5 * 4)
    kept_bytes = per_epoch * len(trainer.detailed_epochs)
    assert 4 < trainer.max_detailed_epochs < 60
    assert kept_bytes <= 4.0 * 2**20 + 3 * per_epoch  # the grid fits; first/solved/latest may add


def test_gradient_clipping_rescales_the_update_and_records_the_norms():
    clipped = PRESETS["clipped-relu"].config
    trainer = Trainer(clipped)
    trainer.train()
    assert trainer.solved_epoch is not None
    for record in trainer.history:
        if record.grad_norm > clipped.clip_grad_norm:
            assert record.clipped_grad_norm == pytest.approx(clipped.clip_grad_norm, rel=1e-5)
        else:
            assert record.clipped_grad_norm == record.grad_norm
    unclipped = Trainer(clipped.with_changes(clip_grad_norm=0.0))
    with pytest.raises(TrainingDiverged):
        unclipped.train()
    assert all(record.grad_norm == record.clipped_grad_norm for record in unclipped.history)
    plain = Trainer(RunConfig(epochs=2))
    plain.train()
    expected = torch.nn.utils.get_total_norm([p.grad for p in plain.model.parameters()]).item()
    assert plain.history[-1].grad_norm == expected  # the last update's gradient is still in the model


def test_mini_batches_of_fewer_pairs_than_the_views_show_show_them_all():
    config = RunConfig(sources=("ab", "ba", "aa"), targets=("ba", "ab", "bb"), batch_size=2, epochs=2)
    trainer = Trainer(config)
    trainer.train()
    assert trainer.minibatches and trainer.dataset.sources == config.sources
    assert len(trainer.history[-1].predictions) == 3 and len(trainer.history[-1].batch_losses) == 2
