"""How much does recording every epoch cost? Prints the throughput ratio, trainer / bare loop.

The baseline is the lessons' bare training loop (Example 12-3: Embedding + 2-layer RNN of 8
units + Linear on hello → ohlol) with no recording at all; the contender is
`playground.Trainer`, which records loss, predictions, per-step probabilities and a weight
snapshot every epoch. Both run in this process, interleaved in rounds so that machine noise
hits both alike; the median round decides. Target: ratio >= 0.8.

With ``--test-pairs N`` it also measures what evaluating N held-out pairs after every epoch
costs: the epoch time of a run with them over the same run without, for the app's default
experiment (N held-out strings of its length drawn from its letters) and for a generated task
with its default options (copy). Target: at most 1.25 (evaluation <= 25 % of an epoch).

    python -m bench.recording_overhead [--epochs 300] [--rounds 15] [--test-pairs 32]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import torch

from playground import RunConfig, Trainer
from playground.lessons.presets import PRESETS
from playground.lessons.tasks import TaskOptions, task_config
from playground.url_state import default_config

CONFIG = PRESETS["hello-embedding-2layer"].config


class LessonModel(torch.nn.Module):
    """Example 12-3, as the lesson writes it."""

    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(4, 10)
        self.rnn = torch.nn.RNN(input_size=10, hidden_size=8, num_layers=2, batch_first=True)
        self.fc = torch.nn.Linear(8, 4)

    def forward(self, x):
        hidden = torch.zeros(2, x.size(0), 8)
        x = self.emb(x)
        x, _ = self.rnn(x, hidden)
        x = self.fc(x)
        return x.view(-1, 4)


def bare_loop_seconds(epochs: int) -> float:
    torch.manual_seed(777)
    inputs = torch.LongTensor([[1, 0, 2, 2, 3]])
    labels = torch.LongTensor([3, 1, 2, 3, 2])
    net = LessonModel()
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.05)
    started = time.perf_counter()
    for _ in range(epochs):
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        _, idx = outputs.max(dim=1)
        loss.item()
    return time.perf_counter() - started


def trainer_seconds(epochs: int, config: RunConfig = CONFIG) -> float:
    trainer = Trainer(config.with_changes(epochs=epochs))
    started = time.perf_counter()
    while not trainer.done:
        trainer.train_epoch()
    return time.perf_counter() - started


def held_out_configs(pairs: int) -> dict[str, RunConfig]:
    """Runs with ``pairs`` held-out pairs, by name; each is measured against itself without them."""
    default = default_config()
    rng = random.Random(0)
    letters, length = sorted(set(default.sources[0])), len(default.sources[0])
    sources = tuple("".join(rng.choice(letters) for _ in range(length)) for _ in range(pairs))
    targets = tuple("".join(rng.choice(letters) for _ in range(length)) for _ in range(pairs))
    return {
        "default experiment": default.with_changes(test_sources=sources, test_targets=targets),
        "copy task (defaults)": task_config("copy", TaskOptions(test_pairs=pairs), RunConfig()),
    }


def held_out_overhead(pairs: int, epochs: int, rounds: int) -> None:
    """Print, per config, the median ratio of epoch time with ``pairs`` held-out pairs to without."""
    for name, config in held_out_configs(pairs).items():
        without = config.with_changes(test_sources=(), test_targets=())
        trainer_seconds(50, config), trainer_seconds(50, without)  # warm up both paths
        ratios, times = [], []
        for _ in range(rounds):
            plain, measured = trainer_seconds(epochs, without), trainer_seconds(epochs, config)
            ratios.append(measured / plain)
            times.append((plain / epochs, measured / epochs))
        plain_ms = 1000 * statistics.median(t[0] for t in times)
        measured_ms = 1000 * statistics.median(t[1] for t in times)
        print(
            f"{name}: epoch {plain_ms:.2f} ms without, {measured_ms:.2f} ms with {len(config.test_sources)} "
            f"held-out pairs; ratio with / without, median of {rounds} rounds: {statistics.median(ratios):.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--test-pairs", type=int, default=0, help="also measure evaluating N held-out pairs")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.test_pairs:
        held_out_overhead(args.test_pairs, args.epochs, args.rounds)
    bare_loop_seconds(50), trainer_seconds(50)  # warm up both paths
    ratios, bare, recorded = [], [], []
    for _ in range(args.rounds):
        b = bare_loop_seconds(args.epochs)
        r = trainer_seconds(args.epochs)
        bare.append(args.epochs / b)
        recorded.append(args.epochs / r)
        ratios.append(b / r)
    print(f"bare lesson loop:   {statistics.median(bare):8.0f} epochs/s")
    print(f"recording trainer:  {statistics.median(recorded):8.0f} epochs/s")
    print(f"throughput ratio (trainer / bare), median of {args.rounds} rounds: {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
