"""Right from wrong without colour: every wrong prediction carries a mark in both renderers of
the predictions timeline, and the right/wrong colours stay apart for red-green colour blindness
and keep their white letters readable."""

import pytest

from charts.theme import RIGHT_COLOUR, WRONG_COLOUR
from charts.train.layout import WRONG_MARK
from charts.train.predictions import predictions_figure, timeline_chart
from playground import Trainer
from playground.lessons.presets import PRESETS

# Machado, Oliveira and Fernandes (2009), deuteranopia at full severity, on linear RGB.
DEUTERANOPIA = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881))


@pytest.fixture(scope="module")
def trainer() -> Trainer:
    trainer = Trainer(PRESETS["hello-embedding-2layer"].config.with_changes(epochs=6))
    trainer.train()
    return trainer


def linear_rgb(colour: str) -> list[float]:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def luminance(rgb: list[float]) -> float:
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(linear_rgb(colour)) + 0.05)


def test_every_wrong_cell_and_no_right_cell_carries_the_mark(trainer):
    dataset = trainer.dataset
    figure = predictions_figure(trainer.history, 0, dataset.vocab.chars, dataset.target_indices[0].tolist())
    heatmap, marks = figure.data[0], figure.data[1]
    wrong = {(t, row) for row, cells in enumerate(heatmap.z) for t, right in enumerate(cells) if not right}
    assert wrong, "an untrained-enough run has wrong cells to mark"
    marked = {(round(x), round(y)) for x, y in zip(marks.x, marks.y)}
    assert marked == wrong and set(marks.text) == {WRONG_MARK}


def test_the_live_chart_marks_the_same_cells(trainer):
    dataset = trainer.dataset
    rows, spec = timeline_chart(trainer.history, 0, dataset.vocab.chars, dataset.target_indices[0].tolist(), None, 20)
    (mark_layer,) = [layer for layer in spec["layer"] if layer["mark"].get("text") == WRONG_MARK]
    assert mark_layer["transform"] == [{"filter": "!datum.right"}]
    assert (~rows["right"]).any() and rows["right"].dtype == bool


def test_right_and_wrong_stay_apart_under_deuteranopia_and_carry_white_text():
    assert contrast_with_white(RIGHT_COLOUR) >= 4.5 and contrast_with_white(WRONG_COLOUR) >= 4.5
    seen = [
        [sum(m * c for m, c in zip(row, linear_rgb(colour))) for row in DEUTERANOPIA]
        for colour in (RIGHT_COLOUR, WRONG_COLOUR)
    ]
    # The old pair (#2e9e5b/#d9534f) differed by at most 0.044 in any simulated channel.
    assert max(abs(a - b) for a, b in zip(*seen)) > 0.1
