"""The What if? figures draw the engine's numbers, and typed characters as themselves."""

import torch

from charts.what_if import importance_figure, probability_comparison, state_comparison, trajectory_animation


def test_state_comparison_shows_both_runs_and_their_difference():
    original, changed = torch.rand(4, 3), torch.rand(4, 3)
    figure = state_comparison(original, changed, "a<b ", "a<c ", "h of '<b>'", step=2)
    heatmaps = [trace for trace in figure.data if trace.type == "heatmap"]
    assert len(heatmaps) == 3
    assert [list(row) for row in heatmaps[2].z] == (changed - original).T.tolist()
    assert heatmaps[0].customdata[0][1] == "1:&lt;" and heatmaps[0].customdata[0][3] == "3:␣"  # hover
    assert figure.layout.xaxis.ticktext[1].startswith("&lt;") and figure.layout.xaxis3.ticktext[2].startswith("c")
    assert "&lt;b&gt;" in figure.layout.title.text
    assert heatmaps[0].zmin == heatmaps[1].zmin  # one colour range for both runs


def test_probability_comparison_boxes_the_steps_whose_prediction_changed():
    original = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    changed = torch.tensor([[0.9, 0.1], [0.7, 0.3], [0.6, 0.4]])
    figure = probability_comparison(original, changed, ("x", "y"), "abc", "abc", "p")
    boxes = [shape for shape in figure.layout.shapes]
    assert [(box.x0 + box.x1) / 2 for box in boxes] == [1]


def test_importance_and_trajectory_figures():
    change = torch.tensor([0.5, 0.0, 0.1])
    bars = importance_figure(change, torch.tensor([2, 0, 0]), "units")
    assert list(bars.data[0].y) == change.tolist()
    points = torch.rand(3, 2, 4, 2)
    figure = trajectory_animation((1, 5, 9), points, (tuple("abcd"), tuple("ef<h")), (0.6, 0.3), 5)
    assert len(figure.frames) == 3 and len(figure.data) == 2
    assert list(figure.data[0].x) == points[1, 0, :, 0].tolist()  # starts at the chosen epoch
    assert figure.data[1].name == "ef&lt;h"
