"""What if?: the intervened network against hand-written loops over PyTorch's own cells."""

import pytest
import torch
from torch.nn import functional as F

from playground import PlaygroundError, RunConfig, Trainer
from playground.nn.cells import CELLS
from playground.nn.internals import layer_weights, unrolled_pass
from playground.nn.model import encode_indices, sequence_loss
from playground.probes import unit_importance as importance_module
from playground.probes.interventions import (
    Clamp,
    InputChange,
    Intervention,
    WhatIf,
    pass_cost,
    snapshot,
    what_if,
)
from playground.probes.projection import principal_axes
from playground.probes.trajectory import hidden_trajectories, layer_states
from playground.probes.unit_importance import unit_importance
from playground.run.limits import Limits

TOLERANCE = 1e-6  # float32: the fused modules and PyTorch's cells sum in another order


def changed_steps(result: WhatIf) -> torch.Tensor:
    """(layers, directions, batch, seq) bool: where any unit of h differs between the two runs."""
    return ((result.changed.hidden - result.original.hidden).abs() > 0).any(dim=-1)


def _cores():
    for name in CELLS:
        for layers in (1, 2):
            for bidirectional in (False, True) if name != "rnncell" else (False,):
                yield pytest.param(
                    name, layers, bidirectional, id=f"{name}-{layers}l-{'bi' if bidirectional else 'uni'}"
                )


def trained(cell: str, layers: int = 1, bidirectional: bool = False, **changes) -> Trainer:
    config = RunConfig(
        sources=("hello", "world"),
        targets=("ohlol", "dlrow"),
        cell=cell,
        layers=layers,
        bidirectional=bidirectional,
        hidden_size=5,
        epochs=4,
    ).with_changes(**changes)
    trainer = Trainer(config)
    trainer.train()
    return trainer


def reference(trainer: Trainer, epoch: int, indices: torch.Tensor, zero: Clamp | None) -> tuple[torch.Tensor, ...]:
    """Example 12-1's loop over nn.RNNCell / nn.LSTMCell / nn.GRUCell loaded with the snapshot,
    with ``zero``'s unit of h set to 0 where it applies. Returns (hidden per layer, logits)."""
    config, params = trainer.config, snapshot(trainer, epoch)
    cell = CELLS[config.cell]
    extra = {"nonlinearity": config.nonlinearity} if cell.takes_nonlinearity else {}
    x = encode_indices(config.encoding, indices, len(trainer.dataset.vocab), params.get("encoder.weight"))
    batch, seq = indices.shape
    hidden = []
    with torch.no_grad():
        for layer in range(config.layers):
            outputs = []
            for direction in range(config.num_directions):
                module = cell.step_module(x.shape[-1], config.hidden_size, **extra)
                names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
                module.load_state_dict(dict(zip(names, layer_weights(config, params, layer, direction))))
                h = torch.zeros(batch, config.hidden_size)
                c = torch.zeros(batch, config.hidden_size)
                out = [None] * seq
                for step in range(seq - 1, -1, -1) if direction else range(seq):
                    if cell.has_cell_state:
                        h, c = module(x[:, step], (h, c))
                    else:
                        h = module(x[:, step], h)
                    if zero is not None and zero.applies(layer, direction, step):
                        h = h.clone()
                        h[:, zero.unit] = 0.0
                    out[step] = h
                outputs.append(torch.stack(out, dim=1))
            hidden.append(torch.stack(outputs))
            x = torch.cat(outputs, dim=-1)
        logits = F.linear(x, params["head.weight"], params["head.bias"]) if config.head == "linear" else x
    return torch.stack(hidden), logits


@pytest.mark.parametrize(("cell", "layers", "bidirectional"), _cores())
def test_no_intervention_is_the_recorded_run(cell, layers, bidirectional):
    trainer = trained(cell, layers, bidirectional)
    dataset = trainer.dataset
    for epoch in (1, trainer.epoch):
        params = snapshot(trainer, epoch)
        result = what_if(trainer.config, params, dataset, Intervention())
        assert result.changed is result.original
        # Feeding the very character already there goes through the changed path: still bit for bit.
        same = what_if(trainer.config, params, dataset, Intervention(InputChange(1, 2, dataset.source_chars[1][2])))
        assert torch.equal(same.changed.hidden, same.original.hidden)
        assert torch.equal(same.changed.probabilities, same.original.probabilities)
        assert same.changed.loss == same.original.loss
        # The same numbers as the engine's unrolled pass, and (float32) as the training forward pass itself.
        internals = unrolled_pass(trainer.config, params, dataset)
        assert torch.equal(result.original.hidden, internals.hidden)
        record = trainer.history[epoch - 1]
        assert (result.original.probabilities - record.probabilities).abs().max() <= TOLERANCE
        assert result.original.predictions == record.predictions
        assert result.original.loss == pytest.approx(record.loss, abs=TOLERANCE)


@pytest.mark.parametrize(("cell", "layers", "bidirectional"), _cores())
@pytest.mark.parametrize("step", [2, None], ids=["at-step-2", "every-step"])
def test_zeroing_a_unit_equals_pytorchs_cells_with_it_zeroed(cell, layers, bidirectional, step):
    trainer = trained(cell, layers, bidirectional)
    params = snapshot(trainer, trainer.epoch)
    clamp = Clamp("h", layer=layers - 1, direction=1 if bidirectional else 0, unit=3, value=0.0, step=step)
    result = what_if(trainer.config, params, trainer.dataset, Intervention(clamps=(clamp,)))
    hidden, logits = reference(trainer, trainer.epoch, trainer.dataset.source_indices, clamp)
    assert (result.changed.hidden - hidden).abs().max() <= TOLERANCE
    assert (result.changed.probabilities - torch.softmax(logits, dim=-1)).abs().max() <= TOLERANCE
    expected_loss = sequence_loss(logits, trainer.dataset.target_indices, trainer.config.loss_reduction).item()
    assert result.changed.loss == pytest.approx(expected_loss, abs=TOLERANCE)
    assert not torch.equal(result.changed.hidden, result.original.hidden)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_a_changed_input_leaves_earlier_steps_alone_in_a_one_directional_core(cell):
    trainer = trained(cell, layers=2)
    dataset = trainer.dataset
    change = InputChange(item=0, step=2, char="a" if "a" in dataset.vocab.chars else dataset.vocab.chars[0])
    assert change.char != dataset.source_chars[0][2]
    result = what_if(trainer.config, snapshot(trainer, trainer.epoch), dataset, Intervention(change))
    changed = changed_steps(result)  # (layers, directions, batch, seq)
    assert not changed[:, :, :, :2].any()  # before t: identical, bit for bit
    assert changed[:, 0, 0, 2].all()  # at t, in every layer
    assert not changed[:, :, 1].any()  # the other string is untouched
    assert result.changed.source_chars[0][2] == change.char
    hidden, _ = reference(trainer, trainer.epoch, _with_char(dataset, change), None)
    assert (result.changed.hidden - hidden).abs().max() <= TOLERANCE


def test_a_bidirectional_core_changes_both_sides_of_the_changed_input():
    trainer = trained("gru", bidirectional=True)
    dataset = trainer.dataset
    change = InputChange(item=0, step=2, char="w")
    result = what_if(trainer.config, snapshot(trainer, trainer.epoch), dataset, Intervention(change))
    changed = changed_steps(result)
    assert not changed[0, 0, 0, :2].any() and changed[0, 0, 0, 2:].all()  # forward: t and after
    assert changed[0, 1, 0, :3].all() and not changed[0, 1, 0, 3:].any()  # backward: t and before


def test_forcing_the_forget_gate_and_clamping_c_in_an_lstm():
    trainer = trained("lstm")
    config, dataset, params = trainer.config, trainer.dataset, snapshot(trainer, trainer.epoch)
    # Forget gate 1 and input gate 0 for unit 1 at every step: its cell state keeps c_0 = 0 forever.
    keep = Intervention(clamps=(Clamp("f", 0, 0, 1, 1.0), Clamp("i", 0, 0, 1, 0.0)))
    run = what_if(config, params, dataset, keep).changed
    assert torch.equal(run.cell[0, 0, :, :, 1], torch.zeros(dataset.batch_size, dataset.seq_len))
    assert torch.equal(run.gates["f"][0, 0, :, :, 1], torch.ones(dataset.batch_size, dataset.seq_len))
    # Forget now at step 3: c_3 = i_3 g_3 for that unit, whatever c_2 was; earlier steps untouched.
    forget = what_if(config, params, dataset, Intervention(clamps=(Clamp("f", 0, 0, 2, 0.0, step=3),)))
    changed = forget.changed
    assert torch.equal(
        changed.cell[0, 0, :, 3, 2], changed.gates["i"][0, 0, :, 3, 2] * changed.gates["g"][0, 0, :, 3, 2]
    )
    assert torch.equal(changed.hidden[..., :3, :], forget.original.hidden[..., :3, :])
    # A clamped c is the c the step's h reads: h_t = o_t tanh(c_t) with c_t held at 1.
    held = what_if(config, params, dataset, Intervention(clamps=(Clamp("c", 0, 0, 0, 1.0, step=1),))).changed
    assert torch.equal(held.cell[0, 0, :, 1, 0], torch.ones(dataset.batch_size))
    assert torch.equal(held.hidden[0, 0, :, 1, 0], held.gates["o"][0, 0, :, 1, 0] * torch.tanh(torch.tensor(1.0)))


@pytest.mark.parametrize(("cell", "layers", "bidirectional"), [("rnn", 1, False), ("lstm", 2, True), ("gru", 1, True)])
@pytest.mark.parametrize("budget", [None, 2 * 5 * 5 * 2 * 2], ids=["one-pass", "groups-of-two"])
def test_unit_importance_is_each_unit_zeroed_on_its_own(cell, layers, bidirectional, budget, monkeypatch):
    if budget is not None:  # 2 strings x 5 steps x 5 units x 2 directions: copies go in groups of 2, 2 and 1
        monkeypatch.setattr(importance_module, "WIDE_PASS_FLOATS", budget)
    trainer = trained(cell, layers, bidirectional)
    config, dataset, params = trainer.config, trainer.dataset, snapshot(trainer, trainer.epoch)
    for layer in range(layers):
        for direction in range(config.num_directions):
            importance = unit_importance(config, params, dataset, layer, direction)
            assert importance.loss.shape == (config.hidden_size,)
            assert importance.original_loss == pytest.approx(trainer.history[-1].loss, abs=TOLERANCE)
            for unit in range(config.hidden_size):
                alone = what_if(
                    config, params, dataset, Intervention(clamps=(Clamp("h", layer, direction, unit, 0.0),))
                )
                assert importance.loss[unit].item() == pytest.approx(alone.changed.loss, abs=TOLERANCE)
                changed = sum(
                    a != b for p, q in zip(alone.changed.predictions, alone.original.predictions) for a, b in zip(p, q)
                )
                assert importance.changed_chars[unit] == changed


@pytest.mark.parametrize(
    ("intervention", "message"),
    [
        (Intervention(InputChange(0, 9, "h")), "no step 9"),
        (Intervention(InputChange(5, 0, "h")), "no string 5"),
        (Intervention(InputChange(0, 0, "Z")), "not in the vocabulary"),
        (Intervention(clamps=(Clamp("c", 0, 0, 0, 0.0),)), "has no 'c'"),
        (Intervention(clamps=(Clamp("h", 3, 0, 0, 0.0),)), "no layer 3"),
        (Intervention(clamps=(Clamp("h", 0, 1, 0, 0.0),)), "no direction 1"),
        (Intervention(clamps=(Clamp("h", 0, 0, 99, 0.0),)), "no unit 99"),
        (Intervention(clamps=(Clamp("h", 0, 0, 0, float("nan")),)), "finite"),
    ],
)
def test_a_misfit_intervention_gets_a_sentence(intervention, message):
    trainer = trained("gru")
    with pytest.raises(PlaygroundError, match=message):
        what_if(trainer.config, snapshot(trainer, 1), trainer.dataset, intervention)


def _with_char(dataset, change: InputChange) -> torch.Tensor:
    indices = dataset.source_indices.clone()
    indices[change.item, change.step] = dataset.vocab.index(change.char)
    return indices


def test_trajectories_project_every_kept_epoch_on_the_chosen_epochs_axes():
    trainer = trained("gru", layers=2, bidirectional=True)
    paths = hidden_trajectories(trainer, epoch=2, layer=1)
    assert 2 in paths.epochs and paths.epochs[-1] == trainer.epoch
    assert paths.points.shape == (len(paths.epochs), 2, 5, 2)
    states = layer_states(trainer, 2, 1)  # both directions side by side
    assert states.shape == (2, 5, 10)
    frame = paths.epochs.index(2)
    expected = principal_axes(states.reshape(-1, 10)).project(states.reshape(-1, 10)).view(2, 5, 2)
    assert torch.equal(paths.points[frame], expected)
    forward_only = what_if(trainer.config, snapshot(trainer, 2), trainer.dataset, Intervention()).original
    assert torch.equal(states[..., :5], forward_only.hidden[1, 0])


def test_a_big_network_gets_fewer_trajectory_frames():
    trainer = trained("rnn", epochs=10)
    one_pass = pass_cost(trainer.config, trainer.dataset.batch_size, trainer.dataset.seq_len)
    paths = hidden_trajectories(trainer, epoch=5, limits=Limits(max_what_if_multiply_adds=3 * one_pass))
    assert len(paths.epochs) <= 4 and {5, 10} <= set(paths.epochs)
    assert len(hidden_trajectories(trainer, epoch=5).epochs) == 10
