"""AppTest: the Gradient flow page shows the Train page's gradient norm before and after clipping."""

from streamlit.testing.v1 import AppTest

from playground import Trainer
from playground.lessons.presets import PRESETS
from ui.core.state import CONFIG, TRAINER
from ui.gradient_flow.clipping import CLIPPING_PRESET

PAGE = "../app_pages/gradient_flow.py"  # relative to this file


def test_without_a_run_it_names_the_preset_that_explodes():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert any(PRESETS[CLIPPING_PRESET].title in box.value for box in at.info)


def test_a_clipped_run_shows_both_norms():
    trainer = Trainer(PRESETS[CLIPPING_PRESET].config.with_changes(epochs=10))
    trainer.train()
    at = AppTest.from_file(PAGE, default_timeout=60)
    CONFIG.set(trainer.config, at.session_state)
    TRAINER.set(trainer, at.session_state)
    at.run()
    assert not at.exception
    scaled = sum(r.grad_norm > r.clipped_grad_norm for r in trainer.history)
    assert scaled > 0
    assert any(f"{scaled} of 10 updates were scaled down" in caption.value for caption in at.caption)
