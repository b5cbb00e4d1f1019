"""The encoder–decoder against plain PyTorch (tests/seq2seq_reference.py), its padding and masking, its
greedy decoding, and its refusals."""

from __future__ import annotations

import pytest
import torch

from playground import PlaygroundError, RunConfig
from playground.nn.seq2seq_data import END, START, build_seq2seq_dataset
from playground.run.limits import Limits
from playground.run.seq2seq_trainer import Seq2SeqTrainer, teacher_forced, trainer_for
from playground.run.trainer import SEQ2SEQ_NOT_ON_PAGES, Trainer, build_model
from seq2seq_reference import Reference, reference_run

SOURCES, TARGETS = ("cat", "dog", "owl"), ("chat", "chien", "hibou")  # one source length: no packing
CAP = 9  # the decoder writes at most this many characters here (the host's length cap)
LIMITS = Limits(max_string_length=CAP)
EPOCHS = 4


def seq2seq_config(**changes) -> RunConfig:
    base = RunConfig(
        sources=SOURCES,
        targets=TARGETS,
        architecture="seq2seq",
        hidden_size=6,
        embedding_size=5,
        epochs=EPOCHS,
        lr=0.1,
        window=CAP,  # a text's window is capped by the length cap too
    )
    return base.with_changes(**changes)


CASES = [
    (cell, attention, ratio, layers, bidirectional)
    for cell in ("rnncell", "rnn", "lstm", "gru")
    for attention in ("none", "dot", "additive")
    for ratio in (1.0, 0.5, 0.0)
    for layers in (1, 2)
    for bidirectional in (False, True)
    if not (cell == "rnncell" and bidirectional)  # the hand loop runs forward only
]


@pytest.mark.parametrize(("cell", "attention", "ratio", "layers", "bidirectional"), CASES)
def test_losses_decodings_and_attention_equal_plain_pytorch_bit_for_bit(cell, attention, ratio, layers, bidirectional):
    config = seq2seq_config(
        cell=cell, attention=attention, teacher_forcing=ratio, layers=layers, bidirectional=bidirectional
    )
    trainer = Seq2SeqTrainer(config, LIMITS)
    records = trainer.train()
    reference = Reference(
        cell=cell, attention=attention, layers=layers, bidirectional=bidirectional, teacher_forcing=ratio
    )
    losses, decoded, attention_weights = reference_run(reference, list(SOURCES), list(TARGETS), EPOCHS, CAP)
    assert [record.loss for record in records] == losses
    assert [record.predictions for record in records] == decoded
    for record, expected in zip(records, attention_weights):
        if attention == "none":
            assert record.attention is None and expected is None
            continue
        steps = record.attention.shape[1]
        assert torch.equal(record.attention, expected[:, :steps])
        assert not expected[:, steps:].any()  # the engine stops once every pair has written ⟨/s⟩


def test_a_ratio_between_0_and_1_draws_per_batch_from_the_epochs_own_generator():
    config = seq2seq_config(teacher_forcing=0.5)
    draws = [teacher_forced(config, epoch, 1)[0] for epoch in range(EPOCHS)]
    assert True in draws and False in draws  # the reference cases above see both kinds of batch
    assert draws == [teacher_forced(config, epoch, 1)[0] for epoch in range(EPOCHS)]
    assert teacher_forced(config.with_changes(teacher_forcing=1.0), 0, 3) == [True] * 3
    assert teacher_forced(config.with_changes(teacher_forcing=0.0), 0, 3) == [False] * 3


@pytest.mark.parametrize("attention", ["dot", "additive"])
@pytest.mark.parametrize("cell", ["rnncell", "lstm", "gru"])
def test_each_pair_in_a_padded_batch_equals_that_pair_alone(cell, attention):
    sources, targets = ("hello", "cat", "a"), ("bonjour", "chat", "un")
    bidirectional = cell != "rnncell"
    config = seq2seq_config(
        sources=sources, targets=targets, cell=cell, attention=attention, bidirectional=bidirectional, layers=2
    )
    batch = build_seq2seq_dataset(config, LIMITS)
    model = build_model(config, len(batch.vocab))
    scores, weights = model(batch.source_indices, batch.source_lengths, batch.decoder_inputs)
    real = torch.arange(batch.source_indices.shape[1]) < batch.source_lengths.unsqueeze(1)
    assert torch.allclose(weights.sum(dim=-1), torch.ones(weights.shape[:2]))
    assert not weights.masked_select(~real.unsqueeze(1)).any()  # exactly 0 on the padding
    for row, (source, target) in enumerate(zip(sources, targets)):
        # the pair alone, in the batch's vocabulary: the same indices
        alone = build_seq2seq_dataset(
            config.with_changes(sources=(source,), targets=(target,), vocab="".join(batch.vocab.chars)), LIMITS
        )
        own_scores, own_weights = model(alone.source_indices, alone.source_lengths, alone.decoder_inputs)
        steps, length = len(target) + 1, len(source)
        assert torch.allclose(scores[row, :steps], own_scores[0], atol=1e-6)
        assert torch.allclose(weights[row, :steps, :length], own_weights[0], atol=1e-6)


def test_greedy_decoding_stops_at_the_end_marker_or_the_cap():
    config = seq2seq_config(attention="dot", epochs=60)
    trainer = trainer_for(config, LIMITS, stop_when_solved=True)
    assert isinstance(trainer, Seq2SeqTrainer)
    fresh, _ = trainer.decode(trainer.dataset)  # untrained: no ⟨/s⟩ yet, so the cap ends every decoding
    assert all(len(row) <= CAP for row in fresh)
    trainer.train()
    assert trainer.solved_epoch is not None
    decoded, weights = trainer.decode(trainer.dataset)
    assert [trainer.dataset.decode(row) for row in decoded] == list(TARGETS)
    # the longest target is 5 characters: its ⟨/s⟩ is step 6, and decoding ends there for every pair
    assert weights.shape[1] == max(len(target) for target in TARGETS) + 1
    for row, target in enumerate(TARGETS):
        assert torch.allclose(weights[row, : len(target) + 1].sum(dim=-1), torch.ones(len(target) + 1))
        assert not weights[row, len(target) + 1 :].any()


def test_an_untrained_decoder_that_never_ends_writes_the_cap():
    config = seq2seq_config()
    trainer = Seq2SeqTrainer(config, LIMITS)
    model, data = trainer.model, trainer.dataset
    with torch.no_grad():
        model.head.bias.fill_(0.0)
        model.head.bias[0] = 100.0  # always the first character, never ⟨/s⟩
    decoded, _ = trainer.decode(data)
    assert decoded == [[0] * CAP] * len(SOURCES)


def test_markers_are_indices_of_their_own_and_show_as_text():
    data = build_seq2seq_dataset(seq2seq_config(sources=("ab",), targets=("bba",)), LIMITS)
    assert (data.start_index, data.end_index) == (2, 3)
    assert data.decoder_inputs.tolist() == [[2, 1, 1, 0]]
    assert data.decoder_targets.tolist() == [[1, 1, 0, 3]]
    assert data.decode([2, 0, 3]) == f"{START}a{END}"


def test_solved_and_deterministic_from_the_same_config_and_seed():
    config = seq2seq_config(attention="additive", epochs=30, test_sources=("cat",), test_targets=("chat",))
    first, second = Seq2SeqTrainer(config, LIMITS), Seq2SeqTrainer(config, LIMITS)
    losses = [record.loss for record in first.train()]
    assert losses == [record.loss for record in second.train()]
    assert first.history[-1].test_predictions == ("chat",) and first.history[-1].test_string_accuracy == 1.0


def test_mini_batches_train_and_rewind_to_the_same_numbers():
    config = seq2seq_config(batch_size=2, teacher_forcing=0.5, epochs=6)
    trainer = Seq2SeqTrainer(config, LIMITS)
    trainer.train(3)
    mark = trainer.mark()
    later = [record.loss for record in trainer.train()]
    trainer.rewind(mark)
    assert [record.loss for record in trainer.train()] == later
    assert len(trainer.history[-1].batch_losses) == 2


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"targets": ("chat", "", "hibou")}, "The target string on line 2 is empty"),
        ({"targets": ("chat", "c" * (CAP + 1), "hibou")}, f"has {CAP + 1} characters; the limit is {CAP}"),
        ({"targets": ("chat", "⟨s⟩hi", "hibou")}, "contains ⟨s⟩, the decoder's start marker"),
        ({"sources": ("cat", "d⟨/s⟩", "owl")}, "contains ⟨/s⟩, the decoder's end marker"),
        ({"architecture": "aligned", "attention": "dot"}, "only the encoder–decoder does"),
        ({"task": "next-char"}, "choose the task 'translate source → target'"),
        ({"head": "hidden"}, "choose the nn.Linear head"),
        ({"test_sources": ("cax",), "test_targets": ("chat",)}, "The test source has the character 'x'"),
        ({"teacher_forcing": 2.0}, "between 0 and 1; got 2.0"),
    ],
    ids=[
        "empty-target",
        "past-cap",
        "typed-start",
        "typed-end",
        "attention-aligned",
        "next-char",
        "head",
        "unseen",
        "tf",
    ],
)
def test_bad_input_gets_a_sentence(changes, sentence):
    with pytest.raises(PlaygroundError) as refused:
        trainer_for(seq2seq_config(**changes), LIMITS)
    assert sentence in str(refused.value)


def test_the_per_step_trainer_refuses_an_encoder_decoder_with_the_pages_sentence():
    with pytest.raises(PlaygroundError) as refused:
        Trainer(seq2seq_config())
    assert str(refused.value) == SEQ2SEQ_NOT_ON_PAGES
