"""Let a trained encoder–decoder write: its encoder reads the prime as a source, its decoder draws.

The decoder runs as in training's greedy decoding (`Seq2SeqModel.decoder_step`): it starts at ⟨s⟩,
and each step's scores give the next character by `playground.run.sampling.draw` (temperature,
top-k, one `torch.multinomial` with the sample's seeded generator; temperature 0 is the argmax, so
the text is the run's greedy decoding of that source), which the next step reads. It stops when
it draws ⟨/s⟩ (not written) or after ``length`` characters. The prime is checked as a source: its
characters must be the training strings', and a marker's display text is refused.
"""

from __future__ import annotations

import torch

from playground.nn.seq2seq import Seq2SeqModel, top_hidden
from playground.nn.seq2seq_data import END, START, check_no_marker
from playground.run.limits import LIMITS, Limits
from playground.run.sampling import Sample, SampleSettings, check_prime, check_writing, model_after, written_step
from playground.run.trainer import ONE_THREAD_ARITHMETIC, Trainer


def check_seq2seq_sample(trainer: Trainer, settings: SampleSettings, limits: Limits = LIMITS) -> list[int]:
    """Every check a sample of an encoder–decoder run must pass, with a sentence for each; returns
    the source's (prime's) indices."""
    check_writing(settings, limits)
    check_no_marker(settings.prime, "prime")
    return check_prime(trainer.dataset.vocab, settings, limits)


def sample_seq2seq(
    trainer: Trainer, settings: SampleSettings, limits: Limits = LIMITS, epoch: int | None = None
) -> Sample:
    """What ``trainer``'s decoder (as trained so far, or after ``epoch`` epochs) writes for the source
    ``settings.prime``: a `Sample` whose steps' candidates include ⟨s⟩ and ⟨/s⟩ and whose ``hidden``
    is the decoder's top-layer h after each step."""
    source = check_seq2seq_sample(trainer, settings, limits)
    model: Seq2SeqModel = trainer.model if epoch is None else model_after(trainer, epoch)
    dataset = trainer.dataset
    chars = (*dataset.vocab.chars, START, END)
    generator = torch.Generator().manual_seed(settings.seed)
    steps, hidden = [], []
    with ONE_THREAD_ARITHMETIC, torch.no_grad():
        keys, state = model.encode(torch.tensor([source]), torch.tensor([len(source)]))
        real = torch.ones(1, len(source), dtype=torch.bool)
        previous = torch.tensor([dataset.start_index])
        for _ in range(settings.length):
            scores, state, _ = model.decoder_step(previous, state, keys, real)
            index, written = written_step(scores[0], chars, settings, generator)
            if index.item() == dataset.end_index:
                break
            steps.append(written)
            hidden.append(top_hidden(state)[0])
            previous = index.view(1)
    width = trainer.config.hidden_size
    return Sample(settings, tuple(steps), torch.stack(hidden) if hidden else torch.zeros(0, width))
