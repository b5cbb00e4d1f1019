"""The encoder–decoder's sampler (`playground.run.seq2seq_sampling`) against the run's greedy decoding
and a hand loop of plain PyTorch draws, and its sentences."""

import pytest
import torch

from playground import PlaygroundError, RunConfig
from playground.nn.seq2seq import top_hidden
from playground.nn.seq2seq_data import END, START
from playground.run.sampling import SampleSettings
from playground.run.seq2seq_sampling import sample_seq2seq
from playground.run.seq2seq_trainer import Seq2SeqTrainer

PAIRS = RunConfig(
    sources=("cat", "dog"),
    targets=("chat", "chien"),
    architecture="seq2seq",
    hidden_size=12,
    epochs=6,
    seed=3,
)


def trained(config: RunConfig) -> Seq2SeqTrainer:
    trainer = Seq2SeqTrainer(config)
    trainer.train()
    return trainer


@pytest.fixture(scope="module", params=["dot", "additive", "none"])
def run(request) -> Seq2SeqTrainer:
    """A few epochs of two pairs of different lengths, for each attention."""
    return trained(PAIRS.with_changes(attention=request.param))


@pytest.fixture(scope="module")
def solved() -> Seq2SeqTrainer:
    """cat → chat, learned: its decoder writes ⟨/s⟩ after chat."""
    return trained(RunConfig(sources=("cat",), targets=("chat",), architecture="seq2seq", attention="dot", epochs=30))


def test_temperature_0_writes_the_runs_greedy_decoding_of_each_training_source(run):
    cap = run.limits.max_string_length  # the trainer's decoding stops there too
    for source, predicted in zip(PAIRS.sources, run.history[-1].predictions):
        written = sample_seq2seq(run, SampleSettings(source, length=cap, temperature=0))
        assert written.text == predicted
        assert all(step.likeliest[0].char == step.char for step in written.steps)
        assert written.hidden.shape == (len(written.steps), PAIRS.hidden_size)


def hand_loop(trainer: Seq2SeqTrainer, source: str, length: int, temperature: float, seed: int) -> list[int]:
    """Draws by hand: the model's teacher-forced forward pass over ⟨s⟩ and the characters drawn so far
    gives the next step's scores; torch.multinomial on softmax(scores / temperature) picks."""
    data, model = trainer.dataset, trainer.model
    sources = torch.tensor([data.vocab.encode(list(source))])
    generator = torch.Generator().manual_seed(seed)
    drawn: list[int] = []
    with torch.no_grad():
        while len(drawn) < length:
            inputs = torch.tensor([[data.start_index, *drawn]])
            scores, _ = model(sources, torch.tensor([len(source)]), inputs)
            probabilities = torch.softmax(scores[0, -1] / temperature, dim=-1)
            index = torch.multinomial(probabilities, 1, generator=generator).item()
            if index == data.end_index:
                break
            drawn.append(index)
    return drawn


def test_draws_are_a_hand_loops_multinomial_draws_bit_for_bit(run):
    chars = (*run.dataset.vocab.chars, START, END)
    for seed in range(4):
        settings = SampleSettings("dog", length=12, temperature=1.5, seed=seed)
        written = sample_seq2seq(run, settings)
        assert written.text == "".join(chars[i] for i in hand_loop(run, "dog", 12, 1.5, seed))
        again = sample_seq2seq(run, settings)  # same settings, same text, steps and states
        assert again.steps == written.steps and torch.equal(again.hidden, written.hidden)


def test_each_step_shows_its_five_likeliest_and_the_decoders_top_h(run):
    written = sample_seq2seq(run, SampleSettings("cat", length=3, temperature=0.8, seed=1))
    model, data = run.model, run.dataset
    with torch.no_grad():
        keys, state = model.encode(torch.tensor([data.vocab.encode(list("cat"))]), torch.tensor([3]))
        scores, state, _ = model.decoder_step(
            torch.tensor([data.start_index]), state, keys, torch.ones(1, 3, dtype=bool)
        )
    first = written.steps[0]
    top = torch.topk(torch.softmax(scores[0], dim=-1), 5)
    assert [c.probability for c in first.likeliest] == top.values.tolist()
    assert torch.equal(written.hidden[0], top_hidden(state)[0])


def test_it_stops_at_the_end_marker_or_after_length_characters(solved):
    written = sample_seq2seq(solved, SampleSettings("cat", length=50, temperature=0))
    assert written.text == "chat" and len(written.hidden) == 4
    assert any(END in [c.char for c in step.likeliest] for step in written.steps)
    assert sample_seq2seq(solved, SampleSettings("cat", length=2, temperature=0)).text == "ch"


def test_an_unseen_character_or_a_marker_in_the_prime_gets_a_sentence(solved):
    with pytest.raises(PlaygroundError, match="the network never saw it in training"):
        sample_seq2seq(solved, SampleSettings("cab"))
    with pytest.raises(PlaygroundError, match="decoder's end marker"):
        sample_seq2seq(solved, SampleSettings(f"ca{END}"))
    with pytest.raises(PlaygroundError, match="Temperature must be 0"):
        sample_seq2seq(solved, SampleSettings("cat", temperature=5))
