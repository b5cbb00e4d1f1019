"""Mini-batches (`RunConfig.batch_size`) and a text of one's own (`RunConfig.text`).

The key check: a run in mini-batches equals a plain PyTorch loop written by hand (nn.Embedding, the
core, nn.Linear, nn.CrossEntropyLoss, Adam, one `torch.randperm` per epoch seeded by seed + epoch
index, each batch padded to its own longest pair and packed when its lengths differ), loss for
loss and weight for weight. Batch size 0 leaves every run as it was; the views see a fixed sample.
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from playground import PlaygroundError, RunConfig, Trainer
from playground.lessons.presets import PRESETS, STORY
from playground.nn.data import build_test_dataset, text_windows, training_pairs
from playground.run.checkpoint import Replay, load_checkpoint, max_file_bytes, save_checkpoint
from playground.run.history import epochs_frame
from playground.run.limits import LIMITS, Limits
from playground.run.memory import trainer_booked_bytes, trainer_bytes
from playground.run.minibatches import SHOWN_PAIRS
from playground.run.sampling import SampleSettings, sample
from playground.run.settings_checks import validate_settings
from playground.run.trainer import check_config

TEXT = "the cat sat on the mat. the dog sat on the log. a cat and a dog sat on a mat and a log. " * 3
# Pairs of different lengths, as a file holds them: a batch pads to its own longest pair.
FILE_PAIRS = tuple((word, word[::-1]) for word in "cat dog bird ox horse hen eagle bee ant moth yak".split())
CORES = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def text_config(**changes) -> RunConfig:
    config = RunConfig(
        task="next-char", sources=("ab",), targets=(), text=TEXT, window=12, batch_size=5, cell="gru", epochs=3
    )
    return config.with_changes(hidden_size=6, embedding_size=4, lr=0.02, **changes)


def file_config(**changes) -> RunConfig:
    sources, targets = zip(*FILE_PAIRS)
    config = RunConfig(sources=sources, targets=targets, vocab="", data_file="words.csv", batch_size=4, epochs=3)
    return config.with_changes(hidden_size=6, embedding_size=4, lr=0.05, **changes)


@pytest.fixture
def one_thread():
    """One thread, as the trainer and exported scripts run: more threads sum in another order."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def plain_pytorch_run(config: RunConfig) -> tuple[list[list[float]], dict[str, torch.Tensor]]:
    """The run written out in plain PyTorch: each epoch's batch losses and the final weights."""
    pairs = training_pairs(config)
    vocab = sorted({char for pair in pairs for text in pair for char in text})
    torch.manual_seed(config.seed)
    embedding = nn.Embedding(len(vocab), config.embedding_size)
    core = CORES[config.cell](config.embedding_size, config.hidden_size)
    head = nn.Linear(config.hidden_size, len(vocab))
    parameters = [*embedding.parameters(), *core.parameters(), *head.parameters()]
    optimizer = torch.optim.Adam(parameters, lr=config.lr)
    criterion = nn.CrossEntropyLoss()  # ignores the padded targets, -100
    losses = []
    for epoch in range(config.epochs):
        order = torch.randperm(len(pairs), generator=torch.Generator().manual_seed(config.seed + epoch))
        epoch_losses = []
        for start in range(0, len(pairs), config.batch_size):
            batch = [pairs[i] for i in order[start : start + config.batch_size].tolist()]
            lengths = [len(source) for source, _ in batch]
            longest = max(lengths)
            sources = torch.tensor([[vocab.index(c) for c in s] + [0] * (longest - len(s)) for s, _ in batch])
            targets = torch.tensor([[vocab.index(c) for c in t] + [-100] * (longest - len(t)) for _, t in batch])
            inputs = embedding(sources).transpose(0, 1)  # (seq, batch, features)
            h_0 = torch.zeros(1, len(batch), config.hidden_size)
            state = (h_0, torch.zeros_like(h_0)) if config.cell == "lstm" else h_0
            if len(set(lengths)) > 1:
                packed = pack_padded_sequence(inputs, torch.tensor(lengths), enforce_sorted=False)
                output = pad_packed_sequence(core(packed, state)[0], total_length=longest)[0]
            else:
                output = core(inputs, state)[0]
            logits = head(output.transpose(0, 1))
            loss = criterion(logits.reshape(-1, len(vocab)), targets.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_losses.append(loss.item())
        losses.append(epoch_losses)
    weights = {"encoder.weight": embedding.weight}
    weights |= {f"core.{name}": p for name, p in core.named_parameters()}
    weights |= {f"head.{name}": p for name, p in head.named_parameters()}
    return losses, weights


@pytest.mark.parametrize("cell", sorted(CORES))
@pytest.mark.parametrize("make", [text_config, file_config], ids=["text", "file-pairs"])
def test_mini_batches_equal_a_plain_pytorch_loop_bit_for_bit(make, cell, one_thread):
    config = make(cell=cell)
    trainer = Trainer(config)
    records = trainer.train()
    losses, weights = plain_pytorch_run(config)
    assert trainer.minibatches and len(losses[0]) == math.ceil(len(training_pairs(config)) / config.batch_size)
    assert [list(record.batch_losses) for record in records] == losses
    assert [record.loss for record in records] == [math.fsum(epoch) / len(epoch) for epoch in losses]
    for name, parameter in trainer.model.named_parameters():
        assert torch.equal(parameter, weights[name]), name
    assert all(torch.equal(records[-1].parameters[name], weights[name]) for name in weights)


def test_a_text_is_cut_into_windows_that_read_it_once():
    assert text_windows("abcdefgh", 3) == [list("abcd"), list("defg"), list("gh")]
    assert text_windows("abcdefghij", 3) == [list("abcd"), list("defg"), list("ghij")]  # a lone "j" holds no pair
    pairs = training_pairs(text_config())
    assert "".join(source for source, _ in pairs) + pairs[-1][1][-1] == TEXT
    assert all(target == source[1:] + after[0] for (source, target), (after, _) in zip(pairs, pairs[1:]))
    spaced = text_config(text="ab" + " " * 30 + "cd", window=4)
    assert ("    ", "    ") in training_pairs(spaced) and check_config(spaced).batch_size == 9


def test_batch_size_zero_or_all_pairs_trains_as_one_batch_as_before():
    config = RunConfig(sources=("hello", "abc"), targets=("olleh", "cba"), epochs=4)
    before = Trainer(config).train()
    for batch_size in (0, 2, 64):
        trainer = Trainer(config.with_changes(batch_size=batch_size))
        assert not trainer.minibatches and trainer.dataset is trainer.training_set
        records = trainer.train()
        assert [r.loss for r in records] == [r.loss for r in before]
        assert all(r.batch_losses == (r.loss,) for r in records)


def test_the_same_seed_gives_the_same_run_and_another_seed_another_order():
    first, again = Trainer(text_config()).train(), Trainer(text_config()).train()
    assert [r.batch_losses for r in first] == [r.batch_losses for r in again]
    assert all(torch.equal(a.probabilities, b.probabilities) for a, b in zip(first, again))
    other = Trainer(text_config(seed=778)).train()
    assert [r.batch_losses for r in other] != [r.batch_losses for r in first]


def test_a_rewound_run_draws_the_same_batches_again():
    trainer = Trainer(text_config(epochs=4))
    trainer.train(2)
    mark = trainer.mark()
    later = trainer.train()
    trainer.rewind(mark)
    assert [r.batch_losses for r in trainer.train()] == [r.batch_losses for r in later]


def test_the_views_see_the_first_pairs_with_the_weights_after_the_epoch():
    trainer = Trainer(text_config())
    pairs = training_pairs(trainer.config)
    assert trainer.training_set.batch_size == len(pairs) > SHOWN_PAIRS
    assert trainer.dataset.batch_size == SHOWN_PAIRS
    assert tuple(zip(trainer.dataset.sources, trainer.dataset.targets)) == pairs[:SHOWN_PAIRS]
    record = trainer.train_epoch()
    with torch.no_grad():
        shown = torch.softmax(trainer.model(trainer.dataset.source_indices), dim=-1)
    assert torch.equal(record.probabilities, shown)
    assert all(torch.equal(record.parameters[name], p) for name, p in trainer.model.named_parameters())
    recomputed = torch.softmax(trainer.internals(1).logits, dim=-1)
    assert torch.allclose(recomputed, record.probabilities, atol=1e-6)
    assert len(record.predictions) == SHOWN_PAIRS and record.solved(trainer.dataset.targets) is False
    shown_probabilities = SHOWN_PAIRS * trainer.dataset.seq_len * len(trainer.dataset.vocab)
    assert trainer.detail_bytes() == 4 * (sum(p.numel() for p in trainer.model.parameters()) + shown_probabilities)


def test_fewer_pairs_than_are_shown_are_all_shown():
    trainer = Trainer(file_config(sources=("cat", "bird", "ox"), targets=("tac", "drib", "xo"), batch_size=2))
    assert trainer.minibatches and trainer.dataset.sources == ("cat", "bird", "ox")
    assert len(trainer.train_epoch().batch_losses) == 2


def test_a_runs_memory_counts_every_training_pair():
    trainer = Trainer(text_config())
    every_pair = trainer.training_set
    data = every_pair.source_indices.nbytes + every_pair.target_indices.nbytes + every_pair.source_onehot.nbytes
    shown = trainer.dataset
    data += shown.source_indices.nbytes + shown.target_indices.nbytes + shown.source_onehot.nbytes
    weights = sum(p.nbytes for p in trainer.model.parameters())
    assert trainer_bytes(trainer) == weights + data  # nothing trained yet: weights and data
    assert trainer_booked_bytes(trainer) > data


def test_held_out_pairs_are_measured_after_each_mini_batch_epoch():
    config = text_config(test_sources=("the cat sat", "a dog and a log"))
    trainer = Trainer(config)
    record = trainer.train_epoch()
    test = build_test_dataset(config, trainer.dataset.vocab)
    assert record.has_test and record.test_loss == trainer.measure(test)["test_loss"]


def test_a_text_trained_model_writes():
    trainer = Trainer(text_config(epochs=2))
    trainer.train()
    written = sample(trainer, SampleSettings(prime="the ", length=30, temperature=0.0))
    assert len(written.text) == 30 and set(written.text) <= set(TEXT)
    again = sample(trainer, SampleSettings(prime="the ", length=30, temperature=0.0))
    assert again.text == written.text


def test_the_history_table_carries_each_batch_loss_of_a_run_in_mini_batches():
    trainer = Trainer(text_config(epochs=2))
    trainer.train()
    column = epochs_frame(trainer)["batch losses"]
    assert [tuple(map(float, cell.split())) for cell in column] == [r.batch_losses for r in trainer.history]
    one_batch = Trainer(text_config(epochs=1, batch_size=0, text=TEXT[:60]))
    one_batch.train()
    assert "batch losses" not in epochs_frame(one_batch)


def test_more_pairs_than_one_batch_holds_need_a_batch_size():
    many = tuple(f"a{i:02d}" for i in range(80))
    config = RunConfig(sources=many, targets=many, vocab="", data_file="many.csv")
    with pytest.raises(PlaygroundError) as refused:
        check_config(config)
    assert str(refused.value) == (
        "80 string pairs do not fit in one batch (at most 64): set a batch size between 1 and 64 "
        "to train them in mini-batches."
    )
    assert check_config(config.with_changes(batch_size=16)).batch_size == 80
    with pytest.raises(PlaygroundError, match="^80 string pairs is more than the limit of 64 per batch"):
        check_config(config.with_changes(data_file="", batch_size=16))


def test_the_caps_of_a_file_and_of_a_text_are_their_own():
    many = tuple(f"a{i:02d}" for i in range(80))
    config = RunConfig(sources=many, targets=many, vocab="", data_file="many.csv", batch_size=16)
    with pytest.raises(PlaygroundError) as refused:
        check_config(config, Limits(max_file_pairs=50))
    assert str(refused.value) == "The file 'many.csv' has 80 string pairs; the limit is 50 (a cap set by the host)."
    with pytest.raises(PlaygroundError) as refused:
        check_config(text_config(), Limits(max_corpus_characters=100))
    assert str(refused.value) == (
        f"Your text may have at most 100 characters (a cap set by the host); it has {len(TEXT)} characters. "
        "Shorten it or train on a part of it."
    )
    with pytest.raises(PlaygroundError, match="^Your own text trains a next-character model"):
        check_config(text_config(task="translate"))
    with pytest.raises(PlaygroundError, match="^Your text is only spaces"):
        check_config(text_config(text="     "))


def test_the_story_ships_with_the_app_and_a_small_network_learns_it_in_seconds():
    config = PRESETS["story"].config
    assert STORY == config.text and 3000 <= len(STORY) <= 6000 and "  " not in STORY
    validate_settings(config)
    trainer = Trainer(config)
    assert trainer.minibatches and len(trainer.history) == 0
    records = trainer.train()
    # Measured: 3.19 at epoch 1, 0.106 at epoch 100, in 3.4 CPU seconds (the cap is 60).
    assert records[-1].loss < 0.3 < records[0].loss / 10
    assert trainer.train_seconds < LIMITS.max_train_seconds / 4
    written = sample(trainer, SampleSettings(prime="The boy ", length=60, temperature=0.0)).text
    assert sum(word in STORY for word in written.split()) >= len(written.split()) - 2  # mostly its own words


def test_a_model_file_of_a_run_in_mini_batches_replays_to_the_same_weights():
    trainer = Trainer(file_config(epochs=2))
    trainer.train()
    replay = Replay(load_checkpoint(save_checkpoint(trainer)))
    while not replay.done:
        replay.train_epoch()
    assert replay.verified and replay.trainer.config.data_file == "words.csv"
    assert [r.batch_losses for r in replay.trainer.history] == [r.batch_losses for r in trainer.history]


def test_a_model_file_may_carry_the_most_data_the_caps_allow():
    longest = "é" * LIMITS.max_string_length  # two bytes in UTF-8
    pairs = file_config(sources=(longest,) * LIMITS.max_file_pairs, targets=(longest,) * LIMITS.max_file_pairs)
    text = text_config(text="€" * LIMITS.max_corpus_characters)  # three bytes
    no_data = max_file_bytes(Limits(max_file_pairs=1, max_corpus_characters=1))
    for config in (pairs, text):
        data = sum(len(s.encode()) for s in (*config.sources, *config.targets, config.text))
        assert data < max_file_bytes() - no_data
