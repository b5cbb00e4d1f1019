"""The hand-written RNNCell loop of the lessons (Example 12-1), the one copy the app runs.

`nn.RNN` hides its loop over time; the lessons first write it out with `nn.RNNCell`, one cell
call per layer per step, so a learner sees h_t carried forward. The model's "hand-written loop"
core, the equations page's reference, the Shapes page and every exported script run this
function (`export` copies its source into the script), so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


def loop_cells(
    cells: Sequence[nn.Module],
    inputs: torch.Tensor,
    lengths: torch.Tensor | None = None,
    hidden: list[torch.Tensor] | None = None,
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Example 12-1's loop: one cell call per layer per time step, written out by hand.

    ``inputs`` is (batch, seq, features); each layer starts from ``hidden`` (a text written one
    character at a time carries it on), zeros if None. Returns the top layer's
    h_t at every step, (batch, seq, hidden), and each layer's last hidden state.
    With ``lengths`` (batch,), a pair shorter than the batch stops at its end: its state
    is held from there on and its outputs are zeros, as packing gives the fused modules.
    """
    if hidden is None:
        hidden = [inputs.new_zeros(inputs.shape[0], cell.hidden_size) for cell in cells]
    else:
        hidden = list(hidden)
    outputs = []
    for step in range(inputs.shape[1]):
        x = inputs[:, step]
        for layer, cell in enumerate(cells):
            if lengths is None:
                hidden[layer] = cell(x, hidden[layer])
            else:
                running = (step < lengths).unsqueeze(1)  # (batch, 1): pairs not yet ended
                hidden[layer] = torch.where(running, cell(x, hidden[layer]), hidden[layer])
            x = hidden[layer]
        outputs.append(x if lengths is None else torch.where(running, x, 0.0))
    return torch.stack(outputs, dim=1), hidden
