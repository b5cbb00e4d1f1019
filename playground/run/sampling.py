"""Let a trained network write: read a prime, then draw each next character and feed it back in.

The network runs one character at a time (`RecurrentModel.run`), carrying its state from step to
step, exactly as it read its training strings. Each step's scores become a distribution
(`draw`): ``softmax(scores / temperature)`` over the ``top_k`` likeliest characters (0: all),
one draw by `torch.multinomial` with a `torch.Generator` seeded by the sample's seed, so the
same settings write the same text; temperature 0 takes the likeliest character (argmax) and
draws nothing. The exported script copies `draw` (`playground.export`), so it writes the same text.

Which runs can write: any whose core reads forward in time only. For a next-character model
(task "next-char", and the generated "shift" and "text" tasks, whose targets are the sources
moved by one) this is its own text continued; a translate model (hello → ohlol) gets its own
outputs as inputs, which it was never trained on: it still writes, a curiosity rather than a
continuation. A bidirectional core reads each string from its end as well, which a text still
being written does not have, so it is refused. An encoder–decoder reads the prime as a source and
its decoder writes (`playground.run.seq2seq_sampling`, with the same `draw` and `written_step`).

Which weights: the model as trained so far, or (``epoch``) as it was after that many epochs, from
the weights the next epoch kept as it started (`model_after`): the Train page writes with the epoch
its scrubber shows, and at the newest epoch that is the CLI's model, so the texts are the same.

The sample's settings are not part of `RunConfig`: they change nothing the run trains, only what
its trained model is asked afterwards, as What if?'s edits do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from playground.nn.data import Vocabulary
from playground.nn.model import RecurrentModel, State
from playground.nn.text import quoted, split_characters
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS, Limits
from playground.run.trainer import ONE_THREAD_ARITHMETIC, Trainer, build_model

MAX_TEMPERATURE = 2.0
# The lowest temperature above 0: far below it ``scores / temperature`` overflows float32 and the
# softmax is NaN; already at 0.01 nearly every draw is the likeliest character.
MIN_TEMPERATURE = 0.01
LIKELIEST_SHOWN = 5  # candidates kept per step, for a page's bars
UNSEEN_NAMED = 5  # characters a prime's sentence names before "and N more"


@dataclass(frozen=True)
class SampleSettings:
    """What a learner asks of a trained network: a prime, how many characters, how randomly."""

    prime: str
    length: int = 200
    temperature: float = 1.0  # 0: always the likeliest character (greedy)
    top_k: int = 0  # draw among the k likeliest characters only; 0: among all
    seed: int = 0  # seeds the draws (not the training)


@dataclass(frozen=True)
class Candidate:
    """One of a step's likeliest next characters.

    ``probability`` is the model's own (softmax of its scores); ``drawn_from`` is its chance in the
    distribution the step drew from (temperature and top-k applied; at temperature 0, 1 for the
    character taken and 0 for the others).
    """

    char: str
    probability: float
    drawn_from: float


@dataclass(frozen=True)
class WrittenStep:
    """One character written: the one drawn and the `LIKELIEST_SHOWN` likeliest, likeliest first."""

    char: str
    likeliest: tuple[Candidate, ...]


@dataclass(frozen=True)
class Sample:
    """What the network wrote after ``settings.prime``, character by character.

    ``hidden`` is (length, hidden * directions): the top layer's h from which each step's
    distribution came (after the prime's last character for the first step, then after each
    written character).
    """

    settings: SampleSettings
    steps: tuple[WrittenStep, ...]
    hidden: torch.Tensor

    @property
    def text(self) -> str:
        """The written characters, without the prime."""
        return "".join(step.char for step in self.steps)


def draw(
    scores: torch.Tensor, temperature: float, top_k: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """The index of the next character from one step's ``scores`` (vocab,), and the distribution it
    came from: softmax(scores / temperature) over the ``top_k`` likeliest (0: all), one
    `torch.multinomial` draw; temperature 0 takes the argmax and draws nothing."""
    if temperature == 0:
        index = scores.argmax()
        return index, torch.nn.functional.one_hot(index, scores.shape[-1]).float()
    scores = scores / temperature
    if 0 < top_k < scores.shape[-1]:
        kth = torch.topk(scores, top_k).values[-1]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    distribution = torch.softmax(scores, dim=-1)
    return torch.multinomial(distribution, 1, generator=generator)[0], distribution


def written_step(
    scores: torch.Tensor, chars: tuple[str, ...], settings: SampleSettings, generator: torch.Generator
) -> tuple[torch.Tensor, WrittenStep]:
    """One step's character drawn from its ``scores`` (`draw`), and the step as shown: the character
    (``chars[index]``) and the `LIKELIEST_SHOWN` likeliest, with their chances."""
    probabilities = torch.softmax(scores, dim=-1)
    top = torch.topk(probabilities, min(LIKELIEST_SHOWN, len(chars)))
    # NaN or infinite scores make every probability NaN (read here from the likeliest, at no cost)
    if math.isnan(top.values[0].item()):
        raise PlaygroundError("The network's scores are not finite numbers, so it cannot write; train it again.")
    index, distribution = draw(scores, settings.temperature, settings.top_k, generator)
    candidates = zip(top.indices.tolist(), top.values.tolist(), distribution[top.indices].tolist())
    likeliest = tuple(Candidate(chars[i], p, drawn) for i, p, drawn in candidates)
    return index, WrittenStep(chars[index.item()], likeliest)


def _listed(chars: list[str], shown: int = UNSEEN_NAMED) -> str:
    """The first ``shown`` characters quoted, and how many more."""
    listed = ", ".join(quoted(char) for char in chars[:shown])
    return listed if len(chars) <= shown else f"{listed} and {len(chars) - shown} more"


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_writing(settings: SampleSettings, limits: Limits = LIMITS) -> None:
    """The checks of how much and how randomly to write, with a sentence for each: any run's sample."""
    cap = limits.max_sample_length
    if not _whole_number(settings.length) or not 1 <= settings.length <= cap:
        raise PlaygroundError(
            f"The length to write must be a whole number from 1 to {cap} (a cap set by the host); "
            f"got {settings.length}."
        )
    temperature = settings.temperature
    is_number = isinstance(temperature, int | float) and not isinstance(temperature, bool)
    if not (is_number and math.isfinite(temperature)) or not (
        temperature == 0 or MIN_TEMPERATURE <= temperature <= MAX_TEMPERATURE
    ):
        raise PlaygroundError(
            f"Temperature must be 0 (always the likeliest character) or a number from {MIN_TEMPERATURE} "
            f"to {MAX_TEMPERATURE:g}; got {temperature}."
        )
    if not _whole_number(settings.top_k) or settings.top_k < 0:
        raise PlaygroundError(f"Top-k must be a whole number, 0 to draw among all characters; got {settings.top_k}.")
    if not _whole_number(settings.seed) or not 0 <= settings.seed < 2**63:
        raise PlaygroundError(f"The sample's seed must be a whole number from 0 to 2^63 - 1; got {settings.seed}.")


def check_prime(vocab: Vocabulary, settings: SampleSettings, limits: Limits = LIMITS) -> list[int]:
    """The prime's indices in ``vocab``; a sentence for an empty or too long prime, or one with a
    character the network never saw."""
    cap = limits.max_sample_length
    prime = split_characters(settings.prime)
    if not prime:
        raise PlaygroundError("Type a prime, at least one character for the network to read before it writes.")
    if len(prime) > cap:
        raise PlaygroundError(f"The prime has {len(prime)} characters; at most {cap} (a cap set by the host) are read.")
    unseen = [char for char in dict.fromkeys(prime) if char not in vocab.chars]
    if unseen:
        raise PlaygroundError(
            f"The prime {quoted(settings.prime, 40)} has {_listed(unseen)}: "
            f"the network never saw {'it' if len(unseen) == 1 else 'them'} in training; "
            f"use its characters: {quoted(''.join(vocab.chars))}."
        )
    return vocab.encode(prime)


def check_sample(config: RunConfig, vocab: Vocabulary, settings: SampleSettings, limits: Limits = LIMITS) -> list[int]:
    """Every check a sample of a run of ``config`` (trained on ``vocab``) must pass, with a sentence
    for each; returns the prime's indices. The exported script is checked before any training."""
    if config.bidirectional:
        raise PlaygroundError(
            "A bidirectional network reads each string from its end too, which a text still being written "
            "does not have; train it with bidirectional off to let it write."
        )
    check_writing(settings, limits)
    return check_prime(vocab, settings, limits)


def continues_its_text(config: RunConfig) -> bool:
    """Whether ``config`` trains a next-character model (task "next-char", or every target its source
    moved by one, as the generated "shift" and "text" tasks), whose writing continues its text."""
    pairs = zip(config.sources, config.targets)
    moved = all(split_characters(target)[:-1] == split_characters(source)[1:] for source, target in pairs)
    return config.task == "next-char" or (bool(config.targets) and moved)


def can_write_after(trainer: Trainer, epoch: int) -> bool:
    """Whether `model_after` has the weights of ``epoch``: the newest, or one whose next epoch kept
    its weights (a long run keeps every few epochs' only)."""
    return epoch == trainer.epoch or (1 <= epoch < trainer.epoch and trainer.history[epoch].detailed)


def model_after(trainer: Trainer, epoch: int) -> RecurrentModel:
    """``trainer``'s model as it was after ``epoch`` epochs: the model itself at the newest epoch,
    else a copy holding the weights epoch ``epoch + 1`` started from (its record's snapshot)."""
    if epoch == trainer.epoch:
        return trainer.model
    if not can_write_after(trainer, epoch):
        raise PlaygroundError(
            f"The weights after epoch {epoch} were not kept (a long run keeps every few epochs' only); "
            f"pick another epoch, or the newest, {trainer.epoch}."
        )
    model = build_model(trainer.config, len(trainer.dataset.vocab))
    model.load_state_dict(trainer.history[epoch].parameters)
    return model.train(trainer.model.training)


def sample(trainer: Trainer, settings: SampleSettings, limits: Limits = LIMITS, epoch: int | None = None) -> Sample:
    """Let ``trainer``'s model, as trained so far (or after ``epoch`` epochs, `model_after`), write
    ``settings.length`` characters after the prime.

    Raises `PlaygroundError` with a sentence for settings it cannot use (see `check_sample`).
    Greedy and sampled side by side are two calls, the first with temperature 0.
    """
    prime = check_sample(trainer.config, trainer.dataset.vocab, settings, limits)
    model = trainer.model if epoch is None else model_after(trainer, epoch)
    chars = trainer.dataset.vocab.chars
    generator = torch.Generator().manual_seed(settings.seed)
    steps: list[WrittenStep] = []
    hidden: list[torch.Tensor] = []
    state: State | None = None
    with ONE_THREAD_ARITHMETIC, torch.no_grad():
        for index in prime:
            scores, features, state = model.run(torch.tensor([[index]]), state)
        for step in range(settings.length):
            scores, features = scores[0, -1], features[0, -1]
            index, written = written_step(scores, chars, settings, generator)
            steps.append(written)
            hidden.append(features)
            if step + 1 < settings.length:
                scores, features, state = model.run(index.view(1, 1), state)
    return Sample(settings, tuple(steps), torch.stack(hidden))
