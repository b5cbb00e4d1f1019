"""Figures of a comparison: overlaid loss curves and each contender's prediction timeline."""

from __future__ import annotations

import plotly.graph_objects as go
import torch

from playground.compare import Comparison, ContenderRun

from .labels import char_label, text_label
from .loss import LossRun, loss_figure
from .theme import LIGHT, SERIES_COLOURS, ChartTheme

MAX_TEXT_CELLS = 1500  # beyond this many cells, letters in a heatmap are unreadable and slow


def comparison_loss_figure(comparison: Comparison, theme: ChartTheme = LIGHT) -> go.Figure:
    """One loss curve per contender that trained; a star marks the first epoch that predicted the target."""
    runs = [
        LossRun(
            [record.loss for record in run.trainer.history],
            run.trainer.solved_epoch,
            run.contender.label,
            SERIES_COLOURS[index % len(SERIES_COLOURS)],
        )  # a contender keeps its colour as others fail
        for index, run in enumerate(comparison.runs)
        if run.trainer is not None and run.trainer.history
    ]
    total = max((run.contender.config.epochs for run in comparison.runs), default=None)
    return loss_figure(
        runs,
        total_epochs=total,
        title="Loss per epoch (★ = first epoch that predicted the target)",
        height=420,
        theme=theme,
    )


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
            labels.append(f"{prefix}t{step + 1} → {char_label(char)}")
    probabilities = torch.stack([record.probabilities for record in kept])  # (E, B, T, V)
    predicted = probabilities.argmax(dim=-1)  # (E, B, T), as the trainer predicts
    confidence, letters = [], []
    for item, step, target_index in rows:
        confidence.append(probabilities[:, item, step, target_index].tolist())
        letters.append([char_label(dataset.vocab.chars[i]) for i in predicted[:, item, step].tolist()])
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
        title=dict(text=text_label(run.contender.label), font=dict(size=14)),
        xaxis_title="epoch",
        yaxis=dict(autorange="reversed", type="category", dtick=1),
        margin=dict(l=90, r=20, t=40, b=40),
        height=max(240, 90 + 28 * len(rows)),
    )
    return figure
