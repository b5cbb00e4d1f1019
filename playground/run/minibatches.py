"""Mini-batches: which pairs each optimizer step of an epoch trains on, and which ones the views show.

With ``0 < RunConfig.batch_size <`` the number of pairs, each epoch visits every pair once in an order
drawn from its own generator, seeded by ``seed + epoch index``: the order of an epoch depends on
nothing else, so rewinding a run, replaying a model file and an exported script need no generator
state to draw the very same batches. Otherwise every pair is one batch, as in the lessons.
"""

from __future__ import annotations

import torch

from playground.run.config import RunConfig

# Pairs the views show of a run in mini-batches (predictions, probabilities, the pair picker,
# internals): a text's hundreds of windows would not fit a page, and every view's cost grows with them;
# eight windows of a text already show a few hundred of its characters.
SHOWN_PAIRS = 8


def shown_rows(pairs: int) -> range:
    """The rows of the pairs the views show of a run in mini-batches: the first `SHOWN_PAIRS`, or all of fewer."""
    return range(min(SHOWN_PAIRS, pairs))


def in_minibatches(config: RunConfig, pairs: int) -> bool:
    """Whether ``pairs`` training pairs are trained a batch of ``config.batch_size`` at a time."""
    return 0 < config.batch_size < pairs


def epoch_order(config: RunConfig, pairs: int, epoch_index: int) -> torch.Tensor:
    """The pairs' order in epoch ``epoch_index`` (0-based): a permutation seeded by ``seed + epoch_index``."""
    return torch.randperm(pairs, generator=torch.Generator().manual_seed(config.seed + epoch_index))


def batch_rows(order: torch.Tensor, batch_size: int) -> list[torch.Tensor]:
    """``order`` in consecutive batches of ``batch_size`` rows; the last one may be smaller."""
    return list(torch.split(order, batch_size))
