"""The live loss chart (Vega-Lite): the Train page's loss curve while a run can go on.

Its spec is fixed for a run and everything that changes is in its rows, so the browser updates
it in place (see `charts.vega`, whose title style it shares).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from charts.theme import GHOST_COLOUR, LINE_COLOUR, OUTLINE_COLOUR, RIGHT_COLOUR
from charts.train.layout import MARKERS_UP_TO
from charts.vega import Spec, vega_title

LIVE_LOSS_POINTS = 400  # at most, about, in a live loss curve (`drawn_epochs`)


def drawn_epochs(losses: Sequence[float], always: set[int | None]) -> list[int]:
    """The epochs (1-based) a loss curve draws: all up to `LIVE_LOSS_POINTS`, else each stretch's
    lowest and highest loss, and the epochs in ``always`` (first, last, solved, shown).

    The live chart is redrawn several times a second: with every one of 2000 epochs, the browser
    was busy all the time and a Pause click waited for it (bench/live_page.py). A curve 330 px
    wide cannot show more points than this anyway."""
    count = len(losses)
    if count <= LIVE_LOSS_POINTS:
        return list(range(1, count + 1))
    stretch = math.ceil(count / (LIVE_LOSS_POINTS // 2))
    kept = {e for e in always if e is not None and 1 <= e <= count}
    for start in range(0, count, stretch):
        chunk = range(start, min(start + stretch, count))
        kept.add(1 + min(chunk, key=losses.__getitem__))
        kept.add(1 + max(chunk, key=losses.__getitem__))
    return sorted(kept)


def loss_chart(
    losses: Sequence[float],
    solved_epoch: int | None,
    log_scale: bool,
    shown_epoch: int | None = None,
    ghost: Sequence[float] = (),
) -> tuple[pd.DataFrame, Spec]:
    """Loss per epoch as a line (a point per epoch up to `MARKERS_UP_TO`), the solving epoch a
    dashed green rule, the shown epoch (a paused run's scrubber) circled, and a previous run's
    losses (``ghost``) a faint grey line behind. All of these are rows, so a run going, paused
    and scrubbed is one spec, updated in place. A long run's curve keeps the lowest and highest
    loss of each stretch of epochs (`LIVE_LOSS_POINTS` in all), so a spike still shows."""
    count = len(losses)
    kept = drawn_epochs(losses, {1, count, solved_epoch, shown_epoch})
    ghost_kept = drawn_epochs(ghost, {1, len(ghost)})
    rows = pd.DataFrame(
        {
            "epoch": [*kept, *ghost_kept],
            "loss": [losses[e - 1] for e in kept] + [ghost[e - 1] for e in ghost_kept],
            "solved": [epoch == solved_epoch for epoch in kept] + [False] * len(ghost_kept),
            "shown": [epoch == shown_epoch for epoch in kept] + [False] * len(ghost_kept),
            "ghost": [False] * len(kept) + [True] * len(ghost_kept),
            "marked": [count <= MARKERS_UP_TO] * len(kept) + [False] * len(ghost_kept),
        }
    )
    x = {"field": "epoch", "type": "quantitative", "title": "epoch"}
    y = {
        "field": "loss",
        "type": "quantitative",
        "title": "loss (log scale)" if log_scale else "loss",
        "scale": {"type": "log"} if log_scale else {"zero": True},
    }
    spec = {
        "title": vega_title("Loss"),
        "height": 330 - 44 - 70,  # the plotly figure's height less its title and x-axis margins
        "layer": [
            {
                "transform": [{"filter": "datum.ghost"}],
                "mark": {"type": "line", "color": GHOST_COLOUR, "strokeWidth": 2},
                "encoding": {"x": x, "y": y, "tooltip": [{"field": "epoch", "title": "previous run, epoch"}]},
            },
            {
                "transform": [{"filter": "!datum.ghost"}],
                "mark": {"type": "line", "color": LINE_COLOUR},
                "encoding": {"x": x, "y": y},
            },
            {
                "transform": [{"filter": "datum.marked"}],
                "mark": {"type": "point", "size": 25, "filled": True, "color": LINE_COLOUR},
                "encoding": {"x": x, "y": y},
            },
            {
                "transform": [{"filter": "datum.solved"}],
                "mark": {"type": "rule", "color": RIGHT_COLOUR, "strokeDash": [6, 4], "strokeWidth": 2},
                "encoding": {"x": x, "tooltip": [{"field": "epoch", "title": "solved at epoch"}]},
            },
            {
                "transform": [{"filter": "datum.shown"}],
                "mark": {"type": "point", "size": 170, "filled": False, "color": OUTLINE_COLOUR, "strokeWidth": 2},
                "encoding": {"x": x, "y": y, "tooltip": [{"field": "epoch", "title": "shown: epoch"}]},
            },
        ],
    }
    return rows, spec
