"""Embedding projections are true PCA, deterministic, and the lookup equivalence holds."""

import pytest
import torch

from playground import RunConfig, Trainer
from playground.probes.projection import encoding_drift, frame_epochs, lookup_equivalence, principal_axes
from playground.run.trainer import build_model

HELLO = dict(sources=("hello",), targets=("ohlol",), embedding_size=5, hidden_size=6, epochs=12)


def test_axes_are_the_top_covariance_eigenvectors_with_fixed_signs():
    matrix = torch.randn(7, 5, generator=torch.Generator().manual_seed(1))
    projection = principal_axes(matrix)
    centred = (matrix - matrix.mean(0)).double()
    eigenvalues, eigenvectors = torch.linalg.eigh(centred.T @ centred)
    for k in range(2):
        reference = eigenvectors[:, -1 - k].float()
        axis = projection.axes[:, k]
        assert min((axis - reference).abs().max(), (axis + reference).abs().max()) <= 1e-5
        assert axis[axis.abs().argmax()] > 0
    assert projection.explained[0] == pytest.approx((eigenvalues[-1] / eigenvalues.sum()).item(), abs=1e-6)


def test_projection_is_deterministic_and_sign_fixed():
    matrix = torch.randn(6, 4, generator=torch.Generator().manual_seed(2))
    first, second = principal_axes(matrix), principal_axes(matrix.clone())
    assert torch.equal(first.project(matrix), second.project(matrix))
    flipped = principal_axes(-matrix)
    assert torch.allclose(flipped.axes, first.axes, atol=1e-6)
    assert torch.allclose(flipped.project(-matrix), -first.project(matrix), atol=1e-5)


def test_one_dimensional_vectors_get_a_zero_second_axis():
    projection = principal_axes(torch.tensor([[1.0], [3.0], [2.0]]))
    assert projection.axes[:, 1].abs().sum() == 0
    assert projection.project(torch.tensor([[1.0], [3.0], [2.0]]))[:, 0].tolist() == [-1.0, 1.0, 0.0]


def test_frame_epochs_keep_first_and_last_within_the_cap():
    assert frame_epochs([1, 2, 3]) == [1, 2, 3]
    frames = frame_epochs(list(range(1, 301)), max_frames=20)
    assert frames[0] == 1 and frames[-1] == 300 and len(frames) == 20


@pytest.mark.parametrize("encoding", ["embedding", "linear"])
def test_drift_frames_use_the_last_epochs_axes(encoding):
    trainer = Trainer(RunConfig(**HELLO, encoding=encoding))
    trainer.train()
    drift = encoding_drift(trainer, max_frames=5)
    assert drift.epochs[0] == 1 and drift.epochs[-1] == trainer.epoch and len(drift.epochs) == 5
    final = trainer.encoding_matrix(trainer.epoch)
    assert torch.equal(drift.points[-1], principal_axes(final).project(final))
    early = trainer.encoding_matrix(drift.epochs[1])
    assert torch.allclose(drift.points[1], (early - principal_axes(final).mean) @ principal_axes(final).axes)
    assert not torch.allclose(drift.points[0], drift.points[-1])  # the characters moved


def test_one_hot_has_no_drift():
    trainer = Trainer(RunConfig(**HELLO, encoding="onehot").with_changes(epochs=2))
    trainer.train()
    assert encoding_drift(trainer) is None


@pytest.mark.parametrize("encoding", ["embedding", "linear"])
def test_lookup_equivalence_matches_the_models_encoder(encoding):
    trainer = Trainer(RunConfig(**HELLO, encoding=encoding).with_changes(epochs=3))
    trainer.train()
    chars = trainer.dataset.vocab.chars
    model = build_model(trainer.config, len(chars))
    model.load_state_dict(trainer.history[-1].parameters)
    for index in range(len(chars)):
        demo = lookup_equivalence(trainer.encoding_matrix(trainer.epoch), chars, index)
        with torch.no_grad():
            encoded = model.encode(torch.tensor([[index]]))[0, 0]
        assert demo.max_abs_diff <= 1e-6
        assert (demo.via_linear - encoded).abs().max() <= 1e-6
        assert demo.onehot.argmax().item() == index and demo.onehot.sum() == 1
        assert demo.linear_weight.shape == (trainer.config.embedding_size, len(chars))
