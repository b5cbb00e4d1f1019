"""The one loss curve: one run as the Train and Share pages draw it, several as Compare and
Gradient flow do."""

import pytest

from charts.gradient_flow import cells_loss_figure
from charts.loss import BATCH_POINTS, BATCH_SERIES, MEAN_SERIES, LossRun, batch_points, loss_figure
from playground import Trainer
from playground.lessons.presets import PRESETS
from playground.nn.cells import CELLS


@pytest.fixture(scope="module")
def hello() -> Trainer:
    trainer = Trainer(PRESETS["hello-embedding-2layer"].config)
    trainer.train()
    return trainer


@pytest.fixture(scope="module")
def runs() -> list[LossRun]:
    """Three named runs of different lengths, two of them solved."""
    trained = []
    for name, preset, epochs in (("GRU", "hello-gru", 12), ("LSTM", "hello-bilstm", 15), ("RNN", "hello-rnn", 5)):
        trainer = Trainer(PRESETS[preset].config.with_changes(epochs=epochs))
        trainer.train()
        trained.append(LossRun([r.loss for r in trainer.history], trainer.solved_epoch, name))
    return trained


def test_loss_figure_plots_every_recorded_loss_and_marks_epochs(hello):
    losses = [r.loss for r in hello.history]
    figure = loss_figure([LossRun(losses, hello.solved_epoch)], selected_epoch=3, total_epochs=15)
    curve, marker = figure.data
    assert list(curve.x) == list(range(1, len(losses) + 1))
    assert list(curve.y) == losses
    assert (marker.x[0], marker.y[0]) == (3, losses[2])
    solved_lines = [s for s in figure.layout.shapes if s.type == "line"]
    assert [s.x0 for s in solved_lines] == [hello.solved_epoch]
    assert figure.layout.xaxis.range == (0.5, 15.5)
    early = loss_figure([LossRun(losses[:4])], total_epochs=2000)  # a long run is readable from the start
    assert early.layout.xaxis.range == (0.5, 10.5)
    assert figure.layout.yaxis.type == "linear"
    assert loss_figure([LossRun(losses)], log_scale=True).layout.yaxis.type == "log"


def test_a_plain_run_has_no_marks_and_no_legend(hello):
    losses = [r.loss for r in hello.history]
    figure = loss_figure([LossRun(losses)], title="Loss per epoch", height=260)
    (curve,) = figure.data
    assert list(curve.y) == losses
    assert not figure.layout.shapes and not figure.layout.annotations
    assert figure.layout.showlegend is False
    assert figure.layout.title.text == "Loss per epoch" and figure.layout.height == 260


def test_several_runs_get_a_named_curve_each_and_a_star_at_each_solving_epoch(runs):
    figure = loss_figure(runs)
    curves = [trace for trace in figure.data if trace.mode == "lines"]
    assert [trace.name for trace in curves] == [run.name for run in runs]
    for curve, run in zip(curves, runs):
        assert list(curve.y) == list(run.losses) and list(curve.x) == list(range(1, len(run.losses) + 1))
    assert len({curve.line.color for curve in curves}) == len(runs)
    stars = [trace for trace in figure.data if trace.mode == "markers" and trace.marker.symbol == "star"]
    solved = [run for run in runs if run.solved_epoch is not None]
    assert solved, "the fixture should hold solved runs"
    assert [(star.legendgroup, star.x[0], star.y[0]) for star in stars] == [
        (run.name, run.solved_epoch, run.losses[run.solved_epoch - 1]) for run in solved
    ]
    assert not figure.layout.shapes  # no dashed line per run across the chart
    assert figure.layout.showlegend is True
    assert figure.layout.xaxis.range[1] >= max(len(run.losses) for run in runs)


def test_several_runs_circle_the_shown_epoch_on_every_curve_long_enough(runs):
    figure = loss_figure(runs, selected_epoch=8)
    shown = [trace for trace in figure.data if trace.hovertemplate and trace.hovertemplate.startswith("shown")]
    assert [trace.legendgroup for trace in shown] == [run.name for run in runs if len(run.losses) >= 8]


def test_several_runs_on_a_log_scale(runs):
    figure = loss_figure(runs, log_scale=True)
    assert figure.layout.yaxis.type == "log" and "log" in figure.layout.yaxis.title.text


def test_gradient_flow_losses_are_one_log_curve_per_cell_in_its_colour(runs):
    losses = {"rnn": list(runs[2].losses), "lstm": list(runs[1].losses)}
    figure = cells_loss_figure(losses, {"rnn": None, "lstm": runs[1].solved_epoch})
    curves = [trace for trace in figure.data if trace.mode == "lines"]
    assert [trace.name for trace in curves] == ["RNN", "LSTM"]
    assert [trace.line.color for trace in curves] == [CELLS["rnn"].colour, CELLS["lstm"].colour]
    assert [list(trace.y) for trace in curves] == list(losses.values())
    assert figure.layout.yaxis.type == "log"


def test_a_ghost_run_is_a_faint_line_under_the_run_without_making_it_a_comparison(hello, runs):
    losses = [r.loss for r in hello.history]
    previous = runs[0]
    figure = loss_figure([LossRun(losses, hello.solved_epoch), LossRun(previous.losses, ghost=True)], 3)
    ghost, curve = figure.data[:2]
    assert list(ghost.y) == list(previous.losses) and ghost.showlegend is False
    assert ghost.line.color != curve.line.color and ghost.mode == "lines"
    assert list(curve.y) == losses and curve.mode == "lines+markers"  # still drawn as the one run
    assert figure.layout.showlegend is False
    assert [s.x0 for s in figure.layout.shapes] == [hello.solved_epoch]


def test_a_run_in_mini_batches_draws_each_batch_at_its_fraction_of_the_epoch():
    run = LossRun([2.0, 1.0], batch_losses=[(3.0, 2.0, 1.0), (1.5, 1.0, 0.5)])
    figure = loss_figure([run], total_epochs=2)
    batches, mean = figure.data
    assert (batches.name, mean.name) == (BATCH_SERIES, MEAN_SERIES) and batches.mode == "lines"
    assert list(batches.x) == pytest.approx([1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2])  # each epoch's last batch at e
    assert list(batches.y) == [3.0, 2.0, 1.0, 1.5, 1.0, 0.5] and list(mean.x) == [1, 2]
    assert figure.layout.showlegend is True and figure.layout.xaxis.range[0] == 0  # epoch 1's batches show


def test_a_run_of_one_batch_an_epoch_draws_what_it_always_did(hello):
    losses = [r.loss for r in hello.history]
    assert all(len(r.batch_losses) <= 1 for r in hello.history)
    with_batches = LossRun(losses, hello.solved_epoch, batch_losses=[r.batch_losses for r in hello.history])
    before = loss_figure([LossRun(losses, hello.solved_epoch)], selected_epoch=3, total_epochs=15)
    assert loss_figure([with_batches], selected_epoch=3, total_epochs=15) == before
    assert batch_points([r.batch_losses for r in hello.history]) == ([], [])


def test_many_batches_are_thinned_evenly_to_at_most_batch_points():
    batch_losses = [tuple(float(epoch * 100 + batch) for batch in range(100)) for epoch in range(30)]
    x, y = batch_points(batch_losses)
    assert len(x) <= BATCH_POINTS and y[0] == 0.0
    steps = {round(b - a, 9) for a, b in zip(x, x[1:])}
    assert len(steps) == 1  # evenly
