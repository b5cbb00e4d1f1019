"""What to try after a run that did not solve its task, read from the shape of its loss curve.

The Train page's "Not solved" message and the CLI's last line after an unsolved `train` both
say it (`not_solved_message`). The curve is read in quarters of the run (at least one epoch
each), in this order:

- **rising or oscillating** → a smaller learning rate: the last quarter's mean loss is not
  below the first epoch's loss (no progress at all), or the loss rose by more than
  `RISE` (5 %) from one epoch to the next in at least `RISING_SHARE` (a quarter) of the steps;
- **still falling** → more epochs: the last quarter's mean is more than `STILL_FALLING`
  (3 %) below the quarter's before it (at that pace, as many epochs again would take
  about a tenth more off);
- **levelled off** → a bigger network or a larger learning rate.

A single epoch has no curve yet, so it gets "more epochs". Before any of these, pairs that no
network can get all right are named (`conflict`): a next character that differs after the same
characters read so far, where more training cannot help. A text of one's own (`RunConfig.text`)
is that by nature, so its run gets `text_message` instead: it is judged, not solved. The thresholds separate the runs
`tests/test_advice.py` trains (Adam at 1, 3 and 10 against 0.1; tiny networks on long tasks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import Enum

from playground.nn.text import quoted

RISE = 0.05  # a step counts as going up when the loss grows by more than this fraction
RISING_SHARE = 0.25  # ... in at least this share of the steps: the loss jumps up and down
STILL_FALLING = 0.03  # the last quarter's mean this fraction below the one before: still falling


class Advice(Enum):
    """What to try next; the value is the sentence a learner reads."""

    SMALLER_LEARNING_RATE = "The loss went up or jumped up and down: the learning rate is too high, try a smaller one."
    MORE_EPOCHS = "The loss was still falling when the epochs ran out: try more epochs."
    BIGGER_NETWORK = "The loss levelled off: try a bigger hidden size or a larger learning rate."
    TOO_SHORT_TO_TELL = "One epoch shows no trend yet: try more epochs."


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def advice_for(losses: Sequence[float]) -> Advice:
    """What to try after an unsolved run whose per-epoch losses are ``losses`` (in epoch order)."""
    if len(losses) < 2:
        return Advice.TOO_SHORT_TO_TELL
    if not all(math.isfinite(loss) for loss in losses):
        return Advice.SMALLER_LEARNING_RATE
    quarter = max(1, len(losses) // 4)
    last, before_last = _mean(losses[-quarter:]), _mean(losses[-2 * quarter : -quarter])
    rises = sum(after > before * (1 + RISE) for before, after in zip(losses, losses[1:]))
    if last >= losses[0] or rises >= RISING_SHARE * (len(losses) - 1):
        return Advice.SMALLER_LEARNING_RATE
    if last < before_last * (1 - STILL_FALLING):
        return Advice.MORE_EPOCHS
    return Advice.BIGGER_NETWORK


def conflict(
    source_chars: Sequence[Sequence[str]], target_chars: Sequence[Sequence[str]], bidirectional: bool
) -> str | None:
    """A sentence naming two pairs that no network can both get right, or None.

    A network reading left to right has seen only ``source[:t + 1]`` when it predicts step t, so
    two pairs that agree up to there but want different characters at t cannot both be right; a
    bidirectional one sees the whole string, so only equal sources with different targets conflict.
    """
    wanted: dict[tuple[tuple[str, ...], int], str] = {}
    for source, target in zip(source_chars, target_chars):
        for step in range(len(source)):
            read = tuple(source) if bidirectional else tuple(source[: step + 1])
            earlier = wanted.setdefault((read, step), target[step])
            if earlier != target[step]:
                return (
                    f"These pairs cannot all be right: after reading {quoted(''.join(read))} one target wants "
                    f"{quoted(earlier)} and another {quoted(target[step])} at step t={step}. The loss cannot reach 0, "
                    "whatever the training: judge the run by how many characters are right."
                )
    return None


def text_message(epochs: int, writes_where: str) -> str:
    """What a run on a text ends with in place of "Not solved": in writing, the same characters are
    followed by different ones in different places, so no network gets every window right and
    pointing at two of them would only puzzle; ``writes_where`` says where to read what it writes."""
    return (
        f"{epochs} epoch{'s' * (epochs != 1)} trained. A text is never “solved”: the same characters are "
        "followed by different ones in different places. Judge the run by its loss and by what it "
        f"writes ({writes_where})."
    )


def not_solved_message(epochs: int, losses: Sequence[float], unreachable: str | None = None) -> str:
    """The sentence an unsolved run ends with, on the Train page and after the CLI's epochs;
    ``unreachable`` (a `conflict`) replaces the advice: no setting can solve such pairs."""
    return f"Not solved in {epochs} epoch{'s' * (epochs != 1)}. {unreachable or advice_for(losses).value}"
