"""The Train page's views as Plotly figures: predictions timeline, probabilities, hidden states
and the one-hot input (its loss curve is `charts.loss`).

Every builder is a pure function of what a `Trainer` recorded, so the pictures can be tested
against the tensors they show. Each figure carries its own look and asks for the margins its
labels need, so that the browser draws it once (`charts.plotly_figure`).
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import torch

from playground.text import split_characters
from playground.trainer import EpochRecord

from .labels import char_label, label_chars, step_labels
from .plotly_figure import MONO_PX, TEXT_PX, Y_TITLE_PX, assemble, char_axis, outline
from .theme import LIGHT, LINE_COLOUR, MONOSPACE, OUTLINE_COLOUR, RIGHT_COLOUR, WRONG_COLOUR, ChartTheme

ROW_HEIGHT = 24  # pixels per epoch row in the predictions timeline


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
) -> go.Figure:
    """The predicted string of each epoch, one row each, every character green when right.

    Rows come from each record's predicted string for batch item ``pair`` (kept for every
    epoch, even where a long run dropped the probabilities), split into the same
    characters as the vocabulary. The first epoch whose whole batch prediction equals the
    targets is outlined and labelled.
    ``total_epochs`` reserves the final height so the page does not jump as rows arrive.
    """
    epochs = timeline_epochs(len(history), max_rows, solved_epoch, selected_epoch)
    targets = list(target_indices)
    z, text, hover = [], [], []
    for epoch in epochs:
        row = split_characters(history[epoch - 1].predictions[pair])
        z.append([int(char == vocab[t]) for char, t in zip(row, targets)])
        text.append([char_label(char) for char in row])
        hover.append(
            [
                f"epoch {epoch}, step {t}: predicted {char_label(char)}, target {char_label(vocab[targets[t]])}"
                for t, char in enumerate(row)
            ]
        )
    columns = len(targets)
    data = [
        dict(
            type="heatmap",
            z=z,
            x=list(range(columns)),
            y=list(range(len(epochs))),
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=15, family=MONOSPACE, color="white"),
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=[[0, WRONG_COLOUR], [0.5, WRONG_COLOUR], [0.5, RIGHT_COLOUR], [1, RIGHT_COLOUR]],
            zmin=0,
            zmax=1,
            showscale=False,
            xgap=2,
            ygap=2,
        )
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
            range=[-0.5, columns + 1.3],
        ),
        yaxis=dict(tickvals=list(range(len(epochs))), ticktext=row_labels, autorange="reversed", showgrid=False),
        shapes=shapes,
        annotations=annotations,
        margin=dict(l=16 + TEXT_PX * label_chars(row_labels), r=10, t=96, b=10),
    )
    return assemble(data, layout, "Predictions, epoch by epoch", 120 + ROW_HEIGHT * rows_reserved, theme)


def probabilities_figure(
    probabilities: torch.Tensor,
    vocab: Sequence[str],
    input_chars: Sequence[str],
    target_indices: Sequence[int],
    epoch: int | None = None,
    theme: ChartTheme = LIGHT,
) -> go.Figure:
    """Softmax probabilities of one pair, vocabulary × time step, the target cells outlined.

    ``probabilities`` is (seq, vocab), as recorded for one batch item; the heatmap's z is
    its transpose so time runs left to right like the string.
    """
    z = probabilities.detach().float().T.tolist()
    vocab_size, seq_len = len(z), len(z[0])
    hover = [
        [
            f"step {t} (input {char_label(input_chars[t])}): P({char_label(vocab[v])}) = {z[v][t]:.3f}"
            for t in range(seq_len)
        ]
        for v in range(vocab_size)
    ]
    data = [
        dict(
            type="heatmap",
            z=z,
            x=list(range(seq_len)),
            y=list(range(vocab_size)),
            zmin=0,
            zmax=1,
            colorscale="Blues",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            texttemplate="%{z:.2f}" if seq_len * vocab_size <= 300 else "",
            colorbar=dict(title=dict(text="P"), thickness=12, len=0.9),
        )
    ]
    vocab_labels = [char_label(c) for c in vocab]
    layout = dict(
        xaxis=char_axis(step_labels(input_chars), title=dict(text="input character at each step")),
        yaxis=char_axis(vocab_labels, title=dict(text="predicted character"), autorange="reversed"),
        shapes=[outline(t, v) for t, v in enumerate(target_indices)],
        margin=dict(l=20 + MONO_PX * label_chars(vocab_labels) + Y_TITLE_PX, r=70, b=96),  # r: the colour bar
    )
    title = "Probabilities per step" + (f", epoch {epoch}" if epoch is not None else "")
    return assemble(data, layout, f"{title} (target outlined)", max(280, 130 + 24 * vocab_size), theme)


def _axis_suffix(index: int) -> str:
    return "" if index == 1 else str(index)


def _bound(values: torch.Tensor) -> float:
    """A symmetric colour range: ±1 covers tanh outputs; larger values widen it."""
    return max(1.0, float(values.abs().max())) if values.numel() else 1.0


def hidden_state_figure(
    hidden: torch.Tensor,
    input_chars: Sequence[str],
    cell: torch.Tensor | None = None,
    epoch: int | None = None,
    theme: ChartTheme = LIGHT,
) -> go.Figure:
    """Hidden (and LSTM cell) states of one pair: a unit × time-step panel per layer,
    direction and kind.

    ``hidden`` and ``cell`` are (layers, directions, seq, hidden) for one batch item; each
    panel's z is the (hidden, seq) transpose. Hidden states share one colour scale (±1 for
    tanh, so a colour means the same at every epoch); unbounded cell states get their own.
    """
    layers, directions, seq_len, units = hidden.shape
    panels = [(d, kind) for kind in (["h", "c"] if cell is not None else ["h"]) for d in range(directions)]
    columns = len(panels)
    gap_x = 0.06
    width = (1 - gap_x * (columns - 1)) / columns
    panel_px, gap_px = max(90, 13 * units), 96  # the gap holds tick labels and the next title
    plot_px = layers * panel_px + (layers - 1) * gap_px
    height, gap_y = panel_px / plot_px, gap_px / plot_px
    data, layout, annotations = [], {}, []
    ranges = {"h": _bound(hidden), "c": _bound(cell) if cell is not None else 1.0}
    for layer in range(layers):
        for column, (d, kind) in enumerate(panels):
            index = layer * columns + column + 1
            suffix = _axis_suffix(index)
            values = (hidden if kind == "h" else cell)[layer, d].detach().float()
            data.append(
                dict(
                    type="heatmap",
                    z=values.T.tolist(),
                    x=list(range(seq_len)),
                    y=list(range(units)),
                    xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}",
                    xgap=1,
                    ygap=1,
                    coloraxis="coloraxis" if kind == "h" else "coloraxis2",
                    hovertemplate=f"step %{{x}}, unit %{{y}}: {kind} = %{{z:.3f}}<extra></extra>",
                )
            )
            x0 = round(column * (width + gap_x), 6)
            top = round(1 - layer * (height + gap_y), 6)
            layout[f"xaxis{suffix}"] = char_axis(
                step_labels(input_chars), domain=[x0, min(1.0, round(x0 + width, 6))], anchor=f"y{suffix}"
            )
            layout[f"yaxis{suffix}"] = dict(
                domain=[max(0.0, round(top - height, 6)), top],
                anchor=f"x{suffix}",
                autorange="reversed",
                showgrid=False,
                showticklabels=column == 0,
                title=dict(text="unit") if column == 0 else None,
            )
            where = f"layer {layer + 1}" + ((" · backward" if d else " · forward") if directions == 2 else "")
            annotations.append(
                dict(
                    xref="paper",
                    yref="paper",
                    x=x0 + width / 2,
                    y=top,
                    xanchor="center",
                    yanchor="bottom",
                    align="center",
                    showarrow=False,
                    text=f"{where}<br>{'hidden h' if kind == 'h' else 'cell c'}",
                    font=dict(size=12),
                )
            )
    layout["coloraxis"] = dict(
        colorscale="RdBu",
        cmid=0,
        cmin=-ranges["h"],
        cmax=ranges["h"],
        colorbar=dict(
            title=dict(text="h"),
            thickness=12,
            len=0.45 if cell is not None else 0.9,
            y=0.75 if cell is not None else 0.5,
        ),
    )
    if cell is not None:
        layout["coloraxis2"] = dict(
            colorscale="PuOr",
            cmid=0,
            cmin=-ranges["c"],
            cmax=ranges["c"],
            colorbar=dict(title=dict(text="c"), thickness=12, len=0.45, y=0.25),
        )
    layout["annotations"] = annotations
    layout["margin"] = dict(l=20 + TEXT_PX * len(str(units - 1)) + Y_TITLE_PX, r=76, t=80, b=64)  # r: colour bars
    title = "Hidden states" + (f", epoch {epoch}" if epoch is not None else "")
    return assemble(data, layout, title, plot_px + 80 + 50, theme)


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
            hovertemplate="step %{x}, index %{y}: %{z:.0f}<extra></extra>",
        )
    ]
    index_labels = [f"{i}: {char_label(c)}" for i, c in enumerate(vocab)]
    layout = dict(
        xaxis=char_axis(step_labels(input_chars)),
        yaxis=char_axis(index_labels, autorange="reversed"),
        margin=dict(l=30 + MONO_PX * label_chars(index_labels), b=64),
    )
    return assemble(data, layout, "One-hot input (index × step)", max(220, 100 + 24 * vocab_size), theme)
