"""The Train page's one-hot input: what the network receives for one pair, a 1 at each step's
character index. Plotly only: the input does not change while a run trains, so it needs no live
Vega-Lite twin.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import torch

from charts.labels import char_label, label_chars
from charts.plotly_figure import MONO_PX, assemble, char_axis, step_axis
from charts.theme import LIGHT, LINE_COLOUR, ChartTheme
from charts.train.layout import HALF_PLOT_PX


def onehot_figure(
    onehot: torch.Tensor, vocab: Sequence[str], input_chars: Sequence[str], theme: ChartTheme = LIGHT
) -> go.Figure:
    """The one-hot input of one pair, vocabulary index × time step, with the 1s written in."""
    z = onehot.detach().float().T.tolist()
    vocab_size, seq_len = len(z), len(z[0])
    data = [
        dict(
            type="heatmap",
            z=z,
            x=list(range(seq_len)),
            y=list(range(vocab_size)),
            colorscale=[[0, "#f4f6f8"], [1, LINE_COLOUR]],
            zmin=0,
            zmax=1,
            showscale=False,
            texttemplate="%{z:.0f}",
            xgap=2,
            ygap=2,
            hovertemplate="t=%{x}, index %{y}: %{z:.0f}<extra></extra>",
        )
    ]
    index_labels = [f"{i}: {char_label(c)}" for i, c in enumerate(vocab)]
    layout = dict(
        xaxis=step_axis(list(input_chars), HALF_PLOT_PX),
        yaxis=char_axis(index_labels, autorange="reversed"),
        margin=dict(l=30 + MONO_PX * label_chars(index_labels), b=64),
    )
    return assemble(data, layout, "One-hot input (index × step)", max(220, 100 + 24 * vocab_size), theme)
