"""The model and its hand-unrolled twin, checked against PyTorch's own modules."""

import itertools

import pytest
import torch
from torch import nn

from playground import PlaygroundError, RunConfig, Trainer
from playground.nn.internals import unrolled_pass
from playground.run.config import CELL_NAMES, ENCODINGS
from playground.run.trainer import build_model, check_config

HELLO = dict(sources=("hello", "eolll"), targets=("ohlol", "lleel"))


@pytest.mark.parametrize("cell, encoding, head", itertools.product(CELL_NAMES, ENCODINGS, ("hidden", "linear")))
def test_every_combination_trains_and_records_documented_shapes(cell, encoding, head):
    hidden = 4 if head == "hidden" else 6  # hidden-as-logits needs hidden size = vocabulary size
    config = RunConfig(
        **HELLO, cell=cell, encoding=encoding, head=head, hidden_size=hidden, embedding_size=3, layers=2, epochs=3
    )
    trainer = Trainer(config)
    trainer.train()
    record = trainer.history[-1]
    batch, seq, vocab = 2, 5, 4
    assert [r.epoch for r in trainer.history] == [1, 2, 3]
    assert record.probabilities.shape == (batch, seq, vocab)
    assert torch.allclose(record.probabilities.sum(-1), torch.ones(batch, seq))
    assert all(len(p) == seq for p in record.predictions)
    inside = trainer.internals(3)
    assert inside.hidden.shape == (2, 1, batch, seq, hidden)
    assert inside.grad_norms.shape == (2, 1, seq)
    assert (inside.cell is not None) == (cell == "lstm")
    expected_gates = {"lstm": {"i", "f", "g", "o"}, "gru": {"r", "z", "n"}}.get(cell, set())
    assert set(inside.gates) == expected_gates
    for gate in inside.gates.values():
        assert gate.shape == (2, 1, batch, seq, hidden)
    matrix = trainer.encoding_matrix(3)
    assert (matrix is None) == (encoding == "onehot")
    if matrix is not None:
        assert matrix.shape == (vocab, 3)


def _fused_and_unrolled(config: RunConfig):
    dataset = check_config(config)
    model = build_model(config, len(dataset.vocab))
    params = {name: p.detach() for name, p in model.named_parameters()}
    return model, dataset, unrolled_pass(config, params, dataset)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_unrolled_equations_reproduce_the_fused_module(cell, bidirectional):
    config = RunConfig(**HELLO, cell=cell, layers=2, bidirectional=bidirectional, hidden_size=5)
    model, dataset, inside = _fused_and_unrolled(config)
    inputs = model.encode(dataset.source_indices).transpose(0, 1)  # (seq, batch, feature)
    h_0 = torch.zeros(2 * config.num_directions, 2, 5)
    state = (h_0, torch.zeros_like(h_0)) if cell == "lstm" else h_0
    output, final = model.core(inputs, state)
    h_n = final[0] if cell == "lstm" else final
    # The fused module's output is the top layer's hidden state, both directions side by side.
    top = torch.cat([inside.hidden[-1, d] for d in range(config.num_directions)], dim=-1)
    assert (top.transpose(0, 1) - output.detach()).abs().max() <= 1e-6
    # h_n holds each layer and direction's last state (position 0 for the backward direction).
    for layer, direction in itertools.product(range(2), range(config.num_directions)):
        last = 0 if direction else -1
        expected = h_n[layer * config.num_directions + direction].detach()
        assert (inside.hidden[layer, direction, :, last] - expected).abs().max() <= 1e-6
        if cell == "lstm":
            c_expected = final[1][layer * config.num_directions + direction].detach()
            assert (inside.cell[layer, direction, :, last] - c_expected).abs().max() <= 1e-6
    assert (inside.logits - model(dataset.source_indices).detach()).abs().max() <= 1e-6


def test_lstm_gates_recomputed_by_hand_give_nn_lstm_outputs():
    config = RunConfig(**HELLO, cell="lstm", hidden_size=3, encoding="onehot")
    model, dataset, inside = _fused_and_unrolled(config)
    lstm = model.core
    x = dataset.source_onehot
    h = torch.zeros(2, 3)
    c = torch.zeros(2, 3)
    for step in range(5):
        gates = x[:, step] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0
        i, f, g, o = gates.detach().chunk(4, dim=1)
        i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
        for name, value in zip("ifgo", (i, f, g, o)):
            assert (inside.gates[name][0, 0, :, step] - value).abs().max() <= 1e-6
        c = f * c + i * g
        h = o * c.tanh()
    output, (h_n, c_n) = lstm(x.transpose(0, 1), (torch.zeros(1, 2, 3), torch.zeros(1, 2, 3)))
    assert (h - h_n[0].detach()).abs().max() <= 1e-6
    assert (c - c_n[0].detach()).abs().max() <= 1e-6


def test_hand_looped_rnncell_equals_nn_rnn_with_the_same_weights():
    config = RunConfig(**HELLO, cell="rnncell", layers=2, hidden_size=5)
    dataset = check_config(config)
    looped = build_model(config, 4)
    fused = build_model(config.with_changes(cell="rnn"), 4)
    # Same seed, same creation order: the RNNCells and nn.RNN draw identical weights.
    for layer in range(2):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            assert torch.equal(getattr(looped.core[layer], name), getattr(fused.core, f"{name}_l{layer}"))
    difference = looped(dataset.source_indices) - fused(dataset.source_indices)
    assert difference.abs().max() <= 1e-6


def test_onehot_times_linear_is_an_embedding_lookup():
    config = RunConfig(**HELLO, encoding="linear", embedding_size=3)
    dataset = check_config(config)
    model = build_model(config, 4)
    embedding = nn.Embedding(4, 3)
    with torch.no_grad():
        embedding.weight.copy_(model.encoder.weight.T)
    via_linear = model.encode(dataset.source_indices)
    assert torch.allclose(via_linear, embedding(dataset.source_indices), atol=1e-7)
    assert torch.equal(via_linear, model.encoder.weight.T[dataset.source_indices])


@pytest.mark.parametrize("cell", ["rnncell", "rnn", "lstm", "gru"])
def test_batch_first_gives_identical_results(cell):
    config = RunConfig(**HELLO, cell=cell, epochs=5, layers=2, hidden_size=6, bidirectional=cell != "rnncell")
    first = Trainer(config.with_changes(batch_first=True))
    second = Trainer(config.with_changes(batch_first=False))
    first.train()
    second.train()
    assert [r.loss for r in first.history] == [r.loss for r in second.history]
    assert torch.equal(first.history[-1].probabilities, second.history[-1].probabilities)


CELL_LOOPS = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_gradient_norms_flow_through_the_recurrence(cell):
    """‖dL/dh_t‖ equals autograd through a loop of PyTorch's own cells with the same weights."""
    config = RunConfig(**HELLO, cell=cell, hidden_size=5, encoding="onehot", loss_reduction="sum")
    model, dataset, inside = _fused_and_unrolled(config)
    torch_cell = CELL_LOOPS[cell](4, 5)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(torch_cell, name).copy_(getattr(model.core, f"{name}_l0"))
    h = torch.zeros(2, 5)
    c = torch.zeros(2, 5)
    states = []
    for step in range(5):
        if cell == "lstm":
            h, c = torch_cell(dataset.source_onehot[:, step], (h, c))
        else:
            h = torch_cell(dataset.source_onehot[:, step], h)
        h.retain_grad()
        states.append(h)
    logits = model.head(torch.stack(states, dim=1))
    loss = sum(nn.functional.cross_entropy(logits[:, t], dataset.target_indices[:, t]) for t in range(5))
    loss.backward()
    expected = torch.stack([s.grad.norm() for s in states])
    assert torch.allclose(inside.grad_norms[0, 0], expected, rtol=1e-5, atol=1e-7)
    # Through the recurrence an early state's gradient differs from its own step's direct path.
    first = states[0].detach().requires_grad_()
    own_loss = nn.functional.cross_entropy(model.head(first), dataset.target_indices[:, 0])
    (direct,) = torch.autograd.grad(own_loss, first)
    assert not torch.isclose(inside.grad_norms[0, 0, 0], direct.norm(), rtol=1e-3)


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(head="hidden", hidden_size=8), "must equal the vocabulary size \\(4\\)"),
        (dict(head="hidden", hidden_size=4, bidirectional=True), "bidirectional"),
        (dict(cell="rnncell", bidirectional=True), "forward in time only"),
        (dict(cell="lstm", nonlinearity="relu"), "only for the plain RNN"),
        (dict(hidden_size=100000), "Hidden size must be between 1 and 256"),
        (dict(hidden_size=0), "Hidden size"),
        (dict(layers=50), "Number of layers"),
        (dict(embedding_size=10**6), "Embedding size"),
        (dict(epochs=10**7), "Number of epochs"),
        (dict(lr=1e9), "at most 10"),
        (dict(lr=0.0), "positive finite"),
        (dict(lr=-1.0), "positive finite"),
        (dict(lr=float("nan")), "positive finite"),
        (dict(lr=float("inf")), "positive finite"),
        (dict(momentum=1.5), "Momentum"),
        (dict(cell="transformer"), "Unknown recurrent core"),
    ],
)
def test_impossible_settings_are_explained(changes, message):
    with pytest.raises(PlaygroundError, match=message):
        Trainer(RunConfig(**HELLO).with_changes(**changes))
