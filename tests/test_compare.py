"""Comparisons: same seed as solo runs, per-contender errors, the results table, the history CSVs."""

import io

import pandas as pd
import pytest

from charts.compare import comparison_loss_figure, prediction_timeline_figure
from charts.plotly_figure import toolbar_config
from playground import PlaygroundError, RunConfig, Trainer
from playground.lessons.presets import PRESETS
from playground.run.budget import train_within
from playground.run.compare import (
    Comparison,
    Contender,
    ContenderRun,
    cell_contenders,
    contenders_for,
    parameter_count,
    parse_hidden_sizes,
    parse_learning_rates,
)
from playground.run.history import epochs_frame, frame_to_csv, probabilities_frame, probability_column
from playground.run.limits import Limits

BASE = PRESETS["hello-gru"].config.with_changes(epochs=12)


def run_to_end(comparison: Comparison) -> Comparison:
    steps = 0
    while not comparison.done:
        comparison.step(5)
        steps += 1
        assert steps < 1000
    return comparison


def test_default_contenders_are_the_four_cores_with_the_same_seed_and_strings():
    contenders = cell_contenders(BASE)
    assert [c.config.cell for c in contenders] == ["rnncell", "rnn", "lstm", "gru"]
    assert {(c.config.seed, c.config.sources, c.config.targets) for c in contenders} == {
        (BASE.seed, BASE.sources, BASE.targets)
    }


def test_each_contender_matches_a_solo_run_of_its_config():
    comparison = run_to_end(Comparison(cell_contenders(BASE)))
    table = comparison.results_frame()
    for run, row in zip(comparison.runs, table.itertuples(index=False)):
        solo = Trainer(run.contender.config)
        solo.train()
        assert [r.loss for r in run.trainer.history] == [r.loss for r in solo.history]
        assert row.contender == run.contender.label
        assert row.epochs == BASE.epochs
        assert row._2 == solo.history[-1].loss  # "final loss"
        first = row._1  # "first correct epoch"
        assert (None if pd.isna(first) else first) == solo.solved_epoch
        assert row.parameters == sum(p.numel() for p in solo.model.parameters())
        assert row.status == "done"


def test_results_table_columns_and_rates():
    table = run_to_end(Comparison(cell_contenders(BASE))).results_frame()
    assert list(table.columns) == [
        "contender",
        "first correct epoch",
        "final loss",
        "final prediction",
        "parameters",
        "epochs",
        "training time (s)",
        "epochs/s",
        "status",
    ]
    assert ((table["epochs/s"] - table["epochs"] / table["training time (s)"]).abs() < 1e-9).all()
    round_tripped = pd.read_csv(io.BytesIO(frame_to_csv(table)), encoding="utf-8-sig")
    assert list(round_tripped["contender"]) == list(table["contender"])


def test_invalid_contender_shows_its_error_and_the_others_still_train():
    base = BASE.with_changes(bidirectional=True)
    comparison = run_to_end(Comparison(cell_contenders(base)))
    rnncell = comparison.runs[0]
    assert rnncell.trainer is None and "forward in time only" in rnncell.error
    assert all(run.trainer.epoch == base.epochs for run in comparison.runs[1:])
    table = comparison.results_frame()
    assert table.loc[0, "epochs"] == 0 and "forward in time only" in table.loc[0, "status"]


def test_hidden_as_logits_only_valid_for_vocabulary_sized_hidden_state():
    base = PRESETS["hello-rnn"].config  # hidden-as-logits, vocabulary of 4
    comparison = Comparison(contenders_for("hidden_sizes", base, "4, 8"))
    assert comparison.runs[0].trainer is not None
    assert "hidden size must equal the vocabulary size (4)" in comparison.runs[1].error
    linear = Comparison(contenders_for("hidden_sizes", base.with_changes(head="linear"), "4, 8"))
    assert all(run.trainer is not None for run in linear.runs)
    assert parameter_count(linear.runs[1].trainer) > parameter_count(linear.runs[0].trainer)


def test_contender_kinds_change_only_their_setting():
    encodings = contenders_for("encodings", BASE)
    assert [c.config.encoding for c in encodings] == ["onehot", "embedding", "linear"]
    rates = contenders_for("learning_rates", BASE, "0.01; 0.1, 0.1")
    assert [c.config.lr for c in rates] == [0.01, 0.1]
    assert all(c.config.with_changes(lr=BASE.lr) == BASE for c in rates)


@pytest.mark.parametrize("text", ["", "four", "1, 2, 3, 4, 5, 6, 7"])
def test_bad_value_lists_are_playground_errors(text):
    with pytest.raises(PlaygroundError):
        parse_hidden_sizes(text)
    assert parse_learning_rates("0.5") == [0.5]


def test_diverging_contender_keeps_its_history_and_message():
    base = RunConfig(
        optimizer="sgd",
        lr=10.0,
        momentum=0.99,
        epochs=200,
        hidden_size=32,
        nonlinearity="relu",
        encoding="onehot",
        cell="rnn",
        loss_reduction="sum",
    )
    comparison = run_to_end(Comparison(contenders_for("learning_rates", base, "10, 0.01")))
    diverged, calm = comparison.runs
    assert "loss became" in diverged.error and 0 < diverged.trainer.epoch < base.epochs
    assert comparison.results_frame().loc[0, "epochs"] == diverged.trainer.epoch
    assert calm.error is None and calm.trainer.epoch == base.epochs


def test_figures_have_one_curve_per_trained_contender_and_a_timeline_cell_per_step_and_epoch():
    comparison = run_to_end(Comparison(cell_contenders(BASE.with_changes(bidirectional=True))))
    figure = comparison_loss_figure(comparison)
    lines = [trace for trace in figure.data if trace.mode == "lines"]
    assert [trace.name for trace in lines] == [run.contender.label for run in comparison.runs[1:]]
    run = comparison.runs[2]
    timeline = prediction_timeline_figure(run)
    heatmap = timeline.data[0]
    assert len(heatmap.z) == len(BASE.targets[0]) and len(heatmap.z[0]) == BASE.epochs
    record = run.trainer.history[-1]
    target_index = run.trainer.dataset.target_indices[0, 0]
    assert heatmap.z[0][-1] == pytest.approx(float(record.probabilities[0, 0, target_index]))
    assert "".join(row[-1] for row in heatmap.text) == record.predictions[0]
    assert toolbar_config("x")["displayModeBar"] is True
    assert toolbar_config("x")["toImageButtonOptions"]["format"] == "png"
    narrow = toolbar_config("x", always_shown=False)
    assert narrow["displayModeBar"] == "hover" and narrow["toImageButtonOptions"]["filename"] == "x"


def test_history_frames_match_the_trainer():
    trainer = Trainer(PRESETS["batch-of-three"].config.with_changes(epochs=4))
    trainer.train()
    epochs = epochs_frame(trainer)
    assert list(epochs["loss"]) == [r.loss for r in trainer.history]
    assert list(epochs["prediction"]) == [" | ".join(r.predictions) for r in trainer.history]
    steps = probabilities_frame(trainer)
    assert len(steps) == 4 * trainer.dataset.batch_size * trainer.dataset.seq_len
    row = steps[(steps.epoch == 3) & (steps.string == 1) & (steps.step == 3)].iloc[0]  # strings, steps from 0
    record = trainer.history[2]
    for index, char in enumerate(trainer.dataset.vocab.chars):
        assert row[probability_column(char)] == pytest.approx(float(record.probabilities[1, 3, index]))
    assert row["predicted"] == record.predictions[1][3]
    parsed = pd.read_csv(io.BytesIO(frame_to_csv(steps)), encoding="utf-8-sig")
    assert list(parsed.columns) == list(steps.columns)
    assert parsed["loss"].tolist() == pytest.approx(steps["loss"].tolist(), abs=1e-12)


def test_thinned_long_runs_show_only_the_epochs_whose_probabilities_were_kept():
    trainer = Trainer(PRESETS["hello-gru"].config.with_changes(epochs=40), limits=Limits(max_recorded_epochs=5))
    trainer.train()
    kept = [r.epoch for r in trainer.history if r.probabilities is not None]
    assert 0 < len(kept) < trainer.epoch  # the trainer did thin this run
    steps = probabilities_frame(trainer)
    assert sorted(set(steps["epoch"])) == kept
    assert len(epochs_frame(trainer)) == trainer.epoch  # losses and predictions are never thinned
    run = ContenderRun(Contender("gru", trainer.config), trainer)
    heatmap = prediction_timeline_figure(run).data[0]
    assert list(heatmap.x) == kept


def test_training_in_cpu_second_slices_gives_the_same_runs_as_whole_epochs():
    sliced = Comparison(cell_contenders(BASE.with_changes(epochs=60)))
    slices = 0
    while not sliced.done:
        train_within(sliced, max_seconds=0.001)
        slices += 1
        assert slices < 10_000
    stepped = run_to_end(Comparison(cell_contenders(BASE.with_changes(epochs=60))))
    for run, reference in zip(sliced.runs, stepped.runs):
        assert [r.loss for r in run.trainer.history] == [r.loss for r in reference.trainer.history]
    assert sliced.epoch == sliced.epochs == 60


def test_a_slice_trains_round_robin_and_stops_after_its_cpu_seconds():
    comparison = Comparison(cell_contenders(BASE.with_changes(epochs=2000)))
    train_within(comparison, max_seconds=0.02)
    epochs = [run.trainer.epoch for run in comparison.runs]
    assert 0 < comparison.epoch < comparison.epochs and not comparison.done
    assert max(epochs) - min(epochs) <= 1  # one epoch each per round keeps them level
    assert set(comparison.trainers) == {run.contender.label for run in comparison.runs}


def test_a_slice_finishes_a_comparison_whose_rest_fits_in_finish_within():
    comparison = Comparison(cell_contenders(BASE.with_changes(epochs=30)))
    train_within(comparison, max_seconds=0.0, finish_within=60.0)
    assert comparison.done and comparison.epoch == 30


def test_a_slice_trains_at_most_max_epochs_rounds():
    comparison = Comparison(cell_contenders(BASE.with_changes(epochs=60)))
    train_within(comparison, max_epochs=7, max_seconds=60.0)
    assert [run.trainer.epoch for run in comparison.runs] == [7, 7, 7, 7]
