"""The gradient-flow page's numbers: the engine's ‖∂L/∂h_t‖ equal autograd through torch's own cells."""

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from playground import PlaygroundError, Trainer
from playground.lessons.gradient_flow import (
    COMPARED_CELLS,
    flow_summary,
    gradient_curve,
    memory_contenders,
    memory_task_config,
)
from playground.nn.model import sequence_loss
from playground.run.trainer import check_config

TORCH_CELLS = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}


def autograd_norms(trainer: Trainer, epoch: int) -> torch.Tensor:
    """‖∂L/∂h_t‖ by looping torch's nn.*Cell modules loaded with the epoch's weights."""
    config, dataset = trainer.config, trainer.dataset
    params = trainer.history[epoch - 1].parameters
    cell = TORCH_CELLS[config.cell](config.embedding_size, config.hidden_size, device="meta").to_empty(device="cpu")
    cell.load_state_dict({name: params[f"core.{name}_l0"] for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")})
    inputs = nn.Embedding.from_pretrained(params["encoder.weight"])(dataset.source_indices)
    h = torch.zeros(dataset.batch_size, config.hidden_size)
    c = torch.zeros_like(h)
    states = []
    for step in range(dataset.seq_len):
        if config.cell == "lstm":
            h, c = cell(inputs[:, step], (h, c))
        else:
            h = cell(inputs[:, step], h)
        h.retain_grad()
        states.append(h)
    logits = F.linear(torch.stack(states, dim=1), params["head.weight"], params["head.bias"])
    sequence_loss(logits, dataset.target_indices, config.loss_reduction).backward()
    return torch.stack([state.grad.norm() for state in states])


@pytest.fixture(scope="module")
def runs():
    trained = {cell: Trainer(memory_task_config(cell, length=12, epochs=40)) for cell in COMPARED_CELLS}
    for trainer in trained.values():
        trainer.train()
    return trained


@pytest.mark.parametrize("cell", COMPARED_CELLS)
@pytest.mark.parametrize("epoch", [1, 40])
def test_engine_gradients_equal_autograd_through_torch_cells(runs, cell, epoch):
    ours = gradient_curve(runs[cell], epoch)
    reference = autograd_norms(runs[cell], epoch)
    assert ours.shape == (12,)
    torch.testing.assert_close(ours, reference, rtol=1e-5, atol=1e-9)


def test_summary_reads_the_curve(runs):
    summary = flow_summary(runs["rnn"], 40)
    curve = autograd_norms(runs["rnn"], 40)
    assert summary.first == pytest.approx(curve[0].item(), rel=1e-5)
    assert summary.last == pytest.approx(curve[-1].item(), rel=1e-5)
    assert summary.ratio == pytest.approx(summary.first / summary.last)


def test_the_task_needs_the_first_letter():
    config = memory_task_config("lstm", length=25, letters="xyz")
    dataset = check_config(config)
    assert dataset.seq_len == 25 and dataset.batch_size == 3
    for source, target in zip(dataset.sources, dataset.targets):
        assert target[-1] == source[0] and set(target[:-1]) == {"-"}
        assert source[-1] == "?" and set(source[1:-1]) == {"-"}


@pytest.mark.parametrize(
    "length, letters, message",
    [
        (65, "ab", "between 3 and 64"),
        (2, "ab", "between 3"),
        (20, "a-", "distinct letters"),
        (20, "aa", "distinct"),
    ],
)
def test_bad_task_settings_are_sentences(length, letters, message):
    with pytest.raises(PlaygroundError, match=message):
        memory_task_config("rnn", length=length, letters=letters)


def early_share(cell: str, epochs: int) -> tuple[float, int | None]:
    """Mean ‖∂L/∂h_t‖ over steps 1–9 relative to the last step's, after ``epochs`` epochs."""
    trainer = Trainer(memory_task_config(cell, epochs=epochs))
    trainer.train()
    curve = gradient_curve(trainer, epochs)
    return (curve[1:10].mean() / curve[-1]).item(), trainer.solved_epoch


def test_plain_rnn_gradient_vanishes_where_the_gru_keeps_it():
    """After 60 epochs the last step's gradient barely reaches the RNN's early steps; the GRU's does."""
    rnn, _ = early_share("rnn", 60)
    gru, gru_solved = early_share("gru", 60)
    assert rnn < 0.02 < 0.2 < gru and gru_solved is not None


def test_trained_lstm_passes_more_gradient_back_than_the_rnn():
    """By the end of the default run the LSTM has learned to hold its memory and solves the task."""
    rnn, rnn_solved = early_share("rnn", 300)
    lstm, lstm_solved = early_share("lstm", 300)
    assert lstm > 5 * rnn
    assert rnn_solved is None and lstm_solved is not None


def test_the_race_has_one_contender_per_compared_core_on_the_same_task():
    contenders = memory_contenders(length=10, letters="xy")
    assert [c.label for c in contenders] == list(COMPARED_CELLS)
    assert [c.config for c in contenders] == [memory_task_config(cell, 10, "xy") for cell in COMPARED_CELLS]
