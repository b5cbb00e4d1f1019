"""Gradient flow follows the run: it starts from the Train page's strings and sizes, its own
remember-the-first-letter task one click away, and coming back never throws a race away."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground import Trainer
from playground.lessons.gradient_flow import CUE, gradient_curve, memory_contenders
from playground.lessons.presets import PRESETS
from playground.run.compare import Comparison
from ui.core.state import CONFIG, TRAINER
from ui.gradient_flow.state import GRADIENT_FLOW_RACE, GRADIENT_FLOW_TASK_KEY, MEMORY_TASK, RUN_TASK
from ui.gradient_flow.task import run_contenders, start_gradient_flow

PAGE = Path(__file__).resolve().parent.parent / "app_pages" / "gradient_flow.py"


def trained() -> Trainer:
    trainer = Trainer(PRESETS["hello-embedding-2layer"].config.with_changes(epochs=30))
    trainer.train()
    return trainer


def test_the_page_starts_from_the_run_and_its_example_is_one_click_away():
    trainer = trained()
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    CONFIG.set(trainer.config, at.session_state)
    TRAINER.set(trainer, at.session_state)
    at.run()
    assert not at.exception
    assert at.radio(key=GRADIENT_FLOW_TASK_KEY).value == RUN_TASK
    race = GRADIENT_FLOW_RACE.get(at.session_state)
    assert [c.config for c in race.contenders] == [
        trainer.config.with_changes(cell=cell) for cell in ("rnn", "lstm", "gru")
    ]
    at.button(key="gradient-flow-step").click().run()
    runs = GRADIENT_FLOW_RACE.get(at.session_state).trainers
    shown = at.select_slider(key="gradient-flow-epoch").value
    assert at.dataframe[0].value["‖∂L/∂h₀‖"].tolist() == [
        f"{gradient_curve(runs[c], shown)[0].item():.1e}" for c in ("rnn", "lstm", "gru")
    ]
    at.radio(key=GRADIENT_FLOW_TASK_KEY).set_value(MEMORY_TASK).run()
    assert not at.exception
    race = GRADIENT_FLOW_RACE.get(at.session_state)
    assert all(source.endswith(CUE) for source in race.contenders[0].config.sources)
    assert at.slider(key="gradient-flow-length")


def test_without_a_run_the_page_shows_its_own_example_without_a_choice():
    at = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not at.exception and not at.radio
    assert GRADIENT_FLOW_RACE.get(at.session_state).contenders == memory_contenders()


def test_a_new_run_brings_its_strings_and_a_forgotten_choice_comes_back_from_the_race():
    trainer, state = trained(), {}
    start_gradient_flow(trainer, state)
    assert state[GRADIENT_FLOW_TASK_KEY] == RUN_TASK
    state[GRADIENT_FLOW_TASK_KEY] = MEMORY_TASK  # the learner picks the example and trains it
    GRADIENT_FLOW_RACE.set(Comparison(memory_contenders()), state)
    del state[GRADIENT_FLOW_TASK_KEY]  # another page: Streamlit forgets the radio
    start_gradient_flow(trainer, state)
    assert state[GRADIENT_FLOW_TASK_KEY] == MEMORY_TASK
    GRADIENT_FLOW_RACE.set(Comparison(run_contenders(trainer)), state)
    del state[GRADIENT_FLOW_TASK_KEY]
    start_gradient_flow(trainer, state)
    assert state[GRADIENT_FLOW_TASK_KEY] == RUN_TASK
    state[GRADIENT_FLOW_TASK_KEY] = MEMORY_TASK
    start_gradient_flow(trained(), state)  # a new Train run: the page follows it
    assert state[GRADIENT_FLOW_TASK_KEY] == RUN_TASK
