"""Typed markup shows as typed in every chart: escaped exactly once for Plotly, raw for Vega-Lite."""

import re
from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go
import pytest
import torch

from charts.compare import comparison_loss_figure, prediction_timeline_figure
from charts.embeddings import drift_animation, encoding_heatmap
from charts.gradient_flow import cells_loss_figure, gradient_flow_figure
from charts.inside import matrix_figure, sequence_heatmaps, terms_figure
from charts.labels import char_label, plain_char, text_label
from charts.loss import LossRun, loss_figure
from charts.train.hidden_states import hidden_state_figure, hidden_states_chart
from charts.train.onehot import onehot_figure
from charts.train.predictions import predictions_figure, timeline_chart
from charts.train.probabilities import probabilities_chart, probabilities_figure
from playground import RunConfig, Trainer
from playground.probes.projection import encoding_drift
from playground.run.compare import Comparison, cell_contenders

TYPED = "<b>&"
# What Plotly itself reads as markup: the tags the builders write, and entities.
OWN_TAGS = re.compile(r"</?(b|br|sub|sup|i|extra)>")
ENTITY = re.compile(r"&(lt|gt|amp|#\d+|#x[0-9a-fA-F]+);")


@pytest.fixture(scope="module")
def trainer() -> Trainer:
    run = Trainer(RunConfig(sources=(TYPED,), targets=("&<b>",), encoding="embedding", epochs=3))
    run.train()
    return run


def strings(value: Any) -> Iterator[str]:
    """Every string inside a figure's JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def assert_escaped_once(figure: go.Figure) -> None:
    """The typed characters are in the figure, and every <, > and & Plotly reads is either
    markup the builder wrote or an entity: none is raw, none is escaped twice."""
    texts = list(strings(figure.to_plotly_json()))
    assert any("&lt;" in text for text in texts) and any("&amp;" in text for text in texts)
    for text in texts:
        assert "&amp;lt;" not in text and "&amp;amp;" not in text, text
        bare = ENTITY.sub("", OWN_TAGS.sub("", text))
        assert not set(bare) & set("<>&"), text


def test_labels_escape_for_plotly_and_stay_plain_for_vega_lite():
    assert [char_label(c) for c in TYPED] == ["&lt;", "b", "&gt;", "&amp;"]
    assert text_label(TYPED) == "&lt;b&gt;&amp;"
    assert text_label('it\'s "x"') == 'it\'s "x"'  # Plotly has no &quot;: quotes stay as typed
    assert [plain_char(c) for c in TYPED] == list(TYPED)
    assert char_label(" ") == plain_char(" ") == "␣"


def test_train_figures_escape_typed_markup_once(trainer):
    data, epoch = trainer.dataset, trainer.epoch
    internals = trainer.internals(epoch)
    targets = data.target_indices[0].tolist()
    for figure in (
        predictions_figure(trainer.history, 0, data.vocab.chars, targets, trainer.solved_epoch, epoch),
        probabilities_figure(trainer.history[-1].probabilities[0], data.vocab.chars, data.source_chars[0], targets),
        hidden_state_figure(internals.hidden[:, :, 0], data.source_chars[0]),
        onehot_figure(data.source_onehot[0], data.vocab.chars, data.source_chars[0]),
    ):
        assert_escaped_once(figure)


def test_named_loss_curves_escape_their_names_once(trainer):
    losses = [r.loss for r in trainer.history]
    figure = loss_figure([LossRun(losses, 2, TYPED), LossRun(losses, None, "plain")])
    assert figure.data[0].name == "&lt;b&gt;&amp;"
    assert_escaped_once(figure)


def test_compare_figures_escape_typed_markup_once(trainer):
    comparison = Comparison(cell_contenders(trainer.config))
    while not comparison.done:
        comparison.step(5)
    assert_escaped_once(prediction_timeline_figure(comparison.runs[1]))
    # The loss curves show contender names, never typed text; they must not gain entities either.
    for text in strings(comparison_loss_figure(comparison).to_plotly_json()):
        assert not set(ENTITY.sub("", OWN_TAGS.sub("", text))) & set("<>&"), text


def test_inside_figures_escape_typed_markup_once(trainer):
    chars = trainer.dataset.source_chars[0]
    assert_escaped_once(sequence_heatmaps({"h": torch.zeros(len(chars), 3)}, chars, 1, f"gates of {TYPED}"))
    assert_escaped_once(terms_figure(["W x", "b"], [torch.zeros(3), torch.ones(3)], f"every term at {TYPED!r}"))
    assert_escaped_once(matrix_figure(torch.zeros(2, 2), f"x of {TYPED}"))


def test_embeddings_and_gradient_flow_figures_escape_typed_markup_once(trainer):
    vocab = trainer.dataset.vocab.chars
    assert_escaped_once(encoding_heatmap(trainer.encoding_matrix(trainer.epoch), vocab, trainer.epoch))
    assert_escaped_once(drift_animation(encoding_drift(trainer), vocab))
    chars = trainer.dataset.source_chars[0]
    assert_escaped_once(gradient_flow_figure({"rnn": torch.ones(len(chars))}, {"rnn": 1}, chars))
    figure = cells_loss_figure({"rnn": [1.0, 0.5]}, {"rnn": None})
    assert not any(set(ENTITY.sub("", OWN_TAGS.sub("", t))) & set("<>&") for t in strings(figure.to_plotly_json()))


def test_vega_lite_rows_carry_typed_characters_raw(trainer):
    data, epoch = trainer.dataset, trainer.epoch
    internals = trainer.internals(epoch)
    targets = data.target_indices[0].tolist()
    timeline, _ = timeline_chart(trainer.history, 0, data.vocab.chars, targets, None, max_rows=16)
    probabilities, spec = probabilities_chart(
        trainer.history[-1].probabilities[0], data.vocab.chars, data.source_chars[0], targets
    )
    hidden, _ = hidden_states_chart(internals.hidden[:, :, 0], data.source_chars[0])
    assert set(timeline["target"]) == set("&<b>")
    assert set(probabilities["char"]) == set(data.vocab.chars) and spec["layer"][0]["encoding"]["y"]["sort"] == list(
        data.vocab.chars
    )
    assert list(dict.fromkeys(hidden.sort_values("order")["step"])) == [f"t={t} {c}" for t, c in enumerate(TYPED)]
    for rows in (timeline, probabilities, hidden):
        text = rows.to_string()
        assert "&lt;" not in text and "&amp;" not in text
