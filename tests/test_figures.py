"""The Train page's figures show exactly the tensors a real Trainer recorded (its loss curve: test_loss.py)."""

import plotly.graph_objects as go
import pytest
import torch

from charts.labels import char_label, label_chars
from charts.loss import LossRun, loss_figure
from charts.theme import DARK, LIGHT
from charts.train.hidden_states import hidden_state_figure
from charts.train.layout import timeline_epochs
from charts.train.onehot import onehot_figure
from charts.train.predictions import predictions_figure
from charts.train.probabilities import probabilities_figure
from playground import RunConfig, Trainer
from playground.lessons.presets import PRESETS


@pytest.fixture(scope="module")
def hello() -> Trainer:
    trainer = Trainer(PRESETS["hello-embedding-2layer"].config)
    trainer.train()
    return trainer


@pytest.fixture(scope="module")
def bilstm() -> Trainer:
    trainer = Trainer(PRESETS["hello-bilstm"].config.with_changes(epochs=4))
    trainer.train()
    return trainer


def test_predictions_timeline_colours_each_character_against_the_target(hello):
    dataset = hello.dataset
    targets = dataset.target_indices[0].tolist()
    figure = predictions_figure(
        hello.history, 0, dataset.vocab.chars, targets, hello.solved_epoch, selected_epoch=2, total_epochs=15
    )
    heatmap = figure.data[0]
    assert len(heatmap.z) == hello.epoch  # 15 epochs fit: one row each
    for record, z_row, text_row in zip(hello.history, heatmap.z, heatmap.text):
        assert "".join(text_row) == record.predictions[0]
        expected = [int(p == t) for p, t in zip(record.predictions[0], dataset.targets[0])]
        assert list(z_row) == expected
    solved_row = hello.solved_epoch - 1
    assert all(heatmap.z[solved_row]) and not all(heatmap.z[solved_row - 1])
    (outline,) = figure.layout.shapes
    assert (outline.y0, outline.y1) == (solved_row - 0.5, solved_row + 0.5)
    assert "solved" in figure.layout.annotations[0].text
    assert figure.layout.yaxis.ticktext[1].startswith("<b>▶ epoch 2")
    assert list(figure.layout.xaxis.ticktext) == list(dataset.targets[0])


def test_timeline_of_a_long_run_keeps_first_last_solved_and_shown_epochs():
    rows = timeline_epochs(2000, 20, solved_epoch=733, selected_epoch=1501)
    assert len(rows) == 20 and rows == sorted(set(rows))
    assert {1, 733, 1501, 2000} <= set(rows)
    assert timeline_epochs(7, 20) == list(range(1, 8))


def test_probabilities_heatmap_is_the_recorded_softmax_with_targets_outlined(hello):
    dataset, epoch = hello.dataset, 4
    probs = hello.history[epoch - 1].probabilities[0]
    targets = dataset.target_indices[0].tolist()
    figure = probabilities_figure(probs, dataset.vocab.chars, dataset.source_chars[0], targets, epoch)
    z = torch.tensor(figure.data[0].z)
    assert z.shape == (len(dataset.vocab), dataset.seq_len)
    torch.testing.assert_close(z, probs.T, atol=1e-6, rtol=0)
    centres = [((s.x0 + s.x1) / 2, (s.y0 + s.y1) / 2) for s in figure.layout.shapes]
    assert centres == [(t, v) for t, v in enumerate(targets)]
    assert list(figure.layout.yaxis.ticktext) == list(dataset.vocab.chars)


def test_hidden_state_figure_has_one_panel_per_layer_direction_and_kind(bilstm):
    dataset = bilstm.dataset
    internals = bilstm.internals(3)
    hidden, cell = internals.hidden[:, :, 0], internals.cell[:, :, 0]
    figure = hidden_state_figure(hidden, dataset.source_chars[0], cell, epoch=3)
    layers, directions = bilstm.config.layers, 2
    assert len(figure.data) == layers * directions * 2
    titles = [a.text for a in figure.layout.annotations]
    assert "layer 1 · backward ←<br>cell c" in titles  # layers count from 0, as in h_n
    panels = iter(figure.data)
    for layer in range(layers):
        for kind, values in (("h", hidden), ("c", cell)):
            for direction in range(directions):
                trace = next(panels)
                assert trace.coloraxis == ("coloraxis" if kind == "h" else "coloraxis2")
                z = torch.tensor(trace.z)
                assert z.shape == (bilstm.config.hidden_size, dataset.seq_len)
                torch.testing.assert_close(z, values[layer, direction].T, atol=1e-6, rtol=0)
    assert figure.layout.coloraxis.cmin == -figure.layout.coloraxis.cmax


def test_hidden_state_figure_of_a_single_layer_rnn(hello):
    trainer = Trainer(
        RunConfig(cell="rnncell", encoding="onehot", head="hidden", hidden_size=4, vocab="ehlo", epochs=2)
    )
    trainer.train()
    internals = trainer.internals(2)
    figure = hidden_state_figure(internals.hidden[:, :, 0], trainer.dataset.source_chars[0])
    (trace,) = figure.data
    assert torch.tensor(trace.z).shape == (4, 5)
    assert "coloraxis2" not in figure.layout.to_plotly_json()


def test_onehot_figure_shows_the_dataset_tensor(hello):
    dataset = hello.dataset
    figure = onehot_figure(dataset.source_onehot[0], dataset.vocab.chars, dataset.source_chars[0])
    z = torch.tensor(figure.data[0].z)
    assert torch.equal(z, dataset.source_onehot[0].T)
    assert z.sum(dim=0).tolist() == [1.0] * dataset.seq_len


def test_typed_html_is_escaped_and_spaces_made_visible():
    assert char_label("<") == "&lt;"
    assert char_label(" ") == "␣"
    trainer = Trainer(RunConfig(sources=("<b>x",), targets=("x<b>",), epochs=1))
    trainer.train()
    dataset = trainer.dataset
    figure = probabilities_figure(
        trainer.history[0].probabilities[0],
        dataset.vocab.chars,
        dataset.source_chars[0],
        dataset.target_indices[0].tolist(),
    )
    labels = " ".join(figure.layout.xaxis.ticktext) + " ".join(figure.layout.yaxis.ticktext)
    assert "<b>x" not in labels and "&lt;" in labels and "&gt;" in labels


def _all_figures(trainer: Trainer, **theme) -> dict[str, go.Figure]:
    dataset, epoch = trainer.dataset, trainer.epoch
    internals = trainer.internals(epoch)
    cell = internals.cell[:, :, 0] if internals.cell is not None else None
    targets = dataset.target_indices[0].tolist()
    return {
        "loss": loss_figure([LossRun([r.loss for r in trainer.history], trainer.solved_epoch)], epoch, **theme),
        "predictions": predictions_figure(
            trainer.history, 0, dataset.vocab.chars, targets, trainer.solved_epoch, epoch, **theme
        ),
        "probabilities": probabilities_figure(
            trainer.history[epoch - 1].probabilities[0],
            dataset.vocab.chars,
            dataset.source_chars[0],
            targets,
            epoch,
            **theme,
        ),
        "hidden": hidden_state_figure(internals.hidden[:, :, 0], dataset.source_chars[0], cell, epoch, **theme),
        "onehot": onehot_figure(dataset.source_onehot[0], dataset.vocab.chars, dataset.source_chars[0], **theme),
    }


def test_figures_carry_their_own_look_so_the_browser_draws_them_once(bilstm):
    """No template (the browser would re-apply it and redraw), every axis fitted to its
    labels without Plotly measuring each one for overflow, and the title styled here."""
    for name, figure in _all_figures(bilstm).items():
        layout = figure.to_plotly_json()["layout"]
        assert "template" not in layout, name
        axes = [key for key in layout if key[1:5] == "axis"]
        assert axes, name
        for key in axes:
            assert layout[key]["automargin"] is True and layout[key]["ticklabeloverflow"] == "allow", (name, key)
        assert layout["title"]["font"]["color"] == LIGHT.heading
        assert all(isinstance(layout["margin"][side], int) for side in "lrtb"), name


def test_datarevision_follows_the_figure_and_nothing_else(hello, bilstm):
    """Plotly skips comparing data arrays when `datarevision` is unchanged, so it must change
    whenever the figure does, and stay put when the same figure is built again."""
    losses = [r.loss for r in hello.history]
    revision = loss_figure([LossRun(losses)], 3).layout.datarevision
    assert loss_figure([LossRun(list(losses))], 3).layout.datarevision == revision
    assert loss_figure([LossRun(losses)], 4).layout.datarevision != revision
    assert loss_figure([LossRun(losses)], 3, log_scale=True).layout.datarevision != revision
    trained = [
        figure
        for trainer in (hello, bilstm)  # the one-hot input is the same for both
        for name, figure in _all_figures(trainer).items()
        if name != "onehot"
    ]
    assert len({figure.layout.datarevision for figure in trained}) == len(trained)


def test_dark_app_theme_gets_dark_paper_and_light_text(hello):
    for name, figure in _all_figures(hello, theme=DARK).items():
        assert figure.layout.paper_bgcolor == DARK.paper != LIGHT.paper, name
        assert figure.layout.font.color == DARK.text != LIGHT.text, name
        assert figure.layout.plot_bgcolor == "white", name  # heatmap colours read the same


def test_label_width_counts_the_characters_shown():
    assert label_chars(["epoch 9", "<b>▶ epoch 10</b>"]) == len("▶ epoch 10")
    assert label_chars(["&lt;<br><sub>t=12</sub>"]) == len("t=12")
    assert label_chars([]) == 1
