"""The Train page's sizes and rules that both of its renderers obey.

Each of the four views is drawn in Vega-Lite while a run can go on and in Plotly once it has
finished, the two renderings side by side in its module (`charts.loss`, `charts.train.predictions`,
`charts.train.probabilities`, `charts.train.hidden_states`); a learner should see one chart turn
into itself, not a swap. So the row heights, panel sizes, which epochs get a row, when a
loss curve marks each epoch, when numbers are written in cells, the colour range of a state and
the mark of a wrong prediction are decided here, once.
"""

from __future__ import annotations

import torch

from charts.theme import symmetric_bound

ROW_HEIGHT = 24  # pixels per epoch row in the predictions timeline
# Epochs up to which a loss curve has a marker per epoch: beyond, the markers turn the line into a
# smudge, and the live chart's thousands of SVG circles kept the browser too busy to take a click.
MARKERS_UP_TO = 60
HALF_PLOT_PX = 330  # plotting width of a chart in half the Train page at 1280 px, about
# A chart's whole width at 1280 px, in half the Train page and across it (Chromium, measured): a
# view with wide margins (the probabilities' and hidden states' colour bars) takes its plotting
# width from these, less its own margins, so that its step labels are spaced for the room they get.
HALF_FIGURE_PX = 394
FULL_FIGURE_PX = 820
HIDDEN_PLOT_PX = 720  # the hidden-state panels' total height, at most (but MIN_PANEL_PX each)
MIN_PANEL_PX = 90
PANEL_GAP_PX = 96  # between layers: it holds the step labels and the next panel's title
VOCAB_ROW_PX = 24  # per character of the probabilities' vocabulary, until `VOCAB_PLOT_PX`
VOCAB_PLOT_PX = 720


def timeline_epochs(
    trained: int, max_rows: int, solved_epoch: int | None = None, selected_epoch: int | None = None
) -> list[int]:
    """Which epochs get a row: all of them if they fit, else an even spread that always
    keeps the first, the last, the solving and the shown epoch."""
    if trained <= max_rows:
        return list(range(1, trained + 1))
    keep = {1, trained} | {e for e in (solved_epoch, selected_epoch) if e and 1 <= e <= trained}
    spread = max(max_rows - len(keep), 0)
    step = (trained - 1) / (spread + 1)
    return sorted(keep | {1 + round(step * k) for k in range(1, spread + 1)})


WRONG_MARK = "✗"  # marks a wrong prediction besides its colour, in both renderers
WRONG_MARK_PX = 10
WRONG_MARK_OFFSET = (0.3, -0.24)  # from the cell's centre, in cells: its top-right corner (y runs down)


CELL_NUMBER_PX = 10  # the font size of a number written in a heatmap cell: smaller cannot be read
NUMBER_CELL_PX = 22  # a cell's width that holds "0.00" at `CELL_NUMBER_PX`, with a little room either side
# The narrower plotting width of the two probabilities charts in half the Train page at 1280 px
# (Plotly's 252 px, Vega-Lite's 270 px; measured in Chromium).
NUMBERS_PLOT_PX = 250


def numbers_fit(seq_len: int, vocab_size: int, width_share: float = 1.0) -> bool:
    """Whether the probabilities heatmap writes each probability in its cell: only while a cell
    is wide and tall enough for "0.00" at a readable `CELL_NUMBER_PX` (the live chart asks the
    same, so the two agree). Plotly would shrink the numbers to fit a narrower cell instead.
    ``width_share`` is the share of its 1280 px width the chart is drawn at (on a phone, less)."""
    row_px = min(VOCAB_ROW_PX, VOCAB_PLOT_PX / vocab_size)
    fits_across = NUMBERS_PLOT_PX * width_share / seq_len >= NUMBER_CELL_PX
    return seq_len * vocab_size <= 300 and fits_across and row_px >= VOCAB_ROW_PX


def colour_bound(values: torch.Tensor) -> float:
    """The colour range's half-width (`charts.theme.symmetric_bound`): ±1 for tanh outputs."""
    return symmetric_bound(float(values.abs().max())) if values.numel() else 1.0


def unit_px(units: int, layers: int) -> float:
    """Pixels per unit row of a hidden-state panel: 13 while the panels fit `HIDDEN_PLOT_PX`,
    thinner (down to a line of colour, hover gives each value) for many units and layers, so
    128 units × 3 layers stays a chart and not a page."""
    budget = (HIDDEN_PLOT_PX - (layers - 1) * PANEL_GAP_PX) / layers
    return max(0.4, min(13.0, budget / units))
