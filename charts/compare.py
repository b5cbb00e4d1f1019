"""Figures of a comparison: overlaid loss curves and each contender's prediction timeline."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import torch

from charts.labels import char_label, step_name, text_label, visible_text
from charts.loss import LossRun, loss_figure
from charts.theme import LIGHT, MONOSPACE, PROBABILITY, SERIES_COLOURS, ChartTheme
from playground.run.compare import Comparison, ContenderRun
from playground.run.history import PREDICTION_SEPARATOR

MAX_TEXT_CELLS = 1500  # beyond this many cells, letters in a heatmap are slow to draw
ROW_PX = 28  # per target step, until the chart would pass `MAX_PLOT_PX`
MAX_PLOT_PX = 900
PLOT_PX = 260  # the plotting width of a timeline in half the Compare page at 1280 px, about
LETTER_PX = 14  # a column narrower than this cannot hold a readable letter


def comparison_loss_figure(comparison: Comparison, theme: ChartTheme = LIGHT) -> go.Figure:
    """One loss curve per contender that trained, and its held-out pairs' loss dotted in its colour;
    a star marks the first epoch that predicted the target."""
    runs = [
        LossRun(
            [record.loss for record in run.trainer.history],
            run.trainer.solved_epoch,
            run.contender.label,
            SERIES_COLOURS[index % len(SERIES_COLOURS)],
            test_losses=[record.test_loss for record in run.trainer.history if record.has_test],
        )  # a contender keeps its colour as others fail; its held-out loss is dotted in that colour
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


def results_table(comparison: Comparison) -> pd.DataFrame:
    """The results table as the page shows it: each typed space in a prediction drawn as ␣,
    as in every chart (the CSV download keeps `Comparison.results_frame` as typed)."""
    frame = comparison.results_frame()
    frame["final prediction"] = [
        PREDICTION_SEPARATOR.join(visible_text(p) for p in run.trainer.history[-1].predictions)
        if run.trainer is not None and run.trainer.history
        else None
        for run in comparison.runs
    ]
    return frame


def prediction_timeline_figure(run: ContenderRun) -> go.Figure:
    """Epochs across, time steps down: colour is p(target character) on the probability scale
    Train uses, the letter is the prediction.

    Long runs keep probabilities only for evenly spaced epochs; those are the columns drawn.
    Letters are written only while a cell is large enough to read one; the rows shrink (and
    their labels thin out) so that many strings of many steps stay one chart of bounded height.
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
            prefix = f"#{item} " if dataset.batch_size > 1 else ""
            labels.append(f"{prefix}{step_name(step)} → {char_label(char)}")
    probabilities = torch.stack([record.probabilities for record in kept])  # (E, B, T, V)
    predicted = probabilities.argmax(dim=-1)  # (E, B, T), as the trainer predicts
    confidence, letters = [], []
    for item, step, target_index in rows:
        confidence.append(probabilities[:, item, step, target_index].tolist())
        letters.append([char_label(dataset.vocab.chars[i]) for i in predicted[:, item, step].tolist()])
    row_px = min(ROW_PX, MAX_PLOT_PX / len(rows))
    column_px = PLOT_PX / len(epochs)
    show_text = row_px >= ROW_PX * 0.75 and column_px >= LETTER_PX and len(rows) * len(epochs) <= MAX_TEXT_CELLS
    every = math.ceil(16 / row_px)  # a 12 px label needs about 16 px of height
    figure.add_heatmap(
        x=epochs,
        y=list(range(len(rows))),
        z=confidence,
        zmin=0,
        zmax=1,
        colorscale=PROBABILITY,
        text=letters,
        customdata=[[label] * len(epochs) for label in labels],
        texttemplate="%{text}" if show_text else None,
        textfont=dict(family=MONOSPACE, size=13),
        hovertemplate="epoch %{x}, %{customdata}<br>predicted %{text}, p(target)=%{z:.3f}<extra></extra>",
        colorbar=dict(title="p(target)", thickness=12),
    )
    shown = list(range(0, len(rows), every))
    figure.update_layout(
        title=dict(text=text_label(run.contender.label), font=dict(size=14)),
        xaxis_title="epoch",
        yaxis=dict(autorange="reversed", tickvals=shown, ticktext=[labels[r] for r in shown]),
        margin=dict(l=90, r=20, t=40, b=40),
        height=max(240, round(90 + row_px * len(rows))),
    )
    return figure
