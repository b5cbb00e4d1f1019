"""The live Vega-Lite charts: rows equal the recorded numbers, and the spec stays fixed while
training goes on (a changed spec would make the browser rebuild, i.e. blink, the chart)."""

import pytest
import torch

from charts.loss import BATCH_SERIES, MEAN_SERIES, TEST_SERIES, loss_chart
from charts.train.hidden_states import hidden_states_chart
from charts.train.predictions import timeline_chart
from charts.train.probabilities import probabilities_chart
from playground import Trainer
from playground.lessons.presets import PRESETS


@pytest.fixture(scope="module")
def trainer():
    run = Trainer(PRESETS["hello-bilstm"].config)
    run.train()
    return run


def test_loss_rows_are_the_recorded_losses_and_the_spec_is_fixed(trainer):
    losses = [r.loss for r in trainer.history]
    rows, spec = loss_chart(losses, trainer.solved_epoch, log_scale=False)
    assert rows["loss"].tolist() == losses and rows["epoch"].tolist() == list(range(1, 16))
    assert rows.loc[rows["solved"], "epoch"].tolist() == [trainer.solved_epoch]
    assert loss_chart(losses[:3], None, log_scale=False)[1] == spec
    assert loss_chart(losses, trainer.solved_epoch, log_scale=True)[1] != spec


def test_a_run_in_mini_batches_adds_each_batch_behind_its_epoch_means():
    batch_losses = [(3.0, 2.0), (2.0, 1.0)]
    rows, spec = loss_chart([2.5, 1.5], None, log_scale=False, batch_losses=batch_losses)
    points = rows[rows["series"] == BATCH_SERIES]
    assert points["epoch"].tolist() == [0.5, 1.0, 1.5, 2.0] and points["loss"].tolist() == [3.0, 2.0, 2.0, 1.0]
    assert rows.loc[rows["series"] == MEAN_SERIES, "loss"].tolist() == [2.5, 1.5]
    assert not points[["solved", "shown", "best", "ghost", "marked"]].any().any()
    assert spec["layer"][2]["mark"]["type"] == "line" and spec["layer"][2]["encoding"]["color"]["legend"]
    assert loss_chart([], None, log_scale=False, batch_losses=[])[1] == spec  # one spec from the start
    assert TEST_SERIES not in spec["layer"][2]["encoding"]["color"]["scale"]["domain"]  # none: no legend entry


def test_a_run_of_one_batch_has_the_chart_it_always_had(trainer):
    losses = [r.loss for r in trainer.history]
    assert not trainer.minibatches
    rows, spec = loss_chart(losses, trainer.solved_epoch, log_scale=False, batch_losses=None)
    before_rows, before_spec = loss_chart(losses, trainer.solved_epoch, log_scale=False)
    assert spec == before_spec and rows.equals(before_rows) and BATCH_SERIES not in str(spec)


def test_timeline_rows_mark_each_character_right_or_wrong(trainer):
    vocab, targets = trainer.dataset.vocab.chars, trainer.dataset.target_indices[0].tolist()
    rows, spec = timeline_chart(trainer.history, 0, vocab, targets, trainer.solved_epoch, max_rows=16)
    for epoch in (1, trainer.solved_epoch, 15):
        row = rows[rows["order"] == epoch].sort_values("step")
        predicted = trainer.history[epoch - 1].predictions[0]
        assert "".join(row["char"]) == predicted
        assert row["right"].tolist() == [c == vocab[t] for c, t in zip(predicted, targets)]
    assert timeline_chart(trainer.history[:2], 0, vocab, targets, None, max_rows=16)[1] == spec


def test_heatmap_rows_hold_the_recorded_probabilities_and_states(trainer):
    data, epoch = trainer.dataset, trainer.epoch
    probabilities = trainer.history[epoch - 1].probabilities[0]
    rows, spec = probabilities_chart(
        probabilities, data.vocab.chars, data.source_chars[0], data.target_indices[0].tolist()
    )
    assert len(rows) == 5 * 4 and rows["p"].tolist() == probabilities.flatten().tolist()
    assert rows[rows["target"]]["char"].tolist() == [data.vocab.chars[t] for t in data.target_indices[0]]
    inside = trainer.internals(epoch)
    rows, spec = hidden_states_chart(inside.hidden[:, :, 0], data.source_chars[0], inside.cell[:, :, 0])
    assert rows["panel"].nunique() == 2 * 2 * 2  # layers × directions × (h, c)
    # layers count from 0, as in h_n
    first = rows[rows["panel"] == "layer 0 · backward ← · c"].sort_values(["order", "unit"])
    assert torch.equal(torch.tensor(first["value"].tolist()), inside.cell[0, 1, 0].flatten())
    earlier = trainer.internals(1)
    assert hidden_states_chart(earlier.hidden[:, :, 0], data.source_chars[0], earlier.cell[:, :, 0])[1] == spec
