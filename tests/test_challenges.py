"""Challenges: each checker passes on a known-good config and fails on a known-bad one;
progress files round-trip and hostile ones are refused with a clear message."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from playground import PlaygroundError, Trainer
from playground.lessons.challenges import (
    CHALLENGES,
    GRADING_PAIRS,
    MAX_PROGRESS_BYTES,
    Evidence,
    check_run,
    evidence_of,
    grading_pairs,
    progress_from_json,
    progress_to_json,
    record,
)
from playground.run.generalisation import percent

# Changes to each challenge's starting config that pass it, found by trying.
KNOWN_GOOD = {
    "gru-hello": dict(encoding="embedding", lr=0.1),
    "copy-rnn": dict(hidden_size=64, epochs=200),  # solved at epoch 72, 99 % of unseen characters
    "copy-lstm": dict(encoding="onehot", epochs=600),  # solved at epoch 486, 98 % unseen, then and at 600
    "parity": dict(cell="gru"),
    "parity-small": dict(hidden_size=1, embedding_size=1, epochs=300),  # 18 parameters, solved at epoch 45, 100 %
    "long-memory": dict(cell="gru"),
}
# Per generated challenge, changes that get every training string right but not the unseen ones: a plain
# RNN of 128 units right on every parity string at epoch 24, 69 % of unseen characters; a plain RNN of
# 192 units right on every copy string at epoch 100, 86 %; an embedded LSTM of 64 units at epoch 143, 50 %;
# a plain RNN of 128 units on the 10-bit parity strings at epoch 33, 70 % (and 18,198 parameters).
MEMORISING = {
    "parity": dict(hidden_size=128, lr=0.02, epochs=300),
    "parity-small": dict(cell="rnn", hidden_size=128, lr=0.02, epochs=300),
    "copy-rnn": dict(hidden_size=192, lr=0.02, epochs=150),
    "copy-lstm": dict(hidden_size=64, lr=0.02, epochs=200),
}
# Changes that fail it: too slow, too few epochs, a broken rule or too many parameters.
KNOWN_BAD = {
    "gru-hello": [
        {},
        dict(encoding="embedding", lr=0.1, cell="lstm"),
        dict(encoding="embedding", lr=0.1, hidden_size=8),
    ],
    "copy-rnn": [{}, dict(cell="lstm", encoding="onehot", epochs=600)],
    "copy-lstm": [{}, dict(cell="rnn", hidden_size=64, epochs=200)],
    "parity": [{}, dict(cell="gru", sources=("0101",) * 16, targets=("0110",) * 16)],
    "parity-small": [{}],  # the starting GRU passes with 518 parameters
    "long-memory": [
        {},
        dict(lr=0.1, nonlinearity="relu"),
        dict(cell="gru", hidden_size=64),
        dict(cell="gru", epochs=20),
    ],
}


def trained(config) -> Trainer:
    trainer = Trainer(config)
    trainer.train()
    return trainer


def test_every_challenge_has_known_good_and_bad_configs():
    assert set(KNOWN_GOOD) == set(KNOWN_BAD) == set(CHALLENGES)


@pytest.mark.parametrize("name", CHALLENGES)
def test_known_good_config_passes(name):
    challenge = CHALLENGES[name]
    verdict = check_run(challenge, trained(challenge.start.with_changes(**KNOWN_GOOD[name])))
    assert verdict.passed, verdict
    assert verdict.broken_rules == ()
    assert verdict.evidence.solved_epoch is not None and verdict.evidence.errors == 0
    if challenge.task is not None:
        assert verdict.evidence.held_out_pairs == GRADING_PAIRS and verdict.evidence.held_out_accuracy >= 0.95


@pytest.mark.parametrize("name", CHALLENGES)
def test_known_bad_configs_fail(name):
    challenge = CHALLENGES[name]
    for changes in KNOWN_BAD[name]:
        verdict = check_run(challenge, trained(challenge.start.with_changes(**changes)))
        assert not verdict.passed, (changes, verdict)


def test_long_memory_tells_a_plain_rnn_from_a_gru():
    """The plain RNN it starts with stays one character short for all 100 epochs; a GRU of the same
    size gets every prediction right at epoch 29. Seeded, so every run of this test trains the same."""
    challenge = CHALLENGES["long-memory"]
    plain = check_run(challenge, trained(challenge.start))
    gated = check_run(challenge, trained(challenge.start.with_changes(cell="gru")))
    assert not plain.passed and plain.evidence.solved_epoch is None
    assert (plain.evidence.epochs_trained, plain.evidence.errors) == (100, 1)
    assert gated.passed and gated.evidence.solved_epoch == 29 and gated.broken_rules == ()


def test_a_broken_rule_is_named():
    challenge = CHALLENGES["gru-hello"]
    verdict = check_run(challenge, trained(challenge.start.with_changes(hidden_size=8, encoding="embedding", lr=0.1)))
    assert verdict.evidence.solved_epoch is not None  # it learned, but with a bigger hidden state
    assert verdict.broken_rules == ("hidden size 2 or less",)


def test_evidence_reads_the_record():
    trainer = trained(CHALLENGES["parity"].start.with_changes(epochs=3))
    evidence = evidence_of(trainer)
    targets = "".join(trainer.dataset.targets)
    predicted = "".join(trainer.history[-1].predictions)
    wrong = sum(p != t for p, t in zip(predicted, targets))
    assert evidence.epochs_trained == 3
    assert evidence.errors == wrong
    assert evidence.accuracy == pytest.approx(1 - wrong / len(targets))
    assert evidence.parameters == sum(p.numel() for p in trainer.model.parameters())
    untrained = evidence_of(Trainer(trainer.config))
    assert untrained.epochs_trained == 0 and untrained.accuracy == 0 and untrained.solved_epoch is None


def evidence(solved_epoch: int | None = 5, parameters: int = 100) -> Evidence:
    return Evidence(epochs_trained=10, solved_epoch=solved_epoch, accuracy=1.0, errors=0, parameters=parameters)


def verdict_for(name: str, passed: bool, ev: Evidence):
    from playground.lessons.challenges import Verdict

    return Verdict(name, passed, ev, ())


def test_progress_keeps_the_best_pass():
    progress = record({}, verdict_for("parity", False, evidence()))
    assert progress == {}
    progress = record(progress, verdict_for("parity", True, evidence(solved_epoch=20)))
    progress = record(progress, verdict_for("parity", True, evidence(solved_epoch=30)))
    assert progress["parity"].solved_epoch == 20
    progress = record(progress, verdict_for("parity-small", True, evidence(parameters=500)))
    progress = record(progress, verdict_for("parity-small", True, evidence(parameters=400)))
    progress = record(progress, verdict_for("parity-small", True, evidence(parameters=450)))
    assert progress["parity-small"].parameters == 400


def test_progress_round_trips_through_json():
    progress = {"parity": evidence(), "parity-small": evidence(solved_epoch=None, parameters=7)}
    text = progress_to_json(progress)
    assert len(text.encode()) < MAX_PROGRESS_BYTES
    assert progress_from_json(text.encode()) == progress


def good_file(**changes) -> dict:
    data = json.loads(progress_to_json({"parity": evidence()}))
    data.update(changes)
    return data


HOSTILE = [
    b"",
    b"\xff\xfe\x00garbage",
    b"not json",
    b"[" * 100_00 + b"]" * 100_00,
    b" " * (MAX_PROGRESS_BYTES + 1),
    b"[]",
    b'"text"',
    b"null",
    json.dumps({"kind": "something else"}).encode(),
    json.dumps(good_file(version=2)).encode(),
    json.dumps(good_file(passed=[])).encode(),
    json.dumps(good_file(passed={"<script>alert(1)</script>": {}})).encode(),
    json.dumps(good_file(passed={"parity": "yes"})).encode(),
    json.dumps(good_file(passed={"parity": {**vars(evidence()), "extra": 1}})).encode(),
    json.dumps(good_file(passed={"parity": {**vars(evidence()), "accuracy": 2}})).encode(),
    json.dumps(good_file(passed={"parity": {**vars(evidence()), "accuracy": "NaN"}})).encode(),
    json.dumps(good_file(passed={"parity": {**vars(evidence()), "parameters": -1}})).encode(),
    json.dumps(good_file(passed={"parity": {**vars(evidence()), "parameters": True}})).encode(),
    json.dumps(good_file(passed={"parity": {**vars(evidence()), "solved_epoch": 0}})).encode(),
    json.dumps(good_file(passed={"parity": {**vars(evidence()), "errors": 1.5}})).encode(),
    b'{"kind": "rnn-playground-challenge-progress", "version": 1, "passed": {"parity": {"accuracy": NaN}}}',
]


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_progress_files_get_a_clear_message(raw):
    with pytest.raises(PlaygroundError) as error:
        progress_from_json(raw)
    message = str(error.value)
    assert message.startswith("This ") and len(message) < 200


def test_every_challenge_of_generated_strings_is_graded_on_unseen_ones():
    graded = {name for name, challenge in CHALLENGES.items() if challenge.task is not None}
    assert graded == set(MEMORISING) == {"copy-rnn", "copy-lstm", "parity", "parity-small"}


@pytest.mark.parametrize("name", MEMORISING)
def test_a_memorising_run_that_used_to_pass_now_fails_on_unseen_pairs_and_says_so(name):
    challenge = CHALLENGES[name]
    trainer = trained(challenge.start.with_changes(**MEMORISING[name]))
    any_size = replace(challenge.target, max_parameters=None)  # a network big enough to memorise is too big
    assert any_size.shortfalls(evidence_of(trainer)) == (), "graded on its training strings, it passes"
    verdict = check_run(challenge, trainer)
    evidence = verdict.evidence
    assert not verdict.passed and evidence.errors == 0 and evidence.held_out_pairs == GRADING_PAIRS
    assert evidence.held_out_accuracy < 0.9
    sentence, *too_big = verdict.shortfalls
    too_many = f"it has {evidence.parameters:,} parameters, more than {challenge.target.max_parameters}"
    assert too_big == ([too_many] if challenge.fewest_parameters else [])
    assert sentence.startswith("every training string was right, but only ") and "memorised" in sentence
    side_by_side = (
        f"accuracy at the latest epoch: 100.0% on the training strings (0 wrong characters) · "
        f"{percent(evidence.held_out_accuracy)} on {GRADING_PAIRS} unseen strings"
    )
    assert side_by_side in evidence.lines()


@pytest.mark.parametrize("name", MEMORISING)
def test_grading_pairs_are_fresh_never_trained_on_and_not_the_ones_shown(name):
    challenge = CHALLENGES[name]
    pairs = grading_pairs(challenge)
    assert len(pairs) == GRADING_PAIRS and pairs == grading_pairs(challenge)  # seeded by the challenge
    sources = {source for source, _ in pairs}
    assert not sources & set(challenge.start.sources)
    assert not sources <= set(challenge.start.test_sources), "not the held-out pairs the run shows"
    assert grading_pairs(CHALLENGES["gru-hello"]) == ()


def test_a_progress_file_saved_before_held_out_grading_still_reads():
    old = Evidence(epochs_trained=30, solved_epoch=9, accuracy=1.0, errors=0, parameters=40).__dict__
    del old["held_out_accuracy"], old["held_out_pairs"]
    text = json.dumps({"kind": "rnn-playground-challenge-progress", "version": 1, "passed": {"parity": old}})
    assert progress_from_json(text.encode())["parity"].held_out_accuracy is None
    claimed = {**old, "held_out_accuracy": 2.0, "held_out_pairs": 32}
    text = json.dumps({"kind": "rnn-playground-challenge-progress", "version": 1, "passed": {"parity": claimed}})
    with pytest.raises(PlaygroundError, match="held-out accuracy outside 0 to 1"):
        progress_from_json(text.encode())
