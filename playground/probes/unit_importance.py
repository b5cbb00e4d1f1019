"""The units that matter: zero each hidden unit of one layer in turn and see what the run loses.

What if? lets a learner clamp one unit; this scores them all at once, so the page can point at
the units worth poking. Each unit is zeroed in its own copy of the batch, through the same
loop and edit hook as every other intervention (`playground.nn.internals.recur`,
`playground.nn.cells.Cell.step`), so the scores are what a clamp to 0 of that unit at every step
would show. Tests check it against hand-written loops over PyTorch's own cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

import playground.run.limits as _limits
from playground.nn.cells import Edit, unchanged
from playground.nn.data import Dataset
from playground.nn.internals import EditAt, recur, running_mask
from playground.nn.model import encode_indices, sequence_loss
from playground.probes.interventions import Clamp, Intervention, Parameters, check_intervention, forward, pass_cost
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError
from playground.run.limits import Limits

WIDE_PASS_FLOATS = 2**22  # a unit-importance pass's layer output: 16 MB of float32


@dataclass(frozen=True)
class UnitImportance:
    """What zeroing each hidden unit of one layer and direction (h, at every step, one unit at a
    time) does to the run. Arrays have one entry per unit."""

    layer: int
    direction: int
    loss: torch.Tensor  # the loss with that unit zeroed
    changed_chars: torch.Tensor  # predicted characters (over every string) that differ from the original's
    correct_chars: torch.Tensor  # predicted characters that equal the target
    original_loss: float
    original_correct: int
    total_chars: int

    @property
    def loss_change(self) -> torch.Tensor:
        """How much the network relies on each unit: the loss without it, minus the loss with it."""
        return self.loss - self.original_loss


def unit_importance(
    config: RunConfig,
    params: Parameters,
    dataset: Dataset,
    layer: int = 0,
    direction: int = 0,
    limits: Limits | None = None,
) -> UnitImportance:
    """Zero every unit of one layer and direction in turn and measure the loss and the prediction.

    The batch is repeated once per unit and copy k has unit k zeroed at every step, so the units
    cost a few wide passes, not one pass per unit; the copies go in groups that keep a pass's
    layer output within `WIDE_PASS_FLOATS`, so the largest allowed network fits too. The layers
    below are not affected by the zeroing and are not re-run: the wide passes start at ``layer``.
    """
    check_intervention(config, dataset, Intervention(clamps=(Clamp("h", layer, direction, 0, 0.0),)))
    limits = limits or _limits.LIMITS  # read when called: a host (or a test) may swap the caps
    cost = pass_cost(config, config.hidden_size * dataset.batch_size, dataset.seq_len, layer)
    if cost > limits.max_what_if_multiply_adds:
        raise PlaygroundError(
            f"Scoring all {config.hidden_size} units of layer {layer} re-runs the network "
            f"{config.hidden_size} times: about {cost:.1e} multiply-adds, more than this server allows "
            f"for one view ({limits.max_what_if_multiply_adds:.1e}). Pick a higher layer, fewer strings "
            "or a smaller network; clamping one unit above works at any size."
        )
    original = forward(config, params, dataset, dataset.source_indices)
    original_predicted = original.probabilities.argmax(dim=-1)
    targets = dataset.target_indices
    real = running_mask(dataset)
    counted = dataset.real  # characters on the padding are not predictions
    units, batch, seq = config.hidden_size, dataset.batch_size, dataset.seq_len
    if layer:
        below = original.hidden[layer - 1]  # (directions, batch, seq, hidden)
        x = torch.cat(list(below), dim=-1)
    else:
        x = encode_indices(config.encoding, dataset.source_indices, len(dataset.vocab), params.get("encoder.weight"))
    group = max(1, WIDE_PASS_FLOATS // (batch * seq * units * config.num_directions))
    loss = torch.zeros(units)
    changed = torch.zeros(units, dtype=torch.long)
    correct = torch.zeros(units, dtype=torch.long)
    for first in range(0, units, group):
        chosen = torch.arange(first, min(first + group, units))
        copies = x.repeat(len(chosen), 1, 1)  # row k * batch + b: string b with unit chosen[k] zeroed
        zeroed = torch.zeros(len(copies), units, dtype=torch.bool)
        zeroed[torch.arange(len(copies)), chosen.repeat_interleave(batch)] = True
        copies_real = None if real is None else real.repeat(len(chosen), 1)
        with torch.no_grad():
            edit_at = _zeroing(zeroed, layer, direction)
            logits = recur(config, params, copies, copies_real, edit_at=edit_at, first_layer=layer)
        logits = logits.view(len(chosen), batch, seq, -1)
        predicted = torch.softmax(logits, dim=-1).argmax(dim=-1)  # as the trainer predicts
        for k, unit in enumerate(chosen.tolist()):
            loss[unit] = sequence_loss(logits[k], targets, config.loss_reduction).item()
        changed[chosen] = ((predicted != original_predicted) & counted).flatten(1).sum(dim=1)
        correct[chosen] = (predicted == targets).flatten(1).sum(dim=1)  # padded targets equal no character
    return UnitImportance(
        layer=layer,
        direction=direction,
        loss=loss,
        changed_chars=changed,
        correct_chars=correct,
        original_loss=original.loss,
        original_correct=int((original_predicted == targets).sum()),
        total_chars=sum(dataset.lengths),
    )


def _zeroing(mask: torch.Tensor, layer: int, direction: int) -> EditAt:
    def edit(name: str, value: torch.Tensor) -> torch.Tensor:
        return value.masked_fill(mask, 0.0) if name == "h" else value

    def edit_at(at_layer: int, at_direction: int, step: int) -> Edit:
        return edit if (at_layer, at_direction) == (layer, direction) else unchanged

    return edit_at
