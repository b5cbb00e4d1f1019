"""AppTest for the "Look inside" pages: they run, react to their controls, never raise."""

import itertools
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground import RunConfig, Trainer
from playground.lessons.gradient_flow import gradient_curve
from playground.lessons.presets import PRESETS
from playground.probes.equations import module_states, step_equation
from playground.probes.shapes import ShapeSpec, measure_shapes
from ui.core.state import CONFIG, TRAIN_SHOWN_EPOCH, TRAINER
from ui.gradient_flow.state import GRADIENT_FLOW_RACE

PAGES = Path(__file__).resolve().parent.parent / "app_pages"
TIMEOUT = 60


def page(name: str, trainer: Trainer | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=TIMEOUT)
    if trainer is not None:
        CONFIG.set(trainer.config, at.session_state)
        TRAINER.set(trainer, at.session_state)
    return at.run()


def trained(preset: str, epochs: int = 3) -> Trainer:
    trainer = Trainer(PRESETS[preset].config.with_changes(epochs=epochs))
    trainer.train()
    return trainer


def shape_column(at: AppTest) -> list[str]:
    return at.table[0].value["shape (from torch)"].tolist()


def test_shapes_page_every_module_and_layout():
    at = page("shapes.py")
    assert not at.exception
    at.number_input(key="shapes-layers").set_value(2)
    for bidirectional, module, batch_first in itertools.product(
        (False, True), ("rnncell", "rnn", "lstm", "gru"), (False, True)
    ):
        at.radio(key="shapes-module").set_value(module).run()
        if module != "rnncell":  # disabled for a cell; a checked box stays checked but is ignored
            at.checkbox(key="shapes-bidirectional").set_value(bidirectional)
        at.checkbox(key="shapes-batch-first").set_value(batch_first)
        at.run()
        bidirectional = at.checkbox(key="shapes-bidirectional").value
        assert not at.exception and not at.error, (module, bidirectional, batch_first)
        spec = ShapeSpec(
            module=module, layers=2, bidirectional=bidirectional and module != "rnncell", batch_first=batch_first
        )
        assert shape_column(at) == [str(t.shape) for t in measure_shapes(spec).tensors]
        verdicts = [m.value for m in at.markdown if "max |difference|" in m.value]
        assert len(verdicts) == len(measure_shapes(spec).comparisons)


def test_shapes_page_controls_change_the_shapes():
    at = page("shapes.py")
    before = shape_column(at)
    at.number_input(key="shapes-seq").set_value(9).run()
    assert shape_column(at)[0] == "(9, 3, 4)" and shape_column(at) != before
    at.checkbox(key="shapes-bidirectional").set_value(True).run()
    assert any(":red[**different**]" in m.value for m in at.markdown)


def test_inside_cell_offers_a_preset_and_trains_it():
    at = page("inside_cell.py")
    assert not at.exception and at.info
    at.selectbox(key="inside-preset").set_value("hello-gru")
    at.button(key="inside-train").click().run()
    assert not at.exception
    assert TRAINER.get(at.session_state).config == PRESETS["hello-gru"].config
    assert len(at.latex) == 4 + 4  # GRU's four equations, then unit 0 with numbers
    assert float(at.metric[0].value) <= 1e-6


@pytest.mark.parametrize("preset", ["hello-rnncell", "hello-embedding-2layer", "hello-bilstm", "batch-of-three"])
def test_inside_cell_every_control(preset):
    trainer = trained(preset)
    at = page("inside_cell.py", trainer)
    assert not at.exception
    first = [line.value for line in at.latex]
    at.select_slider(key="inside-step").set_value(3).run()
    assert [line.value for line in at.latex] != first
    at.selectbox(key="inside-unit").set_value(1).run()
    assert "[1]" in at.latex[-1].value
    if trainer.config.layers > 1:
        at.selectbox(key="inside-layer").set_value(1).run()
    if trainer.config.bidirectional:
        at.selectbox(key="inside-direction").set_value(1).run()
    if trainer.dataset.batch_size > 1:
        at.selectbox(key="inside-item").set_value(2).run()
    at.select_slider(key="inside-epoch").set_value(1).run()
    assert not at.exception
    layer = 1 if trainer.config.layers > 1 else 0
    direction = 1 if trainer.config.bidirectional else 0
    item = 2 if trainer.dataset.batch_size > 1 else 0
    params = trainer.history[0].parameters
    equation = step_equation(
        trainer.config, params, module_states(trainer.config, params, trainer.dataset), layer, direction, item, 3
    )
    assert at.latex[-1].value.strip("$\n").endswith(f"{equation.module_h[1].item():.3f}")
    assert float(at.metric[0].value) <= 1e-6


def test_inside_cell_opens_at_the_epoch_the_train_page_shows():
    trainer = trained("hello-gru", epochs=6)
    at = AppTest.from_file(str(PAGES / "inside_cell.py"), default_timeout=TIMEOUT)
    CONFIG.set(trainer.config, at.session_state)
    TRAINER.set(trainer, at.session_state)
    TRAIN_SHOWN_EPOCH.set((id(trainer), 2), at.session_state)  # rewound to epoch 2 on Train
    at.run()
    assert at.select_slider(key="inside-epoch").value == 2
    at.select_slider(key="inside-epoch").set_value(5).run()
    assert at.select_slider(key="inside-epoch").value == 5  # the learner's own choice stays
    TRAIN_SHOWN_EPOCH.set((id(trainer), 3), at.session_state)  # scrubbed again on Train
    assert at.run().select_slider(key="inside-epoch").value == 3
    assert page("inside_cell.py", trainer).select_slider(key="inside-epoch").value == 6  # no rewind: the newest


@pytest.mark.parametrize(
    ("page_file", "slider"), [("what_if.py", "whatif-epoch"), ("embeddings.py", "embeddings-epoch")]
)
def test_what_if_and_embeddings_open_at_the_epoch_the_train_page_shows(page_file, slider):
    trainer = trained("hello-gru", epochs=6)
    at = AppTest.from_file(str(PAGES / page_file), default_timeout=TIMEOUT)
    CONFIG.set(trainer.config, at.session_state)
    TRAINER.set(trainer, at.session_state)
    TRAIN_SHOWN_EPOCH.set((id(trainer), 2), at.session_state)  # rewound to epoch 2 on Train
    at.run()
    assert not at.exception
    assert at.select_slider(key=slider).value == 2
    assert "epoch 2 of 6 trained" in at.caption[0].value  # the page's experiment line says so too
    at.select_slider(key=slider).set_value(5).run()
    assert at.select_slider(key=slider).value == 5  # the learner's own choice stays


def test_shapes_page_starts_from_the_trained_run_with_its_example_one_click_away():
    trainer = Trainer(PRESETS["hello-bilstm"].config.with_changes(epochs=1))
    at = page("shapes.py", trainer)
    assert not at.exception
    config, dataset = trainer.config, trainer.dataset
    assert at.radio(key="shapes-module").value == config.cell
    assert at.number_input(key="shapes-hidden").value == config.hidden_size
    assert at.number_input(key="shapes-layers").value == config.layers
    assert at.number_input(key="shapes-seq").value == dataset.seq_len
    assert at.checkbox(key="shapes-bidirectional").value == config.bidirectional
    at.button(key="shapes-use-example").click().run()
    assert shape_column(at) == [str(t.shape) for t in measure_shapes(ShapeSpec()).tensors]
    at.button(key="shapes-use-run").click().run()
    assert at.number_input(key="shapes-hidden").value == config.hidden_size


def test_embeddings_page_with_a_learned_matrix():
    at = page("embeddings.py", trained("hello-embedding-2layer", epochs=5))
    assert not at.exception and not at.warning
    table = at.dataframe[2].value
    at.selectbox(key="embeddings-char").set_value(3).run()
    assert not at.exception
    assert not at.dataframe[2].value.equals(table)
    assert float(at.metric[0].value) == 0.0
    at.select_slider(key="embeddings-epoch").set_value(1).run()
    assert not at.exception


def test_embeddings_page_one_hot_offers_to_switch():
    at = page("embeddings.py", trained("hello-rnn", epochs=2))
    assert "no learned encoding matrix" in at.warning[0].value
    at.radio(key="embeddings-switch").set_value("linear")
    at.button(key="embeddings-switch-train").click().run()
    assert not at.exception
    assert TRAINER.get(at.session_state).config.encoding == "linear"
    assert not at.warning and at.metric


def test_gradient_flow_page_steps_and_resets():
    at = page("gradient_flow.py")
    assert not at.exception and at.info
    at.slider(key="gradient-flow-length").set_value(10).run()
    at.button(key="gradient-flow-step").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert at.select_slider(key="gradient-flow-epoch").value == 25
    runs = GRADIENT_FLOW_RACE.get(at.session_state).trainers
    assert table["‖∂L/∂h₀‖"].tolist() == [
        f"{gradient_curve(runs[c], 25)[0].item():.1e}" for c in ("rnn", "lstm", "gru")
    ]
    at.select_slider(key="gradient-flow-epoch").set_value(5).run()
    assert at.dataframe[0].value["‖∂L/∂h₀‖"].tolist() == [
        f"{gradient_curve(runs[c], 5)[0].item():.1e}" for c in ("rnn", "lstm", "gru")
    ]
    at.button(key="gradient-flow-step").click().run()
    assert at.select_slider(key="gradient-flow-epoch").value == 50
    at.button(key="gradient-flow-reset").click().run()
    assert not at.dataframe and at.info


def test_gradient_flow_page_refuses_bad_letters():
    at = page("gradient_flow.py")
    at.text_input(key="gradient-flow-letters").set_value("a?").run()
    assert not at.exception
    assert "distinct letters" in at.error[0].value


@pytest.mark.parametrize(
    "path", ["app_pages/shapes.py", "app_pages/inside_cell.py", "app_pages/embeddings.py", "app_pages/gradient_flow.py"]
)
def test_pages_are_in_the_app_navigation(path):
    at = AppTest.from_file(str(PAGES.parent / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page(path).run()
    assert not at.exception


def test_inside_cell_trains_the_current_settings():
    at = AppTest.from_file(str(PAGES / "inside_cell.py"), default_timeout=TIMEOUT)
    CONFIG.set(PRESETS["hello-bilstm"].config.with_changes(epochs=4), at.session_state)
    at.run()
    at.button(key="inside-train-current").click().run()
    assert not at.exception
    assert TRAINER.get(at.session_state).epoch == 4
    assert "nn.LSTM, 2 layers, bidirectional" in at.caption[0].value


def test_inside_cell_shows_a_bad_current_config_as_a_sentence():
    at = AppTest.from_file(str(PAGES / "inside_cell.py"), default_timeout=TIMEOUT)
    CONFIG.set(PRESETS["hello-rnn"].config.with_changes(hidden_size=7), at.session_state)
    at.run()
    at.button(key="inside-train-current").click().run()
    assert not at.exception
    assert "hidden size must equal the vocabulary size" in at.error[0].value


def test_inside_cell_on_pairs_of_different_lengths_stops_at_each_pairs_end():
    config = RunConfig(
        sources=("hello", "cat", "abcd"), targets=("olleh", "tac", "dcba"), cell="lstm", bidirectional=True, epochs=3
    )
    trainer = Trainer(config)
    trainer.train()
    at = page("inside_cell.py", trainer)
    at.select_slider(key="inside-step").set_value(4).run()  # the last step of 'hello'
    at.selectbox(key="inside-item").set_value(1).run()  # 'cat' has no step 4: the step starts again
    assert not at.exception
    assert at.select_slider(key="inside-step").options == ["t=0 (c)", "t=1 (a)", "t=2 (t)"]
    at.selectbox(key="inside-direction").set_value(1)
    at.select_slider(key="inside-step").set_value(2).run()  # the backward direction's first step on 'cat'
    assert not at.exception
    for shown in at.metric:  # the equation, the layer modules and the engine agree on the padded batch
        assert float(shown.value) <= 1e-6, shown.label
    gates = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert all(len(trace["z"][0]) == 3 for trace in gates["data"] if trace["type"] == "heatmap")
