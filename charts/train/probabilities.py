"""The Train page's probabilities view: the softmax over the vocabulary at each step of one pair,
the target cells outlined.

Two renderings of one chart: `probabilities_figure` (Plotly) once a run has ended, and
`probabilities_chart` (Vega-Lite rows and a fixed spec, `charts.vega`) while it can go on.
Both write the numbers in only while they fit (`charts.train.layout`), so the chart a learner
watched turns into itself when training stops.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import torch

from charts.labels import char_label, label_chars, plain_char, step_name
from charts.plotly_figure import MONO_PX, Y_TITLE_PX, assemble, char_axis, outline, step_axis
from charts.theme import LIGHT, OUTLINE_COLOUR, PROBABILITY, ChartTheme, vega_probability_scale
from charts.train.layout import CELL_NUMBER_PX, HALF_FIGURE_PX, VOCAB_PLOT_PX, VOCAB_ROW_PX, numbers_fit
from charts.vega import Spec, vega_step_axis, vega_title

LIVE_PROBABILITIES_PX = 270  # the live probabilities' plotting width in half the page at 1280 px (measured)
COLOUR_BAR_PX = 70  # the right margin, which holds the colour bar


def probabilities_figure(
    probabilities: torch.Tensor,
    vocab: Sequence[str],
    input_chars: Sequence[str],
    target_indices: Sequence[int],
    epoch: int | None = None,
    theme: ChartTheme = LIGHT,
    figure_px: float = HALF_FIGURE_PX,
    width_share: float = 1.0,
) -> go.Figure:
    """Softmax probabilities of one pair, vocabulary × time step, the target cells outlined.

    ``probabilities`` is (seq, vocab), as recorded for one batch item; the heatmap's z is
    its transpose so time runs left to right like the string. ``figure_px`` is about the
    figure's width at 1280 px and ``width_share`` the share of it the figure is drawn at (a
    phone's is smaller), for step labels and numbers in cells spaced for the plot's room.
    """
    z = probabilities.detach().float().T.tolist()
    vocab_size, seq_len = len(z), len(z[0])
    hover = [
        [
            f"{step_name(t)} (input {char_label(input_chars[t])}): P({char_label(vocab[v])}) = {z[v][t]:.3f}"
            for t in range(seq_len)
        ]
        for v in range(vocab_size)
    ]
    row_px = min(VOCAB_ROW_PX, VOCAB_PLOT_PX / vocab_size)
    data = [
        dict(
            type="heatmap",
            z=z,
            x=list(range(seq_len)),
            y=list(range(vocab_size)),
            zmin=0,
            zmax=1,
            colorscale=PROBABILITY,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            texttemplate="%{z:.2f}" if numbers_fit(seq_len, vocab_size, width_share) else "",
            textfont=dict(size=CELL_NUMBER_PX),  # a set size: Plotly's own shrinks to the cell, unreadably
            # x=1 (not Plotly's 1.02 of the plot width): the bar keeps to the margin asked for at any width
            colorbar=dict(title=dict(text="P"), thickness=12, len=0.9, x=1, xanchor="left"),
        )
    ]
    vocab_labels = [char_label(c) for c in vocab]
    every = math.ceil(16 / row_px)  # a 13 px character needs about 16 px of height
    shown = list(range(0, vocab_size, every))
    left = 20 + MONO_PX * label_chars(vocab_labels) + Y_TITLE_PX
    layout = dict(
        xaxis=step_axis(
            list(input_chars),
            figure_px * width_share - left - COLOUR_BAR_PX,
            title=dict(text="input character at each step (target outlined)"),
        ),
        yaxis=char_axis(vocab_labels, title=dict(text="predicted character"), autorange="reversed")
        | dict(tickvals=shown, ticktext=[vocab_labels[v] for v in shown]),
        shapes=[outline(t, v) for t, v in enumerate(target_indices)],
        margin=dict(l=left, r=COLOUR_BAR_PX, b=96),
    )
    title = "Probabilities per step" + (f", epoch {epoch}" if epoch is not None else "")
    return assemble(data, layout, title, max(280, round(130 + row_px * vocab_size)), theme)


def probabilities_chart(
    probabilities,
    vocab: Sequence[str],
    input_chars: Sequence[str],
    target_indices: Sequence[int],
    width_share: float = 1.0,
) -> tuple[pd.DataFrame, Spec]:
    """Softmax probabilities of one pair (seq, vocab) as step × character cells, targets outlined;
    ``width_share`` as `probabilities_figure`'s."""
    records = []
    for step, row in enumerate(probabilities.tolist()):
        for index, p in enumerate(row):
            records.append(
                {
                    "step": f"{step_name(step)} {plain_char(input_chars[step])}",
                    "order": step,
                    "char": plain_char(vocab[index]),
                    "p": p,
                    "target": index == target_indices[step],
                }
            )
    rows = pd.DataFrame(records)
    written = numbers_fit(len(input_chars), len(vocab), width_share)  # as the plotly figure's numbers
    position = {
        "x": {
            "field": "order",
            "type": "ordinal",
            "title": "input character at each step (target outlined)",
            "axis": vega_step_axis(input_chars, LIVE_PROBABILITIES_PX * width_share),
        },
        "y": {"field": "char", "type": "ordinal", "title": "predicted character", "sort": list(map(plain_char, vocab))},
    }
    layers: list[Spec] = [
        {
            "mark": {"type": "rect"},
            "encoding": {
                **position,
                "color": {"field": "p", "type": "quantitative", "title": "P", "scale": vega_probability_scale()},
                "stroke": {"condition": {"test": "datum.target", "value": OUTLINE_COLOUR}, "value": None},
                "strokeWidth": {"condition": {"test": "datum.target", "value": 3}, "value": 0},
                "tooltip": [{"field": "step"}, {"field": "char"}, {"field": "p", "format": ".3f"}],
            },
        }
    ]
    if written:
        layers.append(
            {
                "mark": {"type": "text", "fontSize": CELL_NUMBER_PX},
                "encoding": {
                    **position,
                    "text": {"field": "p", "format": ".2f"},
                    "color": {"condition": {"test": "datum.p > 0.5", "value": "white"}, "value": "#333333"},
                },
            }
        )
    spec = {
        "title": vega_title("Probabilities per step"),
        "height": {"step": min(24, 720 / max(len(vocab), 1))},
        "layer": layers,
    }
    return rows, spec
