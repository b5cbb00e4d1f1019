"""The cell equations written out by hand reproduce the real PyTorch modules to 1e-6."""

import pytest
import torch
from torch.nn import functional as F

from playground import PlaygroundError, RunConfig, Trainer
from playground.probes.equations import equations_for, module_states, step_equation, unit_latex
from playground.run.trainer import build_model

HELLO = dict(sources=("hello", "lleho"), targets=("ohlol", "ehlol"), hidden_size=6, epochs=4)
CONFIGS = {
    "rnncell-2layer": RunConfig(**HELLO, cell="rnncell", encoding="onehot", layers=2, batch_first=True),
    "rnn-relu": RunConfig(**HELLO, cell="rnn", nonlinearity="relu", encoding="linear"),
    "rnn-2layer-bi": RunConfig(**HELLO, cell="rnn", layers=2, bidirectional=True),
    "lstm-2layer-bi": RunConfig(**HELLO, cell="lstm", layers=2, bidirectional=True, batch_first=True),
    "lstm": RunConfig(**HELLO, cell="lstm", encoding="onehot"),
    "gru-2layer-bi": RunConfig(**HELLO, cell="gru", layers=2, bidirectional=True),
    "gru": RunConfig(**HELLO, cell="gru", batch_first=True),
}


@pytest.fixture(scope="module", params=list(CONFIGS))
def trained(request):
    trainer = Trainer(CONFIGS[request.param])
    trainer.train()
    return trainer


def every_step(trainer):
    config, dataset = trainer.config, trainer.dataset
    for layer in range(config.layers):
        for direction in range(config.num_directions):
            for item in range(dataset.batch_size):
                for step in range(dataset.seq_len):
                    yield layer, direction, item, step


@pytest.mark.parametrize("epoch", [1, 4])
def test_every_step_equation_matches_the_module(trained, epoch):
    params = trained.history[epoch - 1].parameters
    states = module_states(trained.config, params, trained.dataset)
    worst = max(step_equation(trained.config, params, states, *where).max_abs_diff for where in every_step(trained))
    assert worst <= 1e-6


def test_module_states_reproduce_the_trained_model(trained):
    """Per-layer modules, the fused core, the model's forward and the engine all agree."""
    config, dataset = trained.config, trained.dataset
    params = trained.history[-1].parameters
    states = module_states(config, params, dataset)
    top = states.hidden[-1].permute(1, 2, 0, 3).reshape(states.fused_output.shape)
    assert (top - states.fused_output).abs().max() <= 1e-6
    model = build_model(config, len(dataset.vocab))
    model.load_state_dict(params)
    with torch.no_grad():
        logits = model(dataset.source_indices)
    ours = (
        states.fused_output
        if config.head == "hidden"
        else F.linear(states.fused_output, params["head.weight"], params["head.bias"])
    )
    assert (ours - logits).abs().max() <= 1e-6
    internals = trained.internals(trained.epoch)
    assert (internals.hidden - states.hidden).abs().max() <= 1e-6
    if config.cell == "lstm":
        assert (internals.cell - states.cell).abs().max() <= 1e-6


def test_wrong_weights_are_caught(trained):
    """The comparison can fail: an equation with other weights differs from the module."""
    config, dataset = trained.config, trained.dataset
    params = dict(trained.history[-1].parameters)
    states = module_states(config, params, dataset)
    name = "core.0.weight_hh" if config.cell == "rnncell" else "core.weight_hh_l0"
    params[name] = params[name] + 0.5
    assert step_equation(config, params, states, 0, 0, 0, dataset.seq_len - 1).max_abs_diff > 1e-3


def test_unit_latex_shows_the_step_result(trained):
    params = trained.history[-1].parameters
    states = module_states(trained.config, params, trained.dataset)
    equation = step_equation(trained.config, params, states, 0, 0, 0, 2)
    lines = unit_latex(equation, 1)
    assert lines[-1].startswith("h_t[1]")
    assert lines[-1].endswith(f"= {equation.module_h[1].item():.3f}")
    assert len(equations_for(trained.config)) == len(lines)


def test_backward_direction_reads_the_next_step_state():
    trainer = Trainer(CONFIGS["gru-2layer-bi"])
    trainer.train(2)
    params = trainer.history[-1].parameters
    states = module_states(trainer.config, params, trainer.dataset)
    last = trainer.dataset.seq_len - 1
    assert torch.equal(step_equation(trainer.config, params, states, 1, 1, 0, last).h_prev, torch.zeros(6))
    assert torch.equal(step_equation(trainer.config, params, states, 1, 1, 0, 1).h_prev, states.hidden[1, 1, 0, 2])


def test_module_states_leave_the_global_rng_alone():
    trainer = Trainer(CONFIGS["lstm"])
    trainer.train(1)
    torch.manual_seed(3)
    expected = torch.rand(4)
    torch.manual_seed(3)
    module_states(trainer.config, trainer.history[0].parameters, trainer.dataset)
    assert torch.equal(torch.rand(4), expected)


def test_out_of_range_choice_is_a_sentence():
    trainer = Trainer(CONFIGS["gru"])
    trainer.train(1)
    params = trainer.history[0].parameters
    states = module_states(trainer.config, params, trainer.dataset)
    with pytest.raises(PlaygroundError, match="Time step"):
        step_equation(trainer.config, params, states, 0, 0, 0, 99)


LARGE = dict(
    sources=("hello world, hello there",),
    targets=(),
    task="next-char",
    vocab_order="appearance",
    encoding="embedding",
    embedding_size=256,
    hidden_size=256,
    lr=0.05,
    epochs=40,
)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_large_correct_cells_are_never_called_a_mismatch(cell):
    """256 units sum 514 float32 terms per unit: correct results differ by several 1e-6 (seen up to 5.6e-6),
    which the tolerance must allow, while one wrong weight must still stand out."""
    trainer = Trainer(RunConfig(**LARGE, cell=cell))
    trainer.train()
    params = trainer.history[-1].parameters
    states = module_states(trainer.config, params, trainer.dataset)
    equations = [
        step_equation(trainer.config, params, states, 0, 0, 0, step) for step in range(trainer.dataset.seq_len)
    ]
    assert all(equation.matches for equation in equations), max(e.max_abs_diff / e.tolerance for e in equations)
    assert max(equation.tolerance for equation in equations) < 1e-3
    wrong = dict(params)
    wrong["core.weight_hh_l0"] = wrong["core.weight_hh_l0"] + 0.01
    assert not step_equation(trainer.config, wrong, states, 0, 0, 0, trainer.dataset.seq_len - 1).matches
