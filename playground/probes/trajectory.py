"""Hidden-state trajectories: h_t of every string as a path through a 2-D picture of the hidden space.

Early in training the strings' paths lie on top of each other; as the network learns they
separate, because h_t must carry what each string has seen. Every frame is projected on the
same two axes, the principal components of the *chosen* epoch's states (`projection`), so the
learner sees the paths move, not the axes spin.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

import playground.run.limits as _limits
from playground.probes.interventions import Intervention, pass_cost, snapshot, what_if
from playground.probes.projection import MAX_FRAMES, Projection, frame_epochs, principal_axes
from playground.run.limits import Limits
from playground.run.trainer import Trainer


@dataclass(frozen=True)
class Trajectories:
    """Every string's h_t, one frame per epoch, on the chosen epoch's principal axes."""

    epochs: tuple[int, ...]
    points: torch.Tensor  # (frames, strings, seq, 2)
    projection: Projection


def layer_states(trainer: Trainer, epoch: int, layer: int) -> torch.Tensor:
    """(strings, seq, hidden × directions): layer ``layer``'s h_t, both directions side by side."""
    run = what_if(trainer.config, snapshot(trainer, epoch), trainer.dataset, Intervention()).original
    return torch.cat(list(run.hidden[layer]), dim=-1)


def hidden_trajectories(
    trainer: Trainer, epoch: int, layer: int = 0, max_frames: int = MAX_FRAMES, limits: Limits | None = None
) -> Trajectories:
    """Project layer ``layer``'s states of evenly spread kept epochs (and ``epoch``) on epoch ``epoch``'s axes.

    Each frame re-runs the network once, so a big network gets fewer frames (at least the
    chosen epoch and the last), within the host's cap on one view's work.
    """
    chosen = layer_states(trainer, epoch, layer)
    strings, seq, width = chosen.shape
    dataset, limits = trainer.dataset, limits or _limits.LIMITS
    projection = principal_axes(chosen[dataset.real])  # a shorter string's padding is no state: left out
    affordable = limits.max_what_if_multiply_adds // pass_cost(trainer.config, dataset.batch_size, dataset.seq_len)
    epochs = sorted({*frame_epochs(trainer.detailed_epochs, max(2, min(max_frames, affordable))), epoch})
    points = torch.stack(
        [projection.project(layer_states(trainer, e, layer).reshape(-1, width)).view(strings, seq, 2) for e in epochs]
    )
    return Trajectories(tuple(epochs), points, projection)
