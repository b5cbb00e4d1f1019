"""The Train page's predictions timeline: one pair's predicted string at each epoch, a row per
epoch, every character right (green) or wrong (vermillion, with a ✗).

Two renderings of one chart: `predictions_figure` (Plotly) once a run has ended, and
`timeline_chart` (Vega-Lite rows and a fixed spec, `charts.vega`) while it can go on. Both
take the epochs shown, the row height and the wrong mark from `charts.train.layout`, so the chart a
learner watched turns into itself when training stops. Each is a pure function of what a
`Trainer` recorded, so the pictures can be tested against the tensors they show.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from charts.labels import char_label, label_chars, plain_char, step_name
from charts.plotly_figure import CHAR_TICK_PX, TEXT_PX, assemble, char_axis
from charts.theme import (
    LIGHT,
    MONOSPACE,
    OUTLINE_COLOUR,
    RIGHT_COLOUR,
    WRONG_COLOUR,
    ChartTheme,
)
from charts.train.layout import (
    HALF_PLOT_PX,
    ROW_HEIGHT,
    WRONG_MARK,
    WRONG_MARK_OFFSET,
    WRONG_MARK_PX,
    timeline_epochs,
)
from charts.vega import Spec, vega_label_expr, vega_title
from playground.nn.text import split_characters
from playground.run.epoch_record import EpochRecord

COLUMN_PX = 34  # one predicted character's cell in the live predictions timeline


def predictions_figure(
    history: Sequence[EpochRecord],
    pair: int,
    vocab: Sequence[str],
    target_indices: Sequence[int],
    solved_epoch: int | None = None,
    selected_epoch: int | None = None,
    total_epochs: int | None = None,
    max_rows: int = 20,
    theme: ChartTheme = LIGHT,
    plot_px: float = HALF_PLOT_PX,
    held_out: bool = False,
) -> go.Figure:
    """The predicted string of each epoch, one row each, every character green when right and
    vermillion with a ✗ in its corner when wrong (two cues: colour alone fails one boy in twelve).
    Targets too long for a character per column in about ``plot_px`` (64 in half the page) name
    every few columns and leave the cells' characters and ✗ marks to hover, where they would
    print over each other (the colour stays).

    Rows come from each record's predicted string for batch item ``pair`` (kept for every
    epoch, even where a long run dropped the probabilities), split into the same
    characters as the vocabulary. The first epoch whose whole batch prediction equals the
    targets is outlined and labelled.
    ``total_epochs`` reserves the final height so the page does not jump as rows arrive.
    With ``held_out``, ``pair`` is a held-out pair's place and its rows are what the network
    predicted for it, never trained on (`EpochRecord.test_predictions`).
    """
    epochs = timeline_epochs(len(history), max_rows, solved_epoch, selected_epoch)
    targets = list(target_indices)
    z, text, hover = [], [], []
    for epoch in epochs:
        row = split_characters(predicted_string(history[epoch - 1], pair, held_out))
        z.append([int(char == vocab[t]) for char, t in zip(row, targets)])
        text.append([char_label(char) for char in row])
        hover.append(
            [
                f"epoch {epoch}, {step_name(t)}: predicted {char_label(char)}, target {char_label(vocab[targets[t]])}"
                for t, char in enumerate(row)
            ]
        )
    columns = len(targets)
    fits = plot_px / max(columns, 1) >= CHAR_TICK_PX
    # Cells too narrow for a character are too narrow for its ✗ too: the marks ran into each other.
    wrong = [(t, row) for row, cells in enumerate(z) for t, right in enumerate(cells) if not right and fits]
    data = [
        dict(
            type="heatmap",
            z=z,
            x=list(range(columns)),
            y=list(range(len(epochs))),
            text=text,
            texttemplate="%{text}" if fits else "",
            textfont=dict(size=15, family=MONOSPACE, color="white"),
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=[[0, WRONG_COLOUR], [0.5, WRONG_COLOUR], [0.5, RIGHT_COLOUR], [1, RIGHT_COLOUR]],
            zmin=0,
            zmax=1,
            showscale=False,
            xgap=2,
            ygap=2,
        ),
        dict(  # the second cue: a wrong cell's corner mark, for learners who cannot tell the colours apart
            type="scatter",
            mode="text",
            x=[t + WRONG_MARK_OFFSET[0] for t, _ in wrong],
            y=[row + WRONG_MARK_OFFSET[1] for _, row in wrong],
            text=[WRONG_MARK] * len(wrong),
            textfont=dict(size=WRONG_MARK_PX, color="white"),
            hoverinfo="skip",
            showlegend=False,
        ),
    ]
    row_labels, shapes, annotations = [], [], []
    for row, epoch in enumerate(epochs):
        row_labels.append(f"<b>▶ epoch {epoch}</b>" if epoch == selected_epoch else f"epoch {epoch}")
        if epoch == solved_epoch:
            shapes.append(
                dict(
                    type="rect",
                    xref="x",
                    yref="y",
                    x0=-0.5,
                    x1=columns - 0.5,
                    y0=row - 0.5,
                    y1=row + 0.5,
                    line=dict(color=OUTLINE_COLOUR, width=3),
                )
            )
            annotations.append(
                dict(
                    xref="x",
                    yref="y",
                    x=columns - 0.45,
                    y=row,
                    xanchor="left",
                    showarrow=False,
                    text="✓ solved",
                    font=dict(color=RIGHT_COLOUR, size=13),
                )
            )
    rows_reserved = min(max(total_epochs or 0, len(epochs), 1), max_rows)
    layout = dict(
        xaxis=char_axis(
            [char_label(vocab[t]) for t in targets],
            side="top",
            title=dict(text="target", standoff=4),
            range=[-0.5, columns - 0.5 + solved_label_room(columns, plot_px)],
        ),
        yaxis=dict(tickvals=list(range(len(epochs))), ticktext=row_labels, autorange="reversed", showgrid=False),
        shapes=shapes,
        annotations=annotations,
        margin=dict(l=16 + TEXT_PX * label_chars(row_labels), r=10, t=96, b=10),
    )
    if not fits:  # every few targets named, the rest on hover
        stride = math.ceil(CHAR_TICK_PX * columns / plot_px)
        layout["xaxis"]["tickvals"] = layout["xaxis"]["tickvals"][::stride]
        layout["xaxis"]["ticktext"] = layout["xaxis"]["ticktext"][::stride]
    return assemble(data, layout, timeline_title(held_out), 120 + ROW_HEIGHT * rows_reserved, theme)


SOLVED_LABEL_PX = 64  # "✓ solved" at 13 px, right of the solving epoch's row


def solved_label_room(columns: int, plot_px: float) -> float:
    """Columns of room right of the cells for "✓ solved": its width in the columns' scale, so at
    16 steps in half the page it is not cut off by the chart's edge (1.8 columns were enough at 5)."""
    return max(1.8, SOLVED_LABEL_PX * columns / max(plot_px - SOLVED_LABEL_PX, 1.0))


def predicted_string(record: EpochRecord, pair: int, held_out: bool) -> str:
    """What the epoch predicted for a training pair, or for a held-out one (``held_out``)."""
    return record.test_predictions[pair] if held_out else record.predictions[pair]


def timeline_title(held_out: bool) -> str:
    return "Held-out pair: predictions, epoch by epoch" if held_out else "Predictions, epoch by epoch"


def timeline_chart(
    history: Sequence[EpochRecord],
    pair: int,
    vocab: Sequence[str],
    target_indices: Sequence[int],
    solved_epoch: int | None,
    max_rows: int,
    shown_epoch: int | None = None,
    held_out: bool = False,
) -> tuple[pd.DataFrame, Spec]:
    """Predicted strings of the newest epochs, one row each, every character green when right,
    vermillion with a ✗ when wrong; the target characters head the columns and the shown epoch
    (a paused run's scrubber) is marked ▶, as in the plotly figure; ``held_out`` as there."""
    targets = [vocab[t] for t in target_indices]
    records = []
    for epoch in timeline_epochs(len(history), max_rows, solved_epoch, shown_epoch):
        predicted = split_characters(predicted_string(history[epoch - 1], pair, held_out))
        label = f"epoch {epoch}" + (" ✓ solved" if epoch == solved_epoch else "")
        label = f"▶ {label}" if epoch == shown_epoch else label
        for step, (char, target) in enumerate(zip(predicted, targets)):
            records.append(
                {
                    "row": label,
                    "order": epoch,
                    "step": step,
                    "char": plain_char(char),
                    "target": plain_char(target),
                    "right": char == target,
                }
            )
    rows = pd.DataFrame(records)
    position = {
        "x": {
            "field": "step",
            "type": "ordinal",
            "title": "target",
            "axis": {
                "orient": "top",
                "labelExpr": vega_label_expr([[plain_char(t)] for t in targets]),
                "labelAngle": 0,
                "labelFont": MONOSPACE,
                "labelFontSize": 13,
            },
        },
        "y": {"field": "row", "type": "ordinal", "title": None, "sort": {"field": "order", "order": "ascending"}},
    }
    spec = {
        "title": vega_title(timeline_title(held_out)),
        "height": {"step": ROW_HEIGHT},
        "width": {"step": COLUMN_PX},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
                "encoding": {
                    **position,
                    "color": {
                        "field": "right",
                        "type": "nominal",
                        "legend": None,
                        "scale": {"domain": [True, False], "range": [RIGHT_COLOUR, WRONG_COLOUR]},
                    },
                    "tooltip": [{"field": "row"}, {"field": "char", "title": "predicted"}, {"field": "target"}],
                },
            },
            {
                "mark": {"type": "text", "color": "white", "fontSize": 15, "font": MONOSPACE},
                "encoding": {**position, "text": {"field": "char"}},
            },
            {  # the second cue, as in the plotly figure: a wrong cell's corner mark
                "transform": [{"filter": "!datum.right"}],
                "mark": {
                    "type": "text",
                    "text": WRONG_MARK,
                    "color": "white",
                    "fontSize": WRONG_MARK_PX,
                    "dx": round(WRONG_MARK_OFFSET[0] * COLUMN_PX),
                    "dy": round(WRONG_MARK_OFFSET[1] * ROW_HEIGHT),
                },
                "encoding": position,
            },
        ],
    }
    return rows, spec
