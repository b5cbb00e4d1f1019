"""Figures of a comparison: overlaid loss curves and each contender's prediction timeline."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import torch

from .compare import Comparison, ContenderRun

MAX_TEXT_CELLS = 1500  # beyond this many cells, letters in a heatmap are unreadable and slow


def plotly_config(file_name: str) -> dict[str, Any]:
    """Plotly's toolbar, always shown, with a PNG download named after the figure."""
    return {
        "displayModeBar": True,
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": file_name, "scale": 2},
    }


def loss_curves_figure(comparison: Comparison) -> go.Figure:
    """One loss curve per contender; a star marks the first epoch that predicted the target."""
    figure = go.Figure()
    for index, run in enumerate(comparison.runs):
        if run.trainer is None or not run.trainer.history:
            continue
        color = _COLORS[index % len(_COLORS)]
        dash = _DASHES[index % len(_DASHES)]  # curves that coincide (RNNCell loop = nn.RNN) stay visible
        history = run.trainer.history
        figure.add_scatter(
            x=[record.epoch for record in history],
            y=[record.loss for record in history],
            mode="lines",
            name=run.contender.label,
            line=dict(color=color, width=2.5, dash=dash),
            legendgroup=run.contender.label,
        )
        solved = run.trainer.solved_epoch
        if solved is not None:
            figure.add_scatter(
                x=[solved],
                y=[history[solved - 1].loss],
                mode="markers",
                marker=dict(symbol="star", size=14, color=color, line=dict(color="black", width=1)),
                name=f"{run.contender.label}: first correct (epoch {solved})",
                legendgroup=run.contender.label,
                showlegend=False,
                hovertemplate=f"{run.contender.label}<br>first correct at epoch {solved}<extra></extra>",
            )
    figure.update_layout(
        title="Loss per epoch (★ = first epoch that predicted the target)",
        xaxis_title="epoch",
        yaxis_title="loss",
        legend=dict(orientation="h", yanchor="top", y=-0.2),
        margin=dict(l=60, r=20, t=50, b=40),
        height=420,
    )
    return figure


def prediction_timeline_figure(run: ContenderRun) -> go.Figure:
    """Epochs across, time steps down: colour is p(target character), the letter is the prediction.

    Long runs keep probabilities only for evenly spaced epochs; those are the columns drawn.
    """
    trainer = run.trainer
    figure = go.Figure()
    if trainer is None or not trainer.history:
        return figure
    dataset = trainer.dataset
    kept = [record for record in trainer.history if record.probabilities is not None]
    epochs = [record.epoch for record in kept]
    rows, labels = [], []
    for item, target_chars in enumerate(dataset.target_chars):
        for step, char in enumerate(target_chars):
            rows.append((item, step, dataset.vocab.index(char)))
            prefix = f"#{item + 1} " if dataset.batch_size > 1 else ""
            labels.append(f"{prefix}t{step + 1} → {char}")
    probabilities = torch.stack([record.probabilities for record in kept])  # (E, B, T, V)
    predicted = probabilities.argmax(dim=-1)  # (E, B, T), as the trainer predicts
    confidence, letters = [], []
    for item, step, target_index in rows:
        confidence.append(probabilities[:, item, step, target_index].tolist())
        letters.append([dataset.vocab.chars[i] for i in predicted[:, item, step].tolist()])
    show_text = len(rows) * len(epochs) <= MAX_TEXT_CELLS
    figure.add_heatmap(
        x=epochs,
        y=labels,
        z=confidence,
        zmin=0,
        zmax=1,
        colorscale="RdYlGn",
        text=letters,
        texttemplate="%{text}" if show_text else None,
        hovertemplate="epoch %{x}, %{y}<br>predicted %{text}, p(target)=%{z:.3f}<extra></extra>",
        colorbar=dict(title="p(target)", thickness=12),
    )
    figure.update_layout(
        title=dict(text=run.contender.label, font=dict(size=14)),
        xaxis_title="epoch",
        yaxis=dict(autorange="reversed", type="category", dtick=1),
        margin=dict(l=90, r=20, t=40, b=40),
        height=max(240, 90 + 28 * len(rows)),
    )
    return figure


_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"]
_DASHES = ["solid", "dash", "solid", "dot", "dashdot", "longdash"]
