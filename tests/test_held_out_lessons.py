"""The memorise / generalise presets teach what they say: the same task and network, 4 training strings
memorised, 64 generalised, both judged on held-out strings they never trained on."""

from __future__ import annotations

from dataclasses import replace

from playground import Trainer
from playground.lessons.presets import PRESETS
from playground.run.generalisation import GENERALISES_AT, Verdict, generalisation


def finished(name: str) -> Trainer:
    trainer = Trainer(PRESETS[name].config)
    trainer.train()
    return trainer


def test_four_strings_are_memorised_and_sixty_four_generalise():
    memorised, generalised = finished("memorise"), finished("generalise")
    assert len(memorised.config.sources) == 4 and len(generalised.config.sources) == 64
    assert replace(memorised.config, sources=(), targets=(), test_sources=(), test_targets=()) == replace(
        generalised.config, sources=(), targets=(), test_sources=(), test_targets=()
    ), "the same task, network and training but for the strings"
    for trainer in (memorised, generalised):
        assert len(trainer.config.test_sources) == 32 and trainer.solved_epoch is not None
    last_memorised, last_generalised = memorised.history[-1], generalised.history[-1]
    assert last_memorised.test_accuracy < 0.8 < GENERALISES_AT <= last_generalised.test_accuracy
    assert generalisation(last_memorised).verdict is Verdict.MEMORISED
    assert generalisation(last_generalised).verdict is Verdict.GENERALISED
    # memorising shows in the curves: the test loss ends far above the training loss, and above its own best
    assert last_memorised.test_loss > 10 * last_memorised.loss
    assert last_memorised.test_loss > min(record.test_loss for record in memorised.history)
