"""The sampler (`playground.run.sampling`) against hand-written plain PyTorch loops, and its sentences."""

import math
from dataclasses import replace

import pytest
import torch

from playground import PlaygroundError, RunConfig, Trainer
from playground.lessons.presets import PRESETS
from playground.run.limits import Limits
from playground.run.sampling import Sample, SampleSettings, can_write_after, continues_its_text, sample

NEXT_CHAR = PRESETS["next-char"].config


def trained(config: RunConfig) -> Trainer:
    trainer = Trainer(config)
    trainer.train()
    return trainer


@pytest.fixture(scope="module")
def next_char() -> Trainer:
    """The default next-char model, trained: its distributions are sharp."""
    return trained(NEXT_CHAR)


@pytest.fixture(scope="module")
def unsure() -> Trainer:
    """A next-char model after three epochs: its distributions are broad, so draws differ by seed."""
    return trained(NEXT_CHAR.with_changes(epochs=3))


def reference_text(trainer: Trainer, prime: str, length: int, temperature: float, top_k: int, seed: int) -> str:
    """The plain loop: nn.Embedding, nn.RNN with h carried, nn.Linear; softmax(scores / T) over the top k,
    torch.multinomial with a seeded generator (argmax at T = 0)."""
    model, chars = trainer.model, trainer.dataset.vocab.chars
    generator = torch.Generator().manual_seed(seed)
    h = torch.zeros(1, 1, trainer.config.hidden_size)
    text = ""
    with torch.no_grad():
        for char in prime:
            out, h = model.core(model.encoder(torch.tensor([[chars.index(char)]])), h)
        for _ in range(length):
            scores = model.head(out)[0, 0]
            if temperature == 0:
                index = scores.argmax().item()
            else:
                scores = scores / temperature
                if top_k:
                    kept = torch.zeros(len(chars), dtype=torch.bool)
                    kept[torch.sort(scores, descending=True).indices[:top_k]] = True
                    scores = torch.where(kept, scores, -math.inf)
                index = torch.multinomial(torch.softmax(scores, dim=-1), 1, generator=generator).item()
            text += chars[index]
            out, h = model.core(model.encoder(torch.tensor([[index]])), h)
    return text


@pytest.mark.parametrize(("temperature", "top_k", "seed"), [(1.0, 0, 1), (0.8, 5, 1), (2.0, 0, 7), (0.5, 3, 0)])
def test_draws_equal_a_plain_multinomial_loop(unsure, temperature, top_k, seed):
    written = sample(unsure, SampleSettings("yo", 120, temperature, top_k, seed))
    assert written.text == reference_text(unsure, "yo", 120, temperature, top_k, seed)


def test_drawn_from_is_the_softmax_of_scores_over_temperature(unsure):
    """The bars' numbers: the model's softmax, and the distribution drawn from, bit for bit."""
    written = sample(unsure, SampleSettings("y", 3, 0.7, 0, 2))
    chars = unsure.dataset.vocab.chars
    with torch.no_grad():
        scores = unsure.model(torch.tensor([[chars.index("y")]]))[0, -1]
    first = written.steps[0].likeliest
    assert [c.probability for c in first] == torch.softmax(scores, -1).sort(descending=True).values[:5].tolist()
    tempered = torch.softmax(scores / 0.7, -1)
    assert [c.drawn_from for c in first] == [tempered[chars.index(c.char)].item() for c in first]
    assert len(first) == 5 and written.hidden.shape == (3, unsure.config.hidden_size)


@pytest.mark.parametrize(
    "changes",
    [
        {"cell": "rnncell", "layers": 2},
        {"cell": "lstm", "batch_first": True},
        {"cell": "gru", "encoding": "onehot", "head": "hidden", "hidden_size": 10},
    ],
)
def test_the_carried_state_gives_the_whole_text_read_at_once(changes):
    """Step by step with the state carried = the model reading prime and text from zeros in one pass."""
    trainer = trained(NEXT_CHAR.with_changes(epochs=5, **changes))
    written = sample(trainer, SampleSettings("if", 30, 1.0, 0, 3))
    chars = trainer.dataset.vocab.chars
    indices = torch.tensor([[chars.index(c) for c in "if" + written.text]])
    with torch.no_grad():
        probabilities = torch.softmax(trainer.model(indices)[0, 1:], dim=-1)
    for step, expected in zip(written.steps, probabilities):
        shown = torch.tensor([c.probability for c in step.likeliest])
        assert torch.allclose(shown, expected.sort(descending=True).values[:5], atol=1e-6)


def test_temperature_0_takes_the_argmax_whatever_the_seed(unsure):
    greedy = sample(unsure, SampleSettings("yo", 60, 0, 0, 1))
    assert greedy.text == reference_text(unsure, "yo", 60, 0, 0, 1)
    assert sample(unsure, SampleSettings("yo", 60, 0, 0, 99)).text == greedy.text
    assert all(step.likeliest[0].char == step.char and step.likeliest[0].drawn_from == 1 for step in greedy.steps)


def test_top_k_1_is_greedy(unsure):
    assert sample(unsure, SampleSettings("yo", 60, 1.5, 1, 4)).text == sample(unsure, SampleSettings("yo", 60, 0)).text


def test_same_seed_same_text_other_seed_other_text(unsure):
    first = sample(unsure, SampleSettings("yo", 60, 1.0, 0, 1)).text
    assert sample(unsure, SampleSettings("yo", 60, 1.0, 0, 1)).text == first
    assert sample(unsure, SampleSettings("yo", 60, 1.0, 0, 2)).text != first


def test_top_k_draws_only_among_the_k_likeliest(unsure):
    written = sample(unsure, SampleSettings("yo", 100, 2.0, 2, 5))
    for step in written.steps:
        assert step.char in {c.char for c in step.likeliest[:2]}
        assert sum(c.drawn_from for c in step.likeliest[2:]) == 0


SMALL = Limits(max_sample_length=10)


@pytest.mark.parametrize(
    ("settings", "sentence"),
    [
        (
            SampleSettings("yoz", 5),
            r"The prime 'yoz' has 'z': the network never saw it in training; use its characters",
        ),
        (SampleSettings("hey", 5), r"has 'h', 'e': the network never saw them"),
        (SampleSettings("", 5), "Type a prime, at least one character"),
        (SampleSettings("ABCDEFG", 5), "has 'A', 'B', 'C', 'D', 'E' and 2 more: the network never saw them"),
        (SampleSettings("y", 5, True), "Temperature must be.*got True"),
        (SampleSettings("y" * 11, 5), "The prime has 11 characters; at most 10"),
        (SampleSettings("y", 11), r"whole number from 1 to 10 \(a cap set by the host\); got 11"),
        (SampleSettings("y", 0), "from 1 to 10.*got 0"),
        (SampleSettings("y", 2.5), "from 1 to 10.*got 2.5"),
        (SampleSettings("y", 5, math.nan), "Temperature must be 0 .* or a number from 0.01 to 2; got nan"),
        (SampleSettings("y", 5, -0.5), "Temperature must be.*got -0.5"),
        (SampleSettings("y", 5, 2.5), "Temperature must be.*got 2.5"),
        (SampleSettings("y", 5, math.inf), "Temperature must be.*got inf"),
        (SampleSettings("y", 5, 1e-40), "Temperature must be.*got 1e-40"),
        (SampleSettings("y", 5, 1.0, -1), "Top-k must be a whole number, 0 to draw among all characters; got -1"),
        (SampleSettings("y", 5, 1.0, math.nan), "Top-k must be a whole number.*got nan"),
        (SampleSettings("y", 5, 1.0, 0, -1), "seed must be a whole number from 0"),
    ],
)
def test_bad_settings_get_a_sentence(next_char, settings, sentence):
    with pytest.raises(PlaygroundError, match=sentence):
        sample(next_char, settings, SMALL)


@pytest.mark.parametrize(
    "settings",
    [
        SampleSettings("y", 10, 0, 0),  # greedy: top-k has nothing to choose from
        SampleSettings("y" * 10, 1, 2.0, 0),  # the longest prime, the highest temperature
        SampleSettings("y", 10, 0.01, 1000),  # the lowest temperature; top-k past the vocabulary = all
    ],
)
def test_edge_settings_write(next_char, settings):
    assert len(sample(next_char, settings, SMALL).text) == settings.length


def test_a_bidirectional_network_cannot_write():
    trainer = Trainer(NEXT_CHAR.with_changes(bidirectional=True, epochs=1))
    with pytest.raises(PlaygroundError, match="bidirectional network reads each string from its end"):
        sample(trainer, SampleSettings("y"))


@pytest.mark.parametrize("temperature", [0, 1.0])
def test_scores_that_are_not_finite_get_a_sentence(temperature):
    trainer = Trainer(NEXT_CHAR.with_changes(epochs=1))
    with torch.no_grad():
        trainer.model.head.bias[0] = math.inf
    with pytest.raises(PlaygroundError, match="The network's scores are not finite numbers, so it cannot write"):
        sample(trainer, SampleSettings("y", 5, temperature))


def test_a_translate_model_writes_its_outputs_fed_back_in():
    """hello → ohlol's model was never fed its outputs; it still writes, from its own vocabulary."""
    trainer = trained(RunConfig(epochs=5))
    written = sample(trainer, SampleSettings("h", 40, 1.0, 0, 1))
    chars = trainer.dataset.vocab.chars
    indices = torch.tensor([[chars.index(c) for c in "h" + written.text]])
    with torch.no_grad():
        probabilities = torch.softmax(trainer.model(indices)[0, :-1], dim=-1)
    first = torch.tensor([step.likeliest[0].probability for step in written.steps])
    assert torch.allclose(first, probabilities.max(dim=-1).values, atol=1e-6)


def test_a_prime_is_read_character_by_character_as_the_training_strings_were():
    """An emoji with its modifier is one character of the vocabulary, in the prime as in training."""
    trainer = trained(NEXT_CHAR.with_changes(sources=("hi 👋🏽 hi 👋🏽",), epochs=5))
    written = sample(trainer, SampleSettings("👋🏽", 20, 1.0, 0, 1))
    assert all(step.char in trainer.dataset.vocab.chars for step in written.steps)
    with pytest.raises(PlaygroundError, match="has '👋'"):
        sample(trainer, SampleSettings("👋", 20))


@pytest.mark.parametrize("epoch", [1, 3, 20])
def test_writing_after_an_epoch_is_writing_with_a_run_trained_that_far(next_char, epoch):
    """The Train page writes with the epoch its scrubber shows: a run stopped there writes the same."""
    settings = SampleSettings("if ", length=30, temperature=1.0, seed=3)
    shorter = trained(NEXT_CHAR.with_changes(epochs=epoch))
    assert same(sample(next_char, settings, epoch=epoch), sample(shorter, settings))
    assert same(sample(next_char, settings, epoch=next_char.epoch), sample(next_char, settings))


def same(one: Sample, other: Sample) -> bool:
    return one.steps == other.steps and torch.equal(one.hidden, other.hidden)


def test_writing_after_an_epoch_whose_weights_were_not_kept_gets_a_sentence(next_char):
    thinned = trained(NEXT_CHAR.with_changes(epochs=4))
    thinned.history[2] = replace(thinned.history[2], parameters=None, probabilities=None)
    assert not can_write_after(thinned, 2) and can_write_after(thinned, 3) and can_write_after(thinned, 4)
    with pytest.raises(PlaygroundError, match="weights after epoch 2 were not kept"):
        sample(thinned, SampleSettings("if "), epoch=2)


def test_a_next_character_model_continues_its_text_and_a_translate_model_does_not():
    assert continues_its_text(NEXT_CHAR)
    assert continues_its_text(RunConfig(sources=("helloworl", "oworldhel"), targets=("elloworld", "worldhell")))
    assert continues_its_text(RunConfig(sources=("a😀b",), targets=("😀bc",)))  # characters, not code points
    assert not continues_its_text(RunConfig(sources=("hello",), targets=("ohlol",)))
    assert not continues_its_text(RunConfig(sources=("hello", "abc"), targets=("ellox", "xyz")))
