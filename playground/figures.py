"""Recorded training data in, Plotly figures out: the Train page's views, without Streamlit.

Every builder is a pure function of what a `Trainer` recorded, so the pictures can be
tested against the tensors they show. Each figure is assembled as plain data and layout
dicts and validated once by ``go.Figure``: Plotly's incremental helpers (``make_subplots``,
``update_xaxes``, ``add_shape``) validate on every call and cost several times more, which
matters when the page redraws every view several times a second during training.

Axes that carry characters use numeric positions with tick labels, never categories: a
string like "hello" repeats "l", and a categorical axis would silently merge the two steps.
Characters typed by the learner are HTML-escaped before they reach Plotly, which renders
a few HTML tags inside labels.

Each figure carries its own look (`chart_theme`) and asks for the margins its labels need,
so that the browser draws it once: see `_figure`.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import torch

from .chart_theme import LIGHT, ChartTheme, axis_defaults
from .text import split_characters
from .trainer import EpochRecord

RIGHT_COLOUR = "#2e9e5b"
WRONG_COLOUR = "#d9534f"
OUTLINE_COLOUR = "#111111"
LINE_COLOUR = "#1f77b4"
MONOSPACE = "Source Code Pro, Menlo, Consolas, monospace"
ROW_HEIGHT = 24  # pixels per epoch row in the predictions timeline
AXIS_NAME = re.compile(r"[xy]axis\d*")
# Each figure asks up front for the margins its tick labels need. Plotly grows a margin that
# is too small (automargin) by drawing the whole chart a second time, so these slight
# over-estimates of label widths in the app's fonts, calibrated in Chromium, spare that pass;
# tests/browser checks that the Train page's charts keep the margins they ask for.
TEXT_PX = 7.5  # per character of 12 px Source Sans, bold included
MONO_PX = 8  # per character of 13 px monospace
Y_TITLE_PX = 44  # a y-axis title: its standoff and one rotated line of 14 px text


def label_chars(labels: Sequence[str]) -> int:
    """Characters shown in the longest line of any label, markup left out and entities as one."""
    lines = (line for label in labels for line in str(label).split("<br>"))
    return max((len(html.unescape(re.sub(r"<[^>]+>", "", line))) for line in lines), default=1)


def char_label(char: str) -> str:
    """A character as Plotly should draw it: escaped, with a space made visible."""
    return "␣" if char == " " else html.escape(char)


def step_labels(input_chars: Sequence[str]) -> list[str]:
    """Tick labels for time steps: the character fed at that step over its step number."""
    return [f"{char_label(char)}<br><sub>t={t}</sub>" for t, char in enumerate(input_chars)]


def _figure(
    data: list[dict[str, Any]], layout: dict[str, Any], title: str, height: int, theme: ChartTheme
) -> go.Figure:
    """Assemble a figure that carries its whole look (see `chart_theme`): no template, axes
    fitted to their labels, and a ``datarevision`` that changes exactly when the figure does,
    so the browser's second pass over an unchanged figure costs nothing."""
    margin = {"l": 10, "r": 10, "t": 44, "b": 10, **layout.get("margin", {})}
    full = {
        "title": theme.title(title),
        "height": height,
        "showlegend": False,
        "uirevision": "keep",  # keep the learner's zoom while the chart redraws during training
        **theme.layout(),
        **{name: _with_axis_defaults(name, value) if AXIS_NAME.fullmatch(name) else value
           for name, value in layout.items()},
        "margin": {side: math.ceil(px) for side, px in margin.items()} | {"pad": 8},
    }
    full["datarevision"] = hashlib.sha1(json.dumps([data, full], sort_keys=True).encode()).hexdigest()
    figure = go.Figure(data=data, layout=full)
    figure.layout.template = None  # Plotly would otherwise embed its default template
    return figure


def _with_axis_defaults(name: str, axis: dict[str, Any]) -> dict[str, Any]:
    defaults = axis_defaults(name)
    merged = {**defaults, **axis}
    if axis.get("title", {}) is not None:  # a title of None means no title at all
        merged["title"] = {**defaults["title"], **axis.get("title", {})}
    return merged


def _char_axis(labels: list[str], **extra: Any) -> dict[str, Any]:
    return dict(tickvals=list(range(len(labels))), ticktext=labels, showgrid=False,
                tickfont=dict(family=MONOSPACE, size=13), **extra)


def _outline(x: float, y: float, xref: str = "x", yref: str = "y") -> dict[str, Any]:
    return dict(type="rect", xref=xref, yref=yref, x0=x - 0.5, x1=x + 0.5, y0=y - 0.5, y1=y + 0.5,
                line=dict(color=OUTLINE_COLOUR, width=3))


def loss_figure(
    losses: Sequence[float],
    selected_epoch: int | None = None,
    solved_epoch: int | None = None,
    log_scale: bool = False,
    total_epochs: int | None = None,
    theme: ChartTheme = LIGHT,
) -> go.Figure:
    """Loss against epoch (1-based), with the shown epoch circled and the solving epoch marked.

    ``total_epochs`` caps the x range at the whole run; until then the axis runs a quarter
    beyond the newest epoch, so a 2000-epoch run is readable from its first epochs on.
    """
    losses = list(losses)
    data = [dict(
        type="scatter", x=list(range(1, len(losses) + 1)), y=losses,
        mode="lines+markers" if len(losses) <= 60 else "lines",
        line=dict(color=LINE_COLOUR, width=2), marker=dict(size=5),
        hovertemplate="epoch %{x}<br>loss %{y:.4f}<extra></extra>",
    )]
    if selected_epoch is not None and 1 <= selected_epoch <= len(losses):
        data.append(dict(
            type="scatter", x=[selected_epoch], y=[losses[selected_epoch - 1]], mode="markers",
            marker=dict(size=13, color="rgba(0,0,0,0)", line=dict(color=OUTLINE_COLOUR, width=2)),
            hovertemplate="shown: epoch %{x}<br>loss %{y:.4f}<extra></extra>",
        ))
    shapes, annotations = [], []
    if solved_epoch is not None:
        shapes.append(dict(type="line", xref="x", yref="paper", x0=solved_epoch, x1=solved_epoch,
                           y0=0, y1=1, line=dict(color=RIGHT_COLOUR, dash="dash", width=2)))
        annotations.append(dict(xref="x", yref="paper", x=solved_epoch, y=1, xanchor="left",
                                yanchor="top", showarrow=False, text=f" solved at {solved_epoch}",
                                font=dict(color=RIGHT_COLOUR)))
    upper = max(len(losses) + len(losses) // 4, 10)
    if total_epochs:
        upper = min(upper, total_epochs)
    upper = max(upper, len(losses), 2)
    layout = dict(
        xaxis=dict(title=dict(text="epoch"), range=[0.5, upper + 0.5]),
        yaxis=dict(title=dict(text="loss (log scale)" if log_scale else "loss"),
                   type="log" if log_scale else "linear"),
        shapes=shapes, annotations=annotations,
        # Linear ticks read like "0.05" or "12.5"; log ticks like "0.002".
        margin=dict(l=8 + TEXT_PX * (5 if log_scale else 4) + Y_TITLE_PX, r=8 + 4 * len(str(upper)), b=70),
    )
    return _figure(data, layout, "Loss", 330, theme)


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
        hover.append([f"epoch {epoch}, step {t}: predicted {char_label(char)}, "
                      f"target {char_label(vocab[targets[t]])}" for t, char in enumerate(row)])
    columns = len(targets)
    data = [dict(
        type="heatmap", z=z, x=list(range(columns)), y=list(range(len(epochs))), text=text,
        texttemplate="%{text}", textfont=dict(size=15, family=MONOSPACE, color="white"),
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        colorscale=[[0, WRONG_COLOUR], [0.5, WRONG_COLOUR], [0.5, RIGHT_COLOUR], [1, RIGHT_COLOUR]],
        zmin=0, zmax=1, showscale=False, xgap=2, ygap=2,
    )]
    row_labels, shapes, annotations = [], [], []
    for row, epoch in enumerate(epochs):
        row_labels.append(f"<b>▶ epoch {epoch}</b>" if epoch == selected_epoch else f"epoch {epoch}")
        if epoch == solved_epoch:
            shapes.append(dict(type="rect", xref="x", yref="y", x0=-0.5, x1=columns - 0.5,
                               y0=row - 0.5, y1=row + 0.5, line=dict(color=OUTLINE_COLOUR, width=3)))
            annotations.append(dict(xref="x", yref="y", x=columns - 0.45, y=row, xanchor="left",
                                    showarrow=False, text="✓ solved",
                                    font=dict(color=RIGHT_COLOUR, size=13)))
    rows_reserved = min(max(total_epochs or 0, len(epochs), 1), max_rows)
    layout = dict(
        xaxis=_char_axis([char_label(vocab[t]) for t in targets], side="top",
                         title=dict(text="target", standoff=4), range=[-0.5, columns + 1.3]),
        yaxis=dict(tickvals=list(range(len(epochs))), ticktext=row_labels, autorange="reversed",
                   showgrid=False),
        shapes=shapes, annotations=annotations,
        margin=dict(l=16 + TEXT_PX * label_chars(row_labels), r=10, t=96, b=10),
    )
    return _figure(data, layout, "Predictions, epoch by epoch", 120 + ROW_HEIGHT * rows_reserved, theme)


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
    hover = [[f"step {t} (input {char_label(input_chars[t])}): "
              f"P({char_label(vocab[v])}) = {z[v][t]:.3f}" for t in range(seq_len)]
             for v in range(vocab_size)]
    data = [dict(
        type="heatmap", z=z, x=list(range(seq_len)), y=list(range(vocab_size)), zmin=0, zmax=1,
        colorscale="Blues", customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        texttemplate="%{z:.2f}" if seq_len * vocab_size <= 300 else "",
        colorbar=dict(title=dict(text="P"), thickness=12, len=0.9),
    )]
    vocab_labels = [char_label(c) for c in vocab]
    layout = dict(
        xaxis=_char_axis(step_labels(input_chars), title=dict(text="input character at each step")),
        yaxis=_char_axis(vocab_labels, title=dict(text="predicted character"), autorange="reversed"),
        shapes=[_outline(t, v) for t, v in enumerate(target_indices)],
        margin=dict(l=20 + MONO_PX * label_chars(vocab_labels) + Y_TITLE_PX, r=70, b=96),  # r: the colour bar
    )
    title = "Probabilities per step" + (f", epoch {epoch}" if epoch is not None else "")
    return _figure(data, layout, f"{title} (target outlined)", max(280, 130 + 24 * vocab_size), theme)


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
            data.append(dict(
                type="heatmap", z=values.T.tolist(), x=list(range(seq_len)), y=list(range(units)),
                xaxis=f"x{suffix}", yaxis=f"y{suffix}", xgap=1, ygap=1,
                coloraxis="coloraxis" if kind == "h" else "coloraxis2",
                hovertemplate=f"step %{{x}}, unit %{{y}}: {kind} = %{{z:.3f}}<extra></extra>",
            ))
            x0 = round(column * (width + gap_x), 6)
            top = round(1 - layer * (height + gap_y), 6)
            layout[f"xaxis{suffix}"] = _char_axis(step_labels(input_chars), domain=[x0, min(1.0, round(x0 + width, 6))],
                                                  anchor=f"y{suffix}")
            layout[f"yaxis{suffix}"] = dict(
                domain=[max(0.0, round(top - height, 6)), top], anchor=f"x{suffix}", autorange="reversed",
                showgrid=False, showticklabels=column == 0,
                title=dict(text="unit") if column == 0 else None,
            )
            where = f"layer {layer + 1}" + ((" · backward" if d else " · forward") if directions == 2 else "")
            annotations.append(dict(xref="paper", yref="paper", x=x0 + width / 2, y=top,
                                    xanchor="center", yanchor="bottom", align="center", showarrow=False,
                                    text=f"{where}<br>{'hidden h' if kind == 'h' else 'cell c'}",
                                    font=dict(size=12)))
    layout["coloraxis"] = dict(
        colorscale="RdBu", cmid=0, cmin=-ranges["h"], cmax=ranges["h"],
        colorbar=dict(title=dict(text="h"), thickness=12, len=0.45 if cell is not None else 0.9,
                      y=0.75 if cell is not None else 0.5),
    )
    if cell is not None:
        layout["coloraxis2"] = dict(
            colorscale="PuOr", cmid=0, cmin=-ranges["c"], cmax=ranges["c"],
            colorbar=dict(title=dict(text="c"), thickness=12, len=0.45, y=0.25),
        )
    layout["annotations"] = annotations
    layout["margin"] = dict(l=20 + TEXT_PX * len(str(units - 1)) + Y_TITLE_PX, r=76, t=80, b=64)  # r: colour bars
    title = "Hidden states" + (f", epoch {epoch}" if epoch is not None else "")
    return _figure(data, layout, title, plot_px + 80 + 50, theme)


def onehot_figure(
    onehot: torch.Tensor, vocab: Sequence[str], input_chars: Sequence[str], theme: ChartTheme = LIGHT
) -> go.Figure:
    """The one-hot input of one pair, vocabulary index × time step, with the 1s written in."""
    z = onehot.detach().float().T.tolist()
    vocab_size, seq_len = len(z), len(z[0])
    data = [dict(
        type="heatmap", z=z, x=list(range(seq_len)), y=list(range(vocab_size)),
        colorscale=[[0, "#f4f6f8"], [1, LINE_COLOUR]], zmin=0, zmax=1, showscale=False,
        texttemplate="%{z:.0f}", xgap=2, ygap=2,
        hovertemplate="step %{x}, index %{y}: %{z:.0f}<extra></extra>",
    )]
    index_labels = [f"{i}: {char_label(c)}" for i, c in enumerate(vocab)]
    layout = dict(
        xaxis=_char_axis(step_labels(input_chars)),
        yaxis=_char_axis(index_labels, autorange="reversed"),
        margin=dict(l=30 + MONO_PX * label_chars(index_labels), b=64),
    )
    return _figure(data, layout, "One-hot input (index × step)", max(220, 100 + 24 * vocab_size), theme)
