"""Going back to an epoch (`Trainer.mark` / `Trainer.rewind`): a Pause that reaches the server
mid-slice takes the Train page's run back to the epoch on screen (`ui.core.live_run`), and training
on must give exactly the numbers of a run that was never taken back."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

import pytest
import torch

from playground import Trainer
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from playground.run.limits import LIMITS
from ui.core import live_run
from ui.core.session import TRAIN_RUN

CONFIG = PRESETS[DEFAULT_PRESET].config.with_changes(epochs=60, optimizer="adam")


def same_run(a: Trainer, b: Trainer) -> None:
    assert [r.loss for r in a.history] == [r.loss for r in b.history]
    assert [r.predictions for r in a.history] == [r.predictions for r in b.history]
    assert a.detailed_epochs == b.detailed_epochs and a.solved_epoch == b.solved_epoch
    for (name, p), (_, q) in zip(a.model.named_parameters(), b.model.named_parameters()):
        assert torch.equal(p, q), name
    for epoch in a.detailed_epochs:
        assert torch.equal(a.internals(epoch).hidden, b.internals(epoch).hidden)


@pytest.mark.parametrize("limits", [LIMITS, replace(LIMITS, max_recorded_epochs=8)], ids=["kept", "thinned"])
def test_a_rewound_run_trains_on_to_the_same_numbers(limits):
    straight = Trainer(CONFIG, limits)
    straight.train()
    rewound = Trainer(CONFIG, limits)
    rewound.train(max_epochs=5)  # before it is solved: the solving epoch is taken back too
    mark = rewound.mark()
    rewound.train(max_epochs=30)
    assert rewound.solved_epoch is not None
    rewound.rewind(mark)
    assert rewound.epoch == 5 and rewound.solved_epoch is None
    assert rewound.detailed_epochs == mark.detailed_epochs and all(r.detailed for r in rewound.history)
    rewound.train()
    same_run(rewound, straight)


def test_a_click_mid_slice_takes_the_train_run_back_to_the_epoch_on_screen(monkeypatch):
    trainer = Trainer(CONFIG.with_changes(epochs=2000))
    trainer.train(max_epochs=10)  # on screen: epoch 10
    run = replace(TRAIN_RUN, slice_seconds=1.0, finish_within=0.0, pace=None)
    monkeypatch.setattr(live_run, "click_waiting", lambda: trainer.epoch >= 13)  # Pause arrives at epoch 13
    run._train_until_clicked(trainer, None, run.slice_seconds)
    assert trainer.epoch == 10
    elsewhere = replace(run, rewinds_to_shown=False)  # a page that shows only the progress
    elsewhere._train_until_clicked(trainer, None, elsewhere.slice_seconds)
    assert trainer.epoch == 13


def test_a_click_that_arrives_while_the_slice_waits_to_draw_takes_the_run_back_too(monkeypatch):
    """On a busy server the slice waits for the turn back before it draws: a Pause arriving then
    was made with the slice's start on screen (bench/live_page.py --speed 10/s --load 30)."""
    trainer = Trainer(CONFIG.with_changes(epochs=2000))
    trainer.train(max_epochs=10)  # on screen: epoch 10
    clicked = []

    class BusyTurns:
        @contextmanager
        def outside(self):
            yield
            clicked.append(True)  # the click arrives as the slice waits for the turn back

    monkeypatch.setattr(live_run, "SCRIPT_TURNS", BusyTurns())
    monkeypatch.setattr(live_run, "click_waiting", lambda: bool(clicked))
    run = replace(TRAIN_RUN, slice_seconds=0.05, finish_within=0.0, pace=None)
    run._train_until_clicked(trainer, 20, run.slice_seconds)
    assert clicked and trainer.epoch == 10
