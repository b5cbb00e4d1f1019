"""How long does the default next-char model take to write 500 characters? Goal: under 0.5 s.

The contender is `playground.run.sampling.sample` (each step's five likeliest characters and the
top layer's h recorded, the settings checked); the baseline is the bare loop a lesson would write:
nn.Embedding, nn.RNN with h carried, nn.Linear, softmax, torch.multinomial, nothing recorded. Both
write the same text from the same trained model, interleaved in rounds so machine noise hits both
alike; the median round decides.

    python -m bench.sampling [--length 500] [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from playground import Trainer
from playground.lessons.presets import PRESETS
from playground.run.sampling import SampleSettings, sample

PRIME = "yo"


def bare_loop(trainer: Trainer, length: int, seed: int) -> str:
    model, chars = trainer.model, trainer.dataset.vocab.chars
    generator = torch.Generator().manual_seed(seed)
    h = torch.zeros(1, 1, trainer.config.hidden_size)
    text = ""
    with torch.no_grad():
        for char in PRIME:
            out, h = model.core(model.encoder(torch.tensor([[chars.index(char)]])), h)
        for _ in range(length):
            index = torch.multinomial(torch.softmax(model.head(out)[0, 0], dim=-1), 1, generator=generator)
            text += chars[index.item()]
            out, h = model.core(model.encoder(index.view(1, 1)), h)
    return text


def timed(write, *args) -> tuple[float, str]:
    started = time.perf_counter()
    text = write(*args)
    return time.perf_counter() - started, text


def sampler_text(trainer: Trainer, settings: SampleSettings) -> str:
    return sample(trainer, settings).text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--length", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the engine's runs: one thread
    trainer = Trainer(PRESETS["next-char"].config)
    trainer.train()
    engine, greedy, bare = [], [], []
    for seed in range(args.rounds):
        seconds, text = timed(sampler_text, trainer, SampleSettings(PRIME, args.length, 1.0, 0, seed))
        engine.append(seconds)
        seconds, bare_text = timed(bare_loop, trainer, args.length, seed)
        bare.append(seconds)
        assert text == bare_text, "the sampler and the bare loop wrote different texts"
        greedy.append(timed(sampler_text, trainer, SampleSettings(PRIME, args.length, 0))[0])
    engine_s, bare_s, greedy_s = (statistics.median(times) for times in (engine, bare, greedy))
    print(f"writing {args.length} characters, default next-char model, median of {args.rounds} rounds")
    print(f"  bare loop (nothing recorded):          {bare_s:.3f} s")
    print(f"  playground sampler (temperature 1):    {engine_s:.3f} s  ({engine_s / bare_s:.2f}x the bare loop)")
    print(f"  playground sampler (temperature 0):    {greedy_s:.3f} s")
    print(f"  goal: under 0.5 s: {'met' if engine_s < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
