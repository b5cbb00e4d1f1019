"""What does saving a class member's run cost while it trains? Goal: at most 2 % of the training's time.

For the default lesson's network and the largest one the caps allow, one epoch trained (the
baseline, measured in the same run) against one save of the run to the class store
(`store.runs.save_run`: the model file written and stored over the run's row), median of the rounds.
`ui.core.class_saving` saves a training run every `SAVE_EVERY_SECONDS`, or every save's time divided
by `SAVING_SHARE` when that is longer; the last column is the share of the time that costs.

    python -m bench.class_store [--rounds 7] [--database-url postgresql+psycopg://…]

Without --database-url the store is a SQLite file in a temporary folder (the default store's kind).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

import torch

from playground import RunConfig, Trainer
from playground.lessons.presets import DEFAULT_PRESET, PRESETS
from playground.run.limits import largest_network
from store.classes import create_class, join_class
from store.database import open_database
from store.runs import latest_run, save_run
from ui.core.class_saving import SAVE_EVERY_SECONDS, SAVING_SHARE


def median_seconds(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the engine's runs: one thread
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        print(f"store: {database.dialect.name}")
        room, _ = create_class(database, "bench")
        print("network | model file | one epoch | one save | save/epoch | saved every | share of the time")
        for label, config in [
            ("lesson", PRESETS[DEFAULT_PRESET].config),
            ("largest", largest_network(RunConfig())),
        ]:
            student, _ = join_class(database, room, label)
            trainer = Trainer(config)
            epoch = median_seconds(trainer.train_epoch, args.rounds)
            run_id = save_run(database, student, trainer)
            save = median_seconds(partial(save_run, database, student, trainer, run_id), args.rounds)
            every = max(SAVE_EVERY_SECONDS, save / SAVING_SHARE)
            size = len(latest_run(database, student).model)
            print(
                f"{label} | {size / 1e6:.2f} MB | {epoch * 1e3:.1f} ms | {save * 1e3:.1f} ms | "
                f"{save / epoch:.2f}x | {every:.1f} s | {save / every:.1%}"
            )
        database.dispose()


if __name__ == "__main__":
    main()
