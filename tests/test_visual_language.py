"""One visual language: the same value is the same colour on every page and in both renderers,
steps and layers are named alike everywhere, step labels never collide, and charts stay a
bounded size from the smallest to the largest settings the caps allow."""

import math

import pytest
import torch

from charts.clipping import gradient_norm_figure
from charts.compare import prediction_timeline_figure
from charts.inside import matrix_figure, sequence_heatmaps, terms_figure
from charts.labels import layer_name, step_labels, step_stride
from charts.loss import LIVE_LOSS_POINTS, LossRun, loss_chart, loss_figure
from charts.plotly_figure import ROW_LABEL_PX, ROWS_PX, STEP_TICK_PX, step_axis
from charts.theme import DIVERGING, PROBABILITY, vega_diverging_scale, vega_probability_scale
from charts.train.hidden_states import hidden_state_figure, hidden_states_chart
from charts.train.layout import MARKERS_UP_TO
from charts.train.predictions import predictions_figure, timeline_chart
from charts.train.probabilities import probabilities_chart, probabilities_figure
from charts.what_if import probability_comparison, state_comparison
from playground import RunConfig, Trainer
from playground.run.compare import Contender, ContenderRun
from playground.run.limits import LIMITS


def _rgb(hex_colour: str) -> tuple[float, ...]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _interpolate(stops: list[tuple[float, str]], position: float) -> tuple[float, ...]:
    """The colour at ``position`` of piecewise-linear RGB stops, as Plotly and Vega (interpolate: rgb) draw it."""
    position = min(max(position, stops[0][0]), stops[-1][0])
    for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
        if p0 <= position <= p1:
            share = (position - p0) / (p1 - p0)
            return tuple(a + (b - a) * share for a, b in zip(_rgb(c0), _rgb(c1)))
    raise AssertionError("position outside the stops")


def plotly_colour(scale, low: float, high: float, value: float) -> tuple[float, ...]:
    stops = [(float(p), c) for p, c in scale]
    return _interpolate(stops, (value - low) / (high - low))


def vega_colour(scale: dict, value: float) -> tuple[float, ...]:
    assert scale["interpolate"] == "rgb"
    return _interpolate(list(zip(scale["domain"], scale["range"])), value)


def close(a, b) -> bool:
    return all(abs(x - y) < 1.0 for x, y in zip(a, b))


@pytest.fixture(scope="module")
def lstm() -> Trainer:
    trainer = Trainer(RunConfig(sources=("hello world",), targets=("ello world!",), cell="lstm", layers=2, epochs=3))
    trainer.train()
    return trainer


@pytest.mark.parametrize("value", [-0.894, -0.3, 0.0, 0.5, 0.99])
def test_a_value_is_the_same_colour_on_train_inside_and_live(lstm, value):
    internals = lstm.internals(3)
    hidden = internals.hidden[:, :, 0]
    train = hidden_state_figure(hidden, lstm.dataset.source_chars[0]).layout.coloraxis
    assert (train.cmin, train.cmax) == (-1, 1)  # tanh states: ±1 whatever the epoch
    colours = [plotly_colour(train.colorscale, train.cmin, train.cmax, value)]

    inside = sequence_heatmaps({"h": hidden[0, 0]}, lstm.dataset.source_chars[0]).data[0]
    colours.append(plotly_colour(inside.colorscale, inside.zmin, inside.zmax, value))
    for figure in (
        matrix_figure(hidden[0, 0, 0], "h_{t-1}"),
        terms_figure(["h"], [hidden[0, 0, 0]], "terms"),
    ):
        heatmap = figure.data[0]
        colours.append(plotly_colour(heatmap.colorscale, heatmap.zmin, heatmap.zmax, value))
    _, spec = hidden_states_chart(hidden, lstm.dataset.source_chars[0])
    colours.append(vega_colour(spec["vconcat"][0]["hconcat"][0]["encoding"]["color"]["scale"], value))
    assert all(close(colour, colours[0]) for colour in colours), colours
    below, above = plotly_colour(DIVERGING, -1, 1, -0.9), plotly_colour(DIVERGING, -1, 1, 0.9)
    assert below[2] > below[0] and above[0] > above[2]  # blue below zero, red above


def test_probabilities_share_one_scale_on_train_compare_and_live(lstm):
    record = lstm.history[-1]
    dataset = lstm.dataset
    targets = dataset.target_indices[0].tolist()
    train = probabilities_figure(record.probabilities[0], dataset.vocab.chars, dataset.source_chars[0], targets)
    compare = prediction_timeline_figure(ContenderRun(Contender("lstm", lstm.config), lstm))
    _, live = probabilities_chart(record.probabilities[0], dataset.vocab.chars, dataset.source_chars[0], targets)
    for p in (0.1, 0.5, 0.93):
        expected = plotly_colour(PROBABILITY, 0, 1, p)
        for heatmap in (train.data[0], compare.data[0]):
            assert close(plotly_colour(heatmap.colorscale, heatmap.zmin, heatmap.zmax, p), expected)
        assert close(vega_colour(live["layer"][0]["encoding"]["color"]["scale"], p), expected)
    assert vega_probability_scale()["range"][-1] == PROBABILITY[-1][1]
    assert vega_diverging_scale(2.0)["domain"][0] == -2.0


def test_layers_steps_and_directions_are_named_alike_everywhere(lstm):
    dataset, internals = lstm.dataset, lstm.internals(3)
    figure = hidden_state_figure(internals.hidden[:, :, 0], dataset.source_chars[0], internals.cell[:, :, 0])
    assert figure.layout.annotations[0].text.startswith(f"{layer_name(0)}<br>")
    rows, _ = hidden_states_chart(internals.hidden[:, :, 0], dataset.source_chars[0], internals.cell[:, :, 0])
    assert set(rows["panel"]) == {f"{layer_name(layer)} · {kind}" for layer in (0, 1) for kind in "hc"}
    assert rows["step"].iloc[0].startswith("t=0 ")
    compare = prediction_timeline_figure(ContenderRun(Contender("lstm", lstm.config), lstm))
    assert compare.layout.yaxis.ticktext[0].startswith("t=0 ")
    assert layer_name(1, 1, 2) == "layer 1 · backward ←"


def test_live_and_finished_views_share_titles_and_headers(lstm):
    dataset = lstm.dataset
    targets = dataset.target_indices[0].tolist()
    finished = predictions_figure(lstm.history, 0, dataset.vocab.chars, targets)
    _, live = timeline_chart(lstm.history, 0, dataset.vocab.chars, targets, None, max_rows=16)
    assert live["title"]["text"] == finished.layout.title.text
    header = live["layer"][0]["encoding"]["x"]["axis"]["labelExpr"]
    for char in dataset.target_chars[0]:
        assert (char if char != " " else "␣") in header
    assert live["layer"][0]["encoding"]["x"]["title"] == finished.layout.xaxis.title.text == "target"
    probabilities = probabilities_figure(lstm.history[-1].probabilities[0], dataset.vocab.chars, "hello world", targets)
    _, live = probabilities_chart(lstm.history[-1].probabilities[0], dataset.vocab.chars, "hello world", targets)
    assert probabilities.layout.title.text == live["title"]["text"]


@pytest.mark.parametrize("steps", [1, 5, 11, 20, 64])
@pytest.mark.parametrize("plot_px", [150, 330, 1000])
def test_step_labels_stay_horizontal_and_never_overlap(steps, plot_px):
    chars = list("hello world!" * 6)[:steps]
    axis = step_axis(chars, plot_px)
    assert axis["tickangle"] == 0
    numbered = [label for label in axis["ticktext"] if "t=" in label]
    assert numbered and len(numbered) * STEP_TICK_PX <= plot_px + STEP_TICK_PX  # the first always fits
    assert axis["ticktext"][0].endswith("<sub>t=0</sub>")
    assert step_stride(11, 330, STEP_TICK_PX) == 1 and step_labels(["a", "b"], 2)[1] == "b<br><sub></sub>"


def test_charts_stay_bounded_at_the_largest_settings():
    layers, units, steps = LIMITS.max_layers, LIMITS.max_hidden_size, LIMITS.max_string_length
    hidden = torch.rand(layers, 2, steps, units) * 2 - 1
    figure = hidden_state_figure(hidden, ["a"] * steps, hidden * 3)
    assert figure.layout.height <= 1000
    smallest = hidden_state_figure(torch.rand(1, 1, 1, 1), ["a"])
    assert smallest.layout.height >= 200  # one layer of one unit: room for its colour bar
    _, live = hidden_states_chart(hidden[:2, :, :8, :128], ["a"] * 8, hidden[:2, :, :8, :128])
    panel = live["vconcat"][0]["hconcat"][0]
    assert panel["height"] * 2 <= 1000
    vocab = [chr(0x100 + k) for k in range(LIMITS.max_vocabulary)]
    probabilities = torch.softmax(torch.rand(steps, len(vocab)), dim=-1)
    figure = probabilities_figure(probabilities, vocab, ["a"] * steps, [0] * steps)
    assert figure.layout.height <= 900
    assert len(figure.layout.yaxis.tickvals) * 16 <= 720 + 16  # vocabulary labels thinned, never stacked
    # Inside the cell and What if? at the same extremes: rows get thinner, labels fewer, the chart stays a chart.
    state = hidden[0, 0]
    for tall in (
        terms_figure(["a", "b", "c", "d"], [state[0]] * 4, "terms"),
        matrix_figure(torch.rand(4 * units, units), "W_hh"),
        sequence_heatmaps({name: state for name in "ifgoch"}, ["a"] * steps),
        state_comparison(state, state, ["a"] * steps, ["a"] * steps, "h"),
        probability_comparison(probabilities, probabilities, vocab, ["a"] * steps, ["a"] * steps, "p"),
    ):
        assert tall.layout.height <= 1000
        assert len(tall.layout.yaxis.tickvals) * ROW_LABEL_PX <= ROWS_PX + ROW_LABEL_PX


def test_compare_writes_letters_only_where_they_are_readable():
    small = Trainer(RunConfig(sources=("hello",), targets=("ohlol",), epochs=5))
    small.train()
    figure = prediction_timeline_figure(ContenderRun(Contender("small", small.config), small))
    assert figure.data[0].texttemplate == "%{text}"
    sources = tuple("abcdefghijklmnop"[k:] + "abcdefghijklmnop"[:k] for k in range(16))
    many = Trainer(RunConfig(sources=sources, targets=sources, hidden_size=8, epochs=120))
    many.train()
    figure = prediction_timeline_figure(ContenderRun(Contender("many", many.config), many))
    assert figure.data[0].texttemplate is None
    assert figure.layout.height <= 1000


@pytest.mark.parametrize("text", ["hello", "hello world", "if you want you"])
def test_live_and_finished_probabilities_write_numbers_alike(text):
    chars = sorted(set(text))
    probabilities = torch.softmax(torch.rand(len(text), len(chars)), dim=-1)
    targets = [0] * len(text)
    finished = probabilities_figure(probabilities, chars, list(text), targets)
    _, live = probabilities_chart(probabilities, chars, list(text), targets)
    assert bool(finished.data[0].texttemplate) == (len(live["layer"]) == 2)


def powers_of_ten(axis) -> bool:
    return all(math.log10(tick).is_integer() for tick in axis.tickvals)


def test_log_axes_label_powers_of_ten_only_over_many_decades():
    from charts.gradient_flow import gradient_flow_figure
    from charts.loss import LossRun, loss_figure

    assert powers_of_ten(loss_figure([LossRun([3.0, 0.3, 0.003, 0.0004])], log_scale=True).layout.yaxis)
    figure = gradient_flow_figure({"rnn": torch.tensor([1e-6, 1e-3, 0.5])}, {"rnn": 3}, ("a", "-", "?"))
    assert powers_of_ten(figure.layout.yaxis) and figure.layout.xaxis.tickangle == 0


@pytest.mark.parametrize(
    "losses",
    [
        [2.3, 1.0, 0.4, 0.21],
        [25.0, 9.0, 2.1],
        [0.2, 0.01],
        [3.0, 0.3, 0.003, 0.0004],
        [1e-13, 1e-3, 0.5],
        [2.0, 1.2],
        [3.32, 1.05],
        [17.4, 5.5],
    ],
)
def test_log_axis_ticks_read_in_order_with_their_magnitudes(losses):
    """Every label of a log axis is its whole value ("0.05", not Plotly's "5" between 0.1 and
    0.02), so the labels read as decreasing numbers top to bottom, two of them at least within
    the data; under half a decade Plotly's own ticks, which it labels fully."""
    axis = loss_figure([LossRun(losses)], log_scale=True).layout.yaxis
    if axis.tickvals is None:
        assert math.log10(max(losses) / min(losses)) < 0.5 and axis.exponentformat == "e"
        return
    assert list(axis.tickvals) == sorted(axis.tickvals)
    assert [float(text) for text in axis.ticktext] == pytest.approx(list(axis.tickvals))
    assert len([tick for tick in axis.tickvals if min(losses) <= tick <= max(losses)]) >= 2  # two labels at least


def test_gradient_norm_axis_labels_stay_few_over_many_decades():
    """The Gradient flow page's clipping chart: its log axis labels powers of ten only, and
    every few of them when the norms span many decades, so its tick labels cannot crowd."""
    few = gradient_norm_figure([1, 2, 3], [0.5, 50.0, 5000.0], [0.5, 1.0, 1.0], max_norm=1.0)
    assert powers_of_ten(few.layout.yaxis)
    exploding = gradient_norm_figure([1, 2, 3], [1e-3, 1e10, 1e21], [1e-3, 1.0, 1.0], max_norm=1.0)
    assert powers_of_ten(exploding.layout.yaxis) and len(exploding.layout.yaxis.tickvals) <= 9  # about eight


@pytest.mark.parametrize("epochs", [12, 60, 61, 900])
def test_both_loss_curves_mark_each_epoch_only_while_the_marks_stay_apart(epochs):
    """Plotly's and the live chart's loss curves agree on when each epoch gets a marker (and the
    live chart, redrawn ten times a second, draws no thousand circles)."""
    losses = [1 / (epoch + 1) for epoch in range(epochs)]
    plotly_modes = {trace["mode"] for trace in loss_figure([LossRun(losses)]).to_plotly_json()["data"]}
    rows, _ = loss_chart(losses, None, log_scale=False)
    assert ("lines+markers" in plotly_modes) == bool(rows["marked"].all()) == (epochs <= MARKERS_UP_TO)
    assert rows["marked"].all() or not rows["marked"].any()


def test_a_long_live_loss_curve_keeps_every_spike_and_the_marked_epochs():
    losses = [1 / (epoch + 1) for epoch in range(2000)]
    losses[1233] = 5.0  # a spike at epoch 1234
    losses[1500] = 0.0  # and a drop at epoch 1501
    rows, _ = loss_chart(losses, solved_epoch=700, log_scale=False, shown_epoch=1999)
    assert len(rows) <= LIVE_LOSS_POINTS + 4
    assert {1, 700, 1234, 1501, 1999, 2000} <= set(rows["epoch"])
    assert rows["loss"].max() == 5.0 and rows["loss"].min() == 0.0
    assert rows.loc[rows["epoch"] == 1234, "loss"].item() == losses[1233]  # each point is its epoch's loss
    assert list(loss_chart(losses[:LIVE_LOSS_POINTS], None, False)[0]["epoch"]) == list(range(1, LIVE_LOSS_POINTS + 1))
