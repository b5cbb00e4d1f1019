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

With ``--text`` it measures the bundled story instead (the ``story`` preset: a GRU on windows of its
own text, in mini-batches of 32): the recording trainer against a bare PyTorch loop over the very
same batches (the same shuffle per epoch, each batch cut to its longest window and packed when its
lengths differ), which must give the same losses. Target: ratio >= 0.8.

    python -m bench.recording_overhead [--epochs 300] [--rounds 15] [--test-pairs 32] [--text]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from playground import RunConfig, Trainer
from playground.lessons.presets import PRESETS
from playground.lessons.tasks import TaskOptions, task_config
from playground.nn.data import build_dataset
from playground.url_state import default_config

CONFIG = PRESETS["hello-embedding-2layer"].config
STORY = PRESETS["story"].config
LESSON_EPOCHS, STORY_EPOCHS = 300, 20  # per round: a story epoch is about 100 lesson epochs


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


def bare_minibatch_losses(epochs: int, config: RunConfig = STORY) -> list[float]:
    """The story preset as a plain PyTorch loop over the trainer's batches, nothing recorded; each step's loss."""
    data = build_dataset(config)  # the windows, encoded and padded once, as the trainer holds them
    inputs, labels, lengths = data.source_indices, data.target_indices, torch.tensor(data.lengths)
    vocab = len(data.vocab)
    torch.manual_seed(config.seed)
    embedding = torch.nn.Embedding(vocab, config.embedding_size)
    gru = torch.nn.GRU(config.embedding_size, config.hidden_size)
    head = torch.nn.Linear(config.hidden_size, vocab)
    optimizer = torch.optim.Adam([*embedding.parameters(), *gru.parameters(), *head.parameters()], lr=config.lr)
    criterion = torch.nn.CrossEntropyLoss()
    losses = []
    for epoch in range(epochs):
        order = torch.randperm(len(lengths), generator=torch.Generator().manual_seed(config.seed + epoch))
        for rows in torch.split(order, config.batch_size):
            n = lengths[rows]
            longest = int(n.max())
            x = embedding(inputs[rows, :longest]).transpose(0, 1)
            h_0 = torch.zeros(1, len(rows), config.hidden_size)
            if bool((n != longest).any()):
                packed = pack_padded_sequence(x, n, enforce_sorted=False)
                out = pad_packed_sequence(gru(packed, h_0)[0], total_length=longest)[0]
            else:
                out = gru(x, h_0)[0]
            logits = head(out.transpose(0, 1))
            loss = criterion(logits.reshape(-1, vocab), labels[rows, :longest].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def timed(run, *args) -> float:
    started = time.perf_counter()
    run(*args)
    return time.perf_counter() - started


def text_overhead(epochs: int, rounds: int) -> None:
    """Print the story's epochs/s with the bare mini-batch loop and the recording trainer, and their ratio."""
    trainer = Trainer(STORY.with_changes(epochs=2))
    same = [loss for record in trainer.train() for loss in record.batch_losses] == bare_minibatch_losses(2)
    ratios, bare, recorded = [], [], []
    for _ in range(rounds):
        b = timed(bare_minibatch_losses, epochs)
        r = trainer_seconds(epochs, STORY)
        bare.append(epochs / b)
        recorded.append(epochs / r)
        ratios.append(b / r)
    pairs = build_dataset(STORY).batch_size
    print(f"story: {pairs} windows of {STORY.window} characters, batches of {STORY.batch_size}; same losses: {same}")
    print(f"bare mini-batch loop: {statistics.median(bare):8.1f} epochs/s")
    print(f"recording trainer:    {statistics.median(recorded):8.1f} epochs/s")
    print(f"throughput ratio (trainer / bare), median of {rounds} rounds: {statistics.median(ratios):.3f}")


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
    parser.add_argument("--epochs", type=int, help=f"per round ({LESSON_EPOCHS}; with --text {STORY_EPOCHS})")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--test-pairs", type=int, default=0, help="also measure evaluating N held-out pairs")
    parser.add_argument("--text", action="store_true", help="the bundled story in mini-batches instead")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.text:
        text_overhead(args.epochs or STORY_EPOCHS, args.rounds)
        return
    args.epochs = args.epochs or LESSON_EPOCHS
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
