"""How much does recording every epoch cost? Prints the throughput ratio, trainer / bare loop.

The baseline is the lessons' bare training loop (Example 12-3: Embedding + 2-layer RNN of 8
units + Linear on hello → ohlol) with no recording at all; the contender is
`playground.Trainer`, which records loss, predictions, per-step probabilities and a weight
snapshot every epoch. Both run in this process, interleaved in rounds so that machine noise
hits both alike; the median round decides. Target: ratio >= 0.8.

    python -m bench.recording_overhead [--epochs 300] [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from playground import Trainer
from playground.lessons.presets import PRESETS

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


def trainer_seconds(epochs: int) -> float:
    trainer = Trainer(CONFIG.with_changes(epochs=epochs))
    started = time.perf_counter()
    while not trainer.done:
        trainer.train_epoch()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    torch.set_num_threads(1)
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
