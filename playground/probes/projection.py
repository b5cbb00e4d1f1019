"""Each character's learned input vector, flattened to 2-D, and why one-hot × W is a lookup.

The Embeddings page animates the encoding matrix over the recorded epochs. Every frame is
projected onto the same two axes (the principal components of the *last* epoch's matrix),
so the learner sees characters move, not axes spin. Signs are fixed (each axis's largest
component is positive) so the picture is deterministic across runs and machines.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from playground.run.trainer import Trainer

MAX_FRAMES = 60


@dataclass(frozen=True)
class Projection:
    """Where two principal axes of a (vocab, features) matrix put each row."""

    mean: torch.Tensor  # (features,)
    axes: torch.Tensor  # (features, 2) orthonormal columns; a zero column if rank < 2
    explained: tuple[float, float]  # share of the variance along each axis

    def project(self, matrix: torch.Tensor) -> torch.Tensor:
        """(vocab, features) → (vocab, 2) coordinates."""
        return (matrix - self.mean) @ self.axes


def principal_axes(matrix: torch.Tensor) -> Projection:
    """PCA by SVD of the centred rows, with each axis's largest entry made positive."""
    matrix = matrix.detach().double()
    mean = matrix.mean(dim=0)
    centred = matrix - mean
    _, singular, v_t = torch.linalg.svd(centred, full_matrices=False)
    axes = torch.zeros(matrix.shape[1], 2, dtype=torch.float64)
    count = min(2, v_t.shape[0])
    for k in range(count):
        axis = v_t[k]
        if axis[axis.abs().argmax()] < 0:
            axis = -axis
        axes[:, k] = axis
    variance = singular**2
    total = variance.sum().item()
    shares = [(variance[k].item() / total) if total > 0 and k < len(variance) else 0.0 for k in range(2)]
    return Projection(mean=mean.float(), axes=axes.float(), explained=(shares[0], shares[1]))


def frame_epochs(kept: list[int], max_frames: int = MAX_FRAMES) -> list[int]:
    """At most ``max_frames`` evenly spread epochs of those whose weights were kept.

    The first and last kept epochs are always included.
    """
    if len(kept) <= max_frames:
        return list(kept)
    picks = torch.linspace(0, len(kept) - 1, max_frames).round().long().tolist()
    return [kept[k] for k in sorted(set(picks))]


@dataclass(frozen=True)
class DriftFrames:
    """The projected characters of several epochs, all on the last epoch's axes."""

    epochs: tuple[int, ...]
    points: torch.Tensor  # (frames, vocab, 2)
    projection: Projection


def encoding_drift(trainer: Trainer, max_frames: int = MAX_FRAMES) -> DriftFrames | None:
    """Project every shown epoch's encoding matrix; None when the input is one-hot."""
    if trainer.epoch == 0 or trainer.encoding_matrix(trainer.epoch) is None:
        return None
    epochs = frame_epochs(trainer.detailed_epochs, max_frames)
    projection = principal_axes(trainer.encoding_matrix(trainer.epoch))
    points = torch.stack([projection.project(trainer.encoding_matrix(epoch).detach()) for epoch in epochs])
    return DriftFrames(tuple(epochs), points, projection)


@dataclass(frozen=True)
class LookupEquivalence:
    """One character's vector obtained three ways, with real torch modules."""

    char: str
    onehot: torch.Tensor  # (vocab,)
    linear_weight: torch.Tensor  # (features, vocab): how nn.Linear stores the matrix
    via_linear: torch.Tensor  # nn.Linear(vocab, features, bias=False)(one-hot)
    via_row: torch.Tensor  # matrix[index]
    via_embedding: torch.Tensor  # nn.Embedding(vocab, features)(index)

    @property
    def max_abs_diff(self) -> float:
        return max(
            (self.via_linear - self.via_row).abs().max().item(),
            (self.via_embedding - self.via_row).abs().max().item(),
        )


def lookup_equivalence(matrix: torch.Tensor, chars: tuple[str, ...], index: int) -> LookupEquivalence:
    """Multiply a one-hot vector by a Linear layer and look the row up in an Embedding."""
    matrix = matrix.detach()
    vocab, features = matrix.shape
    onehot = nn.functional.one_hot(torch.tensor(index), vocab).float()
    with torch.no_grad():
        linear = nn.Linear(vocab, features, bias=False, device="meta").to_empty(device="cpu")
        linear.weight.copy_(matrix.T)
        embedding = nn.Embedding.from_pretrained(matrix.clone())
        return LookupEquivalence(
            char=chars[index],
            onehot=onehot,
            linear_weight=linear.weight.detach().clone(),
            via_linear=linear(onehot),
            via_row=matrix[index],
            via_embedding=embedding(torch.tensor(index)),
        )
