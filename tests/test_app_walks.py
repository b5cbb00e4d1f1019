"""A learner's paths across pages in AppTest: what they type and train survives every walk, a
preset, challenge or task says what it changed, and a teacher's locks hold against all of them.

Each test walks several pages the way a student does (the browser tests walk the same paths in
Chromium: tests/browser/test_walks_browser.py).
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from app_driving import go, rerun_until_stopped, run
from playground.lessons.challenges import CHALLENGES
from playground.lessons.presets import PRESETS
from playground.lessons.tasks import GENERATED_TASKS
from ui.challenges.board import load_button_key
from ui.core.state import CLASSROOM_LINK, CONFIG, TRAIN_GHOST, TRAIN_LIVE, TRAINER
from ui.shapes.state import SHAPES_KEYS
from ui.train.task_picker import DELAY_KEY, FILL_BUTTON, LENGTH_KEY, PAIRS_KEY, TASK_KEY
from ui.what_if.controls import AT_STEP, CLAMP, EVERY_STEP, KIND_KEY, STEP_KEY, WHEN_KEY

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TRAIN, CHALLENGES_PAGE, EXPORT = "app_pages/train.py", "app_pages/challenges.py", "app_pages/export.py"
NUMBER_BOXES = ("train_embedding_size", "train_hidden_size", "train_layers", "train_lr", "train_epochs")


def load_challenge(at: AppTest, name: str) -> AppTest:
    at = go(at, CHALLENGES_PAGE)
    at.button(key=load_button_key(name)).click()
    return run(at)


def captions(at: AppTest) -> str:
    return " ".join(caption.value for caption in at.caption).replace("\\", "")


def test_a_challenge_edited_and_trained_on_train_is_still_there_after_a_visit_to_challenges():
    at = load_challenge(run(AppTest.from_file(APP, default_timeout=60)), "parity")
    at = go(at, TRAIN)
    assert at.number_input(key="train_hidden_size").value == CHALLENGES["parity"].start.hidden_size
    at.number_input(key="train_hidden_size").set_value(16)
    run(at)
    at.button(key="train_train_button").click()
    rerun_until_stopped(run(at), TRAIN_LIVE)
    trained = TRAINER.get(at.session_state)
    assert trained is not None and trained.config.hidden_size == 16
    at = go(at, CHALLENGES_PAGE)
    at = go(at, TRAIN)
    assert at.number_input(key="train_hidden_size").value == 16
    assert TRAINER.get(at.session_state) is trained  # the run is still the session's, shown on Train
    at = go(at, EXPORT)
    at = go(at, TRAIN)
    assert at.number_input(key="train_hidden_size").value == 16
    assert TRAINER.get(at.session_state) is trained


def test_loading_a_challenge_after_visiting_train_fills_every_number_box_with_its_values():
    at = run(AppTest.from_file(APP, default_timeout=60))  # Train first: its widgets exist
    at.text_area(key="train_sources").input("banana")
    at.text_area(key="train_targets").input("ananab")
    run(at)
    at = go(load_challenge(at, "parity"), TRAIN)
    start = CHALLENGES["parity"].start
    for key in NUMBER_BOXES:
        field = key.removeprefix("train_")
        assert at.number_input(key=key).value == getattr(start, field), key
    assert not at.error
    assert CONFIG.get(at.session_state) == start


def test_the_train_page_says_what_a_challenge_changed_and_shows_its_goal():
    at = go(load_challenge(run(AppTest.from_file(APP, default_timeout=60)), "parity"), TRAIN)
    challenge = CHALLENGES["parity"]
    assert f"Challenge “{challenge.title}” changed" in captions(at)
    goals = [info.value.replace("\\", "") for info in at.info]
    assert any(challenge.title in goal and challenge.goal in goal for goal in goals), goals


def test_a_preset_says_what_it_changed_until_the_learner_changes_something():
    at = run(AppTest.from_file(APP, default_timeout=60))
    at.selectbox(key="train_preset").set_value("hello-gru")
    run(at)
    assert f"Preset “{PRESETS['hello-gru'].title}” changed" in captions(at)
    at.text_input(key="train_seed").input("5")
    run(at)
    assert "changed" not in captions(at)


def test_a_teachers_locks_hold_when_a_student_picks_a_preset_fills_a_task_or_loads_a_challenge():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"src": "abcde", "tgt": "edcba", "cell": "gru", "lr": "0.2", "lock": "src,cell,lr"})
    at = run(at)
    assert CLASSROOM_LINK.get(at.session_state).locked >= {"src", "cell", "lr"}
    locked = CONFIG.get(at.session_state)
    at.selectbox(key="train_preset").set_value("hello-rnn")
    run(at)
    at.selectbox(key=TASK_KEY).set_value("reverse")
    run(at)
    at.button(key=FILL_BUTTON).click()
    run(at)
    at = go(load_challenge(at, "parity"), TRAIN)
    config = CONFIG.get(at.session_state)
    assert (config.sources, config.cell, config.lr) == (locked.sources, locked.cell, locked.lr)
    assert at.text_area(key="train_sources").value == locked.sources[0]
    assert at.selectbox(key="train_cell").value == locked.cell
    assert "Kept as your teacher's link locks them" in captions(at)


# Words that say what the page does.


def test_what_if_says_every_step_may_differ_when_a_clamp_acts_at_every_step():
    at = run(AppTest.from_file(APP, default_timeout=60))
    at.button(key="train_train_button").click()
    rerun_until_stopped(run(at), TRAIN_LIVE)
    at = go(at, "app_pages/what_if.py")
    at.radio(key=KIND_KEY).set_value(CLAMP)
    run(at)
    at.radio(key=WHEN_KEY).set_value(EVERY_STEP)
    run(at)
    assert "acts at every step" in captions(at)
    assert "exactly as before" not in captions(at)
    at.radio(key=WHEN_KEY).set_value(AT_STEP)
    run(at)
    step = at.selectbox(key=STEP_KEY).value
    assert ("exactly as before" in captions(at)) == (step > 0)


def test_share_and_export_says_its_link_opens_the_train_page():
    at = go(run(AppTest.from_file(APP, default_timeout=60)), EXPORT)
    assert "opens it on the Train page" in captions(at)
    assert "opens this page" not in captions(at)


def test_gradient_flow_after_a_step_says_stopped_not_paused():
    at = go(run(AppTest.from_file(APP, default_timeout=60)), "app_pages/gradient_flow.py")
    at.button(key="gradient-flow-step").click()
    run(at)
    progress = " ".join(element.proto.text for element in at.get("progress"))
    assert "Epoch 25 of" in progress and "paused" not in progress and "stopped" in progress


def test_the_previous_runs_grey_curve_is_drawn_only_behind_the_same_strings_and_says_what_it_is():
    at = run(AppTest.from_file(APP, default_timeout=60))
    at.button(key="train_train_button").click()
    rerun_until_stopped(run(at), TRAIN_LIVE)
    at.text_input(key="train_seed").input("5")  # the same strings, another run
    run(at)
    at.button(key="train_train_button").click()
    rerun_until_stopped(run(at), TRAIN_LIVE)
    assert "Grey line: your previous run on these strings" in captions(at)
    at.text_area(key="train_sources").input("banana")
    at.text_area(key="train_targets").input("ananab")
    run(at)
    at.button(key="train_train_button").click()
    rerun_until_stopped(run(at), TRAIN_LIVE)
    assert "Grey line" not in captions(at)
    assert TRAIN_GHOST.get(at.session_state)  # kept, not drawn: it trained other strings


def test_a_task_starts_at_the_options_its_text_speaks_of_and_filling_it_says_what_changed():
    at = run(AppTest.from_file(APP, default_timeout=60))
    at.selectbox(key=TASK_KEY).set_value("copy")
    run(at)
    suggested = GENERATED_TASKS["copy"].suggested
    assert (at.number_input(key=LENGTH_KEY).value, at.number_input(key=PAIRS_KEY).value) == (16, 16)
    assert at.number_input(key=DELAY_KEY).value == suggested.delay
    at.button(key=FILL_BUTTON).click()
    run(at)
    notice = captions(at)
    assert f"Generated task “{GENERATED_TASKS['copy'].title}” changed: " in notice and "recurrent core" in notice
    assert at.selectbox(key="train_cell").value == "lstm"


def test_a_seed_the_browser_could_not_hold_or_that_is_no_whole_number_gets_a_sentence():
    at = run(AppTest.from_file(APP, default_timeout=60))
    at.text_input(key="train_seed").input("99999999999999999999")
    run(at)
    assert any("Seed must be between 0 and 4294967295" in error.value for error in at.error), [
        e.value for e in at.error
    ]
    at.text_input(key="train_seed").input("1e30")
    run(at)
    errors = [error.value for error in at.error]
    assert any("seed must be a whole number" in error for error in errors), errors
    at.text_input(key="train_seed").input("12")
    run(at)
    assert not at.error and CONFIG.get(at.session_state).seed == 12


def test_a_shapes_size_past_its_cap_gets_a_sentence_and_no_stale_diagram():
    at = go(run(AppTest.from_file(APP, default_timeout=60)), "app_pages/shapes.py")
    at.number_input(key=SHAPES_KEYS["hidden_size"]).set_value(100_000)
    run(at)
    assert any("Hidden size must be between 1 and 32; got 100000" in error.value for error in at.error)
    assert not at.get("plotly_chart")  # the diagram of the old size is not drawn beside the refusal
