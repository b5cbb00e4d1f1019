"""A batch of pairs of different lengths: padded, and the padding counts nowhere.

The key check: each pair's outputs in the padded batch equal that pair run alone through the
same weights, for every core, depth, direction, layout and encoding, in the model, the unrolled
internals and What if?'s re-run. The loss is checked against per-pair losses computed by hand.
"""

import itertools

import pytest
import torch
from torch.nn import functional as F

from charts.compare import prediction_timeline_figure
from model_files import load_run
from playground import RunConfig, Trainer
from playground.lessons.challenges import evidence_of
from playground.nn import model
from playground.nn.cells import CELLS
from playground.nn.data import PAD_TARGET, build_dataset
from playground.nn.internals import unrolled_pass
from playground.nn.model import sequence_loss
from playground.nn.rnncell_loop import loop_cells
from playground.probes.equations import module_states, step_equation
from playground.probes.interventions import Clamp, Intervention, what_if
from playground.probes.unit_importance import unit_importance
from playground.run.checkpoint import save_checkpoint
from playground.run.compare import Contender, ContenderRun
from playground.run.config import ENCODINGS
from playground.run.history import epochs_frame, probabilities_frame
from playground.run.trainer import build_model, check_config

TOLERANCE = 1e-6
PAIRS = (("hello", "olleh"), ("cat", "tac"), ("abcd", "dcba"))


def padded_config(**changes) -> RunConfig:
    sources, targets = zip(*PAIRS)
    return RunConfig(sources=sources, targets=targets, hidden_size=5, embedding_size=3, epochs=4).with_changes(
        **changes
    )


def alone(config: RunConfig, item: int, vocab: tuple[str, ...]) -> RunConfig:
    """Pair ``item`` on its own, with the batch's vocabulary so its indices (and weights' shapes) are the batch's."""
    source, target = PAIRS[item]
    return config.with_changes(sources=(source,), targets=(target,), vocab="".join(vocab))


def _every_network():
    for cell, layers, encoding, batch_first in itertools.product(CELLS, (1, 2), ENCODINGS, (True, False)):
        for bidirectional in (False, True) if not CELLS[cell].hand_looped else (False,):
            name = f"{cell}-{layers}l-{'bi' if bidirectional else 'uni'}-{encoding}-{'bf' if batch_first else 'tm'}"
            yield pytest.param(
                dict(cell=cell, layers=layers, bidirectional=bidirectional, encoding=encoding, batch_first=batch_first),
                id=name,
            )


def test_shorter_pairs_are_padded_with_ignored_targets():
    dataset = build_dataset(padded_config())
    assert dataset.lengths == (5, 3, 4) and dataset.padded and dataset.seq_len == 5
    assert dataset.real.tolist()[1] == [True, True, True, False, False]
    assert (dataset.target_indices[~dataset.real] == PAD_TARGET).all()
    assert (dataset.target_indices[dataset.real] >= 0).all()
    assert dataset.source_onehot[1, 3:].eq(0).all()  # no character is fed on the padding
    assert dataset.vocab.decode(dataset.source_indices[1, :3].tolist()) == "cat"
    assert not build_dataset(RunConfig(sources=("ab", "cd"), targets=("ba", "dc"))).padded


@pytest.mark.parametrize("changes", _every_network())
def test_each_pair_of_a_padded_batch_runs_as_if_alone(changes):
    config = padded_config(**changes)
    dataset = check_config(config)
    network = build_model(config, len(dataset.vocab))
    params = {name: p.detach() for name, p in network.named_parameters()}
    lengths = torch.tensor(dataset.lengths)
    with torch.no_grad():
        logits = network(dataset.source_indices, lengths)
    inside = unrolled_pass(config, params, dataset)
    rerun = what_if(config, params, dataset, Intervention()).original
    assert torch.equal(rerun.hidden, inside.hidden)
    assert inside.loss == pytest.approx(
        sequence_loss(logits, dataset.target_indices, config.loss_reduction).item(), abs=TOLERANCE
    )
    for item, length in enumerate(dataset.lengths):
        single_config = alone(config, item, dataset.vocab.chars)
        single = check_config(single_config)
        with torch.no_grad():
            expected = network(single.source_indices)[0]
        assert (logits[item, :length] - expected).abs().max() <= TOLERANCE
        single_inside = unrolled_pass(single_config, params, single)
        assert (inside.hidden[:, :, item, :length] - single_inside.hidden[:, :, 0]).abs().max() <= TOLERANCE
        assert inside.hidden[:, :, item, length:].eq(0).all()  # no state on the padding
        if inside.cell is not None:
            assert (inside.cell[:, :, item, :length] - single_inside.cell[:, :, 0]).abs().max() <= TOLERANCE
        for name, gate in inside.gates.items():
            assert (gate[:, :, item, :length] - single_inside.gates[name][:, :, 0]).abs().max() <= TOLERANCE
        assert (inside.logits[item, :length] - expected).abs().max() <= TOLERANCE
        assert (rerun.probabilities[item, :length] - torch.softmax(expected, -1)).abs().max() <= TOLERANCE
        assert len(rerun.predictions[item]) == len(rerun.source_chars[item]) == length
        if CELLS[config.cell].hand_looped:  # the loop's last states are each pair's own last states
            with torch.no_grad():
                _, last = loop_cells(network.core, network.encode(dataset.source_indices), lengths)
                _, single_last = loop_cells(network.core, network.encode(single.source_indices))
            for layer in range(config.layers):
                assert (last[layer][item] - single_last[layer][0]).abs().max() <= TOLERANCE


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize(("cell", "bidirectional"), [("rnncell", False), ("lstm", True), ("gru", False)])
def test_the_loss_and_its_gradients_are_the_real_positions_only(reduction, cell, bidirectional):
    config = padded_config(cell=cell, bidirectional=bidirectional, layers=2, loss_reduction=reduction)
    dataset = check_config(config)
    network = build_model(config, len(dataset.vocab))
    weights = list(network.parameters())
    logits = network(dataset.source_indices, torch.tensor(dataset.lengths))
    loss = sequence_loss(logits, dataset.target_indices, reduction)
    gradients = torch.autograd.grad(loss, weights, retain_graph=True)

    # By hand: every pair alone, one cross-entropy per character.
    per_pair = []
    for item in range(len(PAIRS)):
        single = check_config(alone(config, item, dataset.vocab.chars))
        per_pair.append(F.cross_entropy(network(single.source_indices)[0], single.target_indices[0], reduction="none"))
    if reduction == "mean":  # the mean over every real character of the batch
        expected = torch.cat(per_pair).sum() / sum(dataset.lengths)
    else:  # each step: the mean over the pairs that have a character there, as the lessons' loop does
        expected = sum(
            torch.stack([losses[step] for losses in per_pair if step < len(losses)]).mean()
            for step in range(dataset.seq_len)
        )
    expected_gradients = torch.autograd.grad(expected, weights)
    assert loss.item() == pytest.approx(expected.item(), abs=TOLERANCE)
    for got, want in zip(gradients, expected_gradients):
        assert (got - want).abs().max() <= TOLERANCE

    # Whatever the padded positions' logits are, the loss and every gradient are the same.
    noise = 100 * torch.randn(logits.shape) * (~dataset.real).unsqueeze(-1)
    noisy_loss = sequence_loss(logits + noise, dataset.target_indices, reduction)
    assert torch.equal(noisy_loss, loss)
    for got, want in zip(torch.autograd.grad(noisy_loss, weights), gradients):
        assert torch.equal(got, want)


def test_three_typed_pairs_of_different_lengths_train_to_solved():
    trainer = Trainer(RunConfig(sources=("hello", "cat", "abc"), targets=("olleh", "tac", "cba"), vocab=""))
    trainer.train()
    assert trainer.solved_epoch is not None
    last = trainer.history[-1]
    assert [len(p) for p in last.predictions] == [5, 3, 3]
    assert last.solved(trainer.dataset.targets)
    assert epochs_frame(trainer)["correct"].iloc[-1]
    # The per-step table has one row per real character of every kept epoch: none on the padding.
    table = probabilities_frame(trainer)
    assert len(table) == len(trainer.detailed_epochs) * sum(trainer.dataset.lengths)
    assert (table["p(target)"] > 0).all()


def test_a_batch_of_one_length_is_not_packed(monkeypatch):
    """Same-length batches keep the lessons' code path (and numbers) exactly: no packing there."""

    def refuse(*args, **kwargs):
        raise AssertionError("packed a batch of one length")

    monkeypatch.setattr(model, "pack_padded_sequence", refuse)
    for cell in CELLS:
        config = RunConfig(sources=("hello", "world"), targets=("olleh", "dlrow"), cell=cell, epochs=2)
        Trainer(config).train()
    with pytest.raises(AssertionError, match="packed"):
        Trainer(padded_config()).train()


@pytest.mark.parametrize(("cell", "bidirectional"), [("rnn", False), ("lstm", True)])
def test_unit_importance_and_clamps_count_real_characters_only(cell, bidirectional):
    config = padded_config(cell=cell, bidirectional=bidirectional)
    trainer = Trainer(config)
    trainer.train()
    params, dataset = trainer.history[-1].parameters, trainer.dataset
    importance = unit_importance(config, params, dataset, 0, 0)
    assert importance.total_chars == sum(dataset.lengths)
    assert importance.original_loss == pytest.approx(trainer.history[-1].loss, abs=TOLERANCE)
    for unit in range(config.hidden_size):
        one = what_if(config, params, dataset, Intervention(clamps=(Clamp("h", 0, 0, unit, 0.0),)))
        assert importance.loss[unit].item() == pytest.approx(one.changed.loss, abs=TOLERANCE)
        changed = sum(a != b for p, q in zip(one.changed.predictions, one.original.predictions) for a, b in zip(p, q))
        assert importance.changed_chars[unit] == changed
        assert one.changed.hidden[:, :, ~dataset.real].eq(0).all()  # a clamp does not reach the padding


def test_a_padded_run_is_saved_and_replayed():
    trainer = Trainer(padded_config(cell="gru", bidirectional=True, epochs=6))
    trainer.train()
    restored = load_run(save_checkpoint(trainer))
    assert [r.loss for r in restored.history] == [r.loss for r in trainer.history]
    assert [r.predictions for r in restored.history] == [r.predictions for r in trainer.history]
    assert torch.equal(restored.internals(6).hidden, trainer.internals(6).hidden)


@pytest.mark.parametrize(
    "changes",
    [
        dict(cell="rnncell", layers=2),
        dict(cell="lstm", layers=2, bidirectional=True, batch_first=False),
        dict(cell="gru", bidirectional=True),
    ],
    ids=["rnncell-2l", "lstm-2l-bi-tm", "gru-bi"],
)
def test_inside_the_cell_runs_real_modules_up_to_each_pairs_length(changes):
    trainer = Trainer(padded_config(**changes))
    trainer.train()
    config, dataset, params = trainer.config, trainer.dataset, trainer.history[-1].parameters
    states = module_states(config, params, dataset)
    assert states.versus_engine(trainer.internals(trainer.epoch)) <= TOLERANCE
    assert states.layers_vs_fused <= TOLERANCE
    for item, length in enumerate(dataset.lengths):
        for layer, direction, step in itertools.product(
            range(config.layers), range(config.num_directions), range(length)
        ):
            assert step_equation(config, params, states, layer, direction, item, step).matches


def test_compare_timelines_and_challenge_evidence_count_real_characters():
    trainer = Trainer(padded_config())
    trainer.train()
    run = ContenderRun(Contender("padded", trainer.config), trainer)
    (heatmap,) = prediction_timeline_figure(run).data
    assert len(heatmap.z) == sum(trainer.dataset.lengths)  # one row per real character, none for padding
    evidence = evidence_of(trainer)
    assert evidence.errors + round(evidence.accuracy * sum(trainer.dataset.lengths)) == sum(trainer.dataset.lengths)


@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_gradient_norms_count_each_pair_at_its_real_steps_only(cell, layers):
    """‖∂L/∂h_t‖ of a padded batch, every layer and both directions, from each pair run alone.

    Pairs do not mix, and with the mean over every real character pair i's ∂L/∂h_t in the batch
    is its gradient alone times len_i / total characters. So the batch's squared norm at a step
    is the sum, over the pairs that have a character there, of their scaled norms alone squared:
    a pair adds nothing past its end (as its hidden states are zeros there), in particular not its
    ∂L/∂h_0, which a backward direction holds on the padding before reaching its last character.
    """
    config = padded_config(cell=cell, layers=layers, bidirectional=True, loss_reduction="mean")
    dataset = check_config(config)
    network = build_model(config, len(dataset.vocab))
    params = {name: p.detach() for name, p in network.named_parameters()}
    inside = unrolled_pass(config, params, dataset)
    total = sum(dataset.lengths)
    expected_squares = torch.zeros_like(inside.grad_norms)
    for item, length in enumerate(dataset.lengths):
        single_config = alone(config, item, dataset.vocab.chars)
        single_norms = unrolled_pass(single_config, params, check_config(single_config)).grad_norms
        expected_squares[:, :, :length] += (length / total * single_norms) ** 2
    assert inside.grad_norms.shape == (layers, 2, dataset.seq_len)
    assert (inside.grad_norms - expected_squares.sqrt()).abs().max() <= TOLERANCE
