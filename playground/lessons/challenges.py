"""Graded goals, checked automatically from a run's record.

A challenge gives a starting config (its strings, often from `playground.lessons.tasks`, and
settings that do not quite work yet), rules the run must keep (the challenge's strings, a
core, a size), and a goal read off the trained run: the epoch its predictions were first
all right, the latest epoch's accuracy, the number of parameters. The learner changes the
settings and trains on the Train page (or ``python -m playground challenge NAME``); the
same `check` grades both.

Progress is the best passing evidence per challenge. It lives in the learner's session and
travels as a small JSON file (no accounts, no server storage); `progress_from_json` reads
such a file defensively, since anyone can upload anything, and `progress_from_upload` also
grades each entry's own evidence against its challenge's goal, as a run's is graded. An upload
stays the learner's claim: its evidence is checked, not re-trained, and a file carries no
settings, so the rules on them are checked for runs only.

A challenge whose strings a generated task made (`Challenge.task`) also grades on held-out pairs
drawn at grading time (`grading_pairs`: the task's own stream, seeded by the challenge's name,
never a training string, never shown: only their accuracy is), so a run that memorised fails
with a sentence saying so; the evidence gives both accuracies side by side.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from playground.lessons.gradient_flow import memory_task_config
from playground.lessons.tasks import Pairs, TaskOptions, generate_held_out, task_config
from playground.nn.data import build_test_dataset
from playground.nn.text import quoted
from playground.run.config import CELL_LABELS, RunConfig
from playground.run.errors import PlaygroundError
from playground.run.generalisation import GENERALISES_AT, percent
from playground.run.trainer import Trainer

PROGRESS_KIND = "rnn-playground-challenge-progress"
PROGRESS_VERSION = 1
MAX_PROGRESS_BYTES = 16_384  # a file of every challenge's evidence is well under 2 KB
GRADING_PAIRS = 32  # held-out pairs a generated challenge is graded on


@dataclass(frozen=True)
class Evidence:
    """What a trained run shows, as a challenge grades it."""

    epochs_trained: int
    solved_epoch: int | None  # first epoch whose predictions were all right
    accuracy: float  # share of target characters the latest epoch predicted right
    errors: int  # target characters the latest epoch got wrong
    parameters: int  # trainable numbers in the model
    # Share of characters right on the pairs drawn at grading time, never trained on, with the latest
    # weights, and how many pairs: None and 0 for a challenge whose strings were typed (or not kept).
    held_out_accuracy: float | None = None
    held_out_pairs: int = 0

    def lines(self) -> tuple[str, ...]:
        solved = f"epoch {self.solved_epoch}" if self.solved_epoch is not None else "not yet"
        accuracy = f"accuracy at the latest epoch: {self.accuracy:.1%} ({self.errors} wrong characters)"
        if self.held_out_accuracy is not None:  # side by side: learned the rule, or the strings?
            accuracy = (
                f"accuracy at the latest epoch: {self.accuracy:.1%} on the training strings ({self.errors} wrong "
                f"characters) · {percent(self.held_out_accuracy)} on {self.held_out_pairs} unseen strings"
            )
        return (
            f"epochs trained: {self.epochs_trained}",
            f"all predictions right first at: {solved}",
            accuracy,
            f"parameters: {self.parameters}",
        )


def evidence_of(trainer: Trainer, held_out: Pairs = ()) -> Evidence:
    """The evidence in ``trainer``'s record (an untrained run has accuracy 0), with its accuracy on the
    ``held_out`` pairs (in the run's vocabulary) measured with the latest weights when given."""
    targets = trainer.dataset.target_chars
    total = sum(len(chars) for chars in targets)
    if trainer.history:
        predicted = trainer.history[-1].predictions
        right = sum(p == t for prediction, target in zip(predicted, targets) for p, t in zip(prediction, target))
    else:
        right = 0
    return Evidence(
        epochs_trained=trainer.epoch,
        solved_epoch=trainer.solved_epoch,
        accuracy=right / total,
        errors=total - right,
        parameters=sum(p.numel() for p in trainer.model.parameters()),
        **_held_out_evidence(trainer, held_out),
    )


def _held_out_evidence(trainer: Trainer, held_out: Pairs) -> dict:
    if not held_out or not trainer.history:
        return {}
    pairs = trainer.config.with_changes(
        task="translate", test_sources=tuple(s for s, _ in held_out), test_targets=tuple(t for _, t in held_out)
    )
    measured = trainer.measure(build_test_dataset(pairs, trainer.dataset.vocab))
    return dict(held_out_accuracy=measured["test_accuracy"], held_out_pairs=len(held_out))


@dataclass(frozen=True)
class Rule:
    """A condition on the settings, said the way the learner reads it."""

    text: str
    holds: Callable[[RunConfig], bool]


@dataclass(frozen=True)
class Goal:
    """What a passing run's evidence shows: every prediction right at some epoch, by ``by_epoch``
    when given, with at most ``max_parameters`` when given. Read off the evidence alone, so a run
    and an uploaded file's entry are graded by the same goal."""

    by_epoch: int | None = None
    max_parameters: int | None = None

    def shortfalls(self, evidence: Evidence) -> tuple[str, ...]:
        """What ``evidence`` lacks to reach the goal, each said as a clause (none: reached)."""
        short = []
        if evidence.solved_epoch is None:
            short.append("no epoch got every prediction right")
        elif self.by_epoch is not None and evidence.solved_epoch > self.by_epoch:
            short.append(
                f"every prediction was right first at epoch {evidence.solved_epoch}, after epoch {self.by_epoch}"
            )
        elif evidence.held_out_accuracy is not None and evidence.held_out_accuracy < GENERALISES_AT:
            short.append(
                f"every training string was right, but only {percent(evidence.held_out_accuracy)} of the characters "
                f"of {evidence.held_out_pairs} unseen strings: it memorised the training strings instead of "
                f"learning the task (it needs {percent(GENERALISES_AT)})"
            )
        if self.max_parameters is not None and evidence.parameters > self.max_parameters:
            short.append(f"it has {evidence.parameters:,} parameters, more than {self.max_parameters:,}")
        return tuple(short)


@dataclass(frozen=True)
class Challenge:
    name: str
    title: str
    story: str  # why it is worth doing, and what to try
    goal: str  # what passes, in words
    start: RunConfig
    rules: tuple[Rule, ...]
    target: Goal  # the goal as the evidence is checked against it
    fewest_parameters: bool = False  # better passes use fewer parameters (else: solve earlier)
    # The generated task and options that made the strings: graded on fresh held-out pairs too.
    task: tuple[str, TaskOptions] | None = None


@dataclass(frozen=True)
class Verdict:
    challenge: str
    passed: bool
    evidence: Evidence
    broken_rules: tuple[str, ...]  # the rules the run's settings do not keep
    shortfalls: tuple[str, ...] = ()  # what the evidence lacks to reach the goal (`Goal.shortfalls`)


def same_strings(start: RunConfig) -> Rule:
    return Rule(
        "trained on the challenge's strings",
        lambda config: (config.task, config.sources, config.targets) == (start.task, start.sources, start.targets),
    )


def uses_core(*cells: str) -> Rule:
    """The run uses one of ``cells``: a challenge's requirement, named by the cell registry's labels."""
    labels = " or ".join(CELL_LABELS[cell] for cell in cells)
    return Rule(f"the core is {labels}", lambda config: config.cell in cells)


HELLO = RunConfig(
    sources=("hello",),
    targets=("ohlol",),
    cell="gru",
    encoding="onehot",
    hidden_size=2,
    lr=0.01,
    epochs=30,
)
COPY_TASK = ("copy", TaskOptions(length=64, pairs=64, delay=5))
PARITY_TASK = ("parity", TaskOptions(length=8, pairs=16))
PARITY_SMALL_TASK = ("parity", TaskOptions(length=10, pairs=16))
COPY, PARITY, PARITY_SMALL = (
    task_config(name, options, RunConfig()) for name, options in (COPY_TASK, PARITY_TASK, PARITY_SMALL_TASK)
)
# Measured with `python -m playground challenge parity-small` and flags, about 3.5 CPU seconds each: the
# task's GRU of 8 units gets every string right with 518 parameters; one GRU unit fed one embedded number
# passes with 18 (`--hidden-size 1 --embedding-size 1 --epochs 300`: epoch 45, 100 % of unseen strings'
# characters), one LSTM unit with 22 (epoch 133, 100 %); one GRU unit fed one-hot bits, 19 parameters,
# gets the strings right at epoch 291 but 84 % of unseen ones; two plain RNN units never solve it; a
# plain RNN of 128 units (`--cell rnn --hidden-size 128 --lr 0.02 --epochs 300`) memorises: 70 %.
PARITY_SMALL_MAX_PARAMETERS = 24  # room for one unit of a gated core, none for a memorising network
# Challenges that are no more, and why: a progress file naming one gets a sentence, not a refusal.
RETIRED_CHALLENGES = {
    "reverse-small": "no network it allowed learned to reverse unseen strings, so it could not be graded on them",
}
# The Gradient flow page's task, longer. Measured with the starting settings otherwise: a plain
# RNN of 8 or 32 units (tanh or relu, learning rate 0.001 to 0.1, clipped or not) never solves it
# in 100 epochs, a GRU does in 9 to 29 (0.05 to 0.01). A random search of 49 valid settings found one
# plain RNN that does (SGD at 0.5 with momentum, relu, clipping, 2-number embeddings, seed 42).
LONG_MEMORY = memory_task_config("rnn", length=30, epochs=100)

CHALLENGES: dict[str, Challenge] = {
    challenge.name: challenge
    for challenge in (
        Challenge(
            "gru-hello",
            "A GRU with two hidden units learns hello → ohlol",
            "Two numbers of memory are enough for hello → ohlol, if the inputs and the learning "
            "rate help. Try another input encoding, learning rate or optimizer.",
            "every prediction right within 30 epochs",
            HELLO,
            (
                same_strings(HELLO),
                uses_core("gru"),
                Rule("hidden size 2 or less", lambda config: config.hidden_size <= 2),
                Rule("one layer, one direction", lambda config: config.layers == 1 and not config.bidirectional),
            ),
            Goal(by_epoch=30),
        ),
        Challenge(
            "copy-rnn",
            "Delayed copy (k = 5) with a plain RNN",
            "Sixty-four strings of 64 letters, each to be repeated five steps later. A plain RNN "
            "must carry the last five letters through its hidden state, in order: too many strings "
            "to learn by heart, and it is graded on strings it never saw. The starting 8 units are "
            "too few; find a size, learning rate and number of epochs that get every character right.",
            "every prediction right at some epoch, and 95 % of unseen strings' characters",
            COPY.with_changes(cell="rnn", hidden_size=8, lr=0.01, epochs=100),
            (
                same_strings(COPY),
                uses_core("rnn", "rnncell"),
            ),
            Goal(),
            task=COPY_TASK,
        ),
        Challenge(
            "copy-lstm",
            "Delayed copy (k = 5): now an LSTM",
            "The same strings with an LSTM: compare the epoch it gets everything right, and its "
            "loss curve, with your plain RNN's. Gates do not make it easy: the starting LSTM stalls, "
            "and a bigger one learns the training strings by heart and fails the unseen ones. Try "
            "how the letters are fed in (the encoding), the size and the learning rate.",
            "every prediction right at some epoch, and 95 % of unseen strings' characters",
            COPY.with_changes(cell="lstm", hidden_size=16, lr=0.05, epochs=150),
            (same_strings(COPY), uses_core("lstm")),
            Goal(),
            task=COPY_TASK,
        ),
        Challenge(
            "parity",
            "Zero errors on the running parity of 8 bits",
            "Sixteen bit strings of length 8; after each bit, say whether the 1s so far are odd. "
            "The starting plain RNN with two units gets stuck: change the core, the size or the "
            "learning rate.",
            "zero wrong characters at some epoch, and 95 % of unseen strings' characters",
            PARITY.with_changes(cell="rnn", hidden_size=2),
            (same_strings(PARITY),),
            Goal(),
            task=PARITY_TASK,
        ),
        Challenge(
            "parity-small",
            "Running parity of 10 bits with the fewest parameters",
            "Sixteen bit strings of length 10; after each bit, say whether the 1s so far are odd. One "
            "bit of memory is enough, yet the starting GRU has 8 units and hundreds of parameters. How "
            "small can you go? Fewer units, a smaller embedding (or one-hot), another core: all count. "
            "A big network learns the sixteen strings by heart and fails the unseen ones; a small one "
            "has no room to, and must learn the rule.",
            f"every prediction right with at most {PARITY_SMALL_MAX_PARAMETERS} parameters, and 95 % of "
            "unseen strings' characters (fewer parameters is better)",
            PARITY_SMALL,
            (same_strings(PARITY_SMALL),),
            Goal(max_parameters=PARITY_SMALL_MAX_PARAMETERS),
            fewest_parameters=True,
            task=PARITY_SMALL_TASK,
        ),
        Challenge(
            "long-memory",
            "Remember the first letter for 30 steps",
            "Two strings: a letter, 28 dashes and a '?'; at the '?' the network must say the first "
            "letter again. The starting plain RNN never carries it that far: what would teach it "
            "fades at every step back (watch it on the Gradient flow page). Keep the size and change "
            "the core: gates can keep a value unchanged. Do a GRU and an LSTM both make it in time?",
            "every prediction right within 100 epochs",
            LONG_MEMORY,
            (
                same_strings(LONG_MEMORY),
                Rule("hidden size 32 or less", lambda config: config.hidden_size <= 32),
                Rule("one layer, one direction", lambda config: config.layers == 1 and not config.bidirectional),
            ),
            Goal(by_epoch=100),
        ),
    )
}


def get_challenge(name: str) -> Challenge:
    if name not in CHALLENGES:
        raise PlaygroundError(f"Unknown challenge {quoted(name, 40)}; choose one of: {', '.join(CHALLENGES)}.")
    return CHALLENGES[name]


def check(challenge: Challenge, config: RunConfig, evidence: Evidence) -> Verdict:
    """Passed when the run keeps every rule and its evidence reaches the goal."""
    broken = tuple(rule.text for rule in challenge.rules if not rule.holds(config))
    short = challenge.target.shortfalls(evidence)
    return Verdict(challenge.name, not broken and not short, evidence, broken, short)


def grading_pairs(challenge: Challenge) -> Pairs:
    """The held-out pairs ``challenge`` is graded on: drawn from its task's stream with a seed of the
    challenge's own (its name), never a training string; none for a challenge of typed strings."""
    if challenge.task is None:
        return ()
    name, options = challenge.task
    training = tuple(zip(challenge.start.sources, challenge.start.targets))
    options = replace(options, test_pairs=GRADING_PAIRS)
    return generate_held_out(name, options, training, salt=f"challenge {challenge.name}")


def check_run(challenge: Challenge, trainer: Trainer) -> Verdict:
    """Grade a trained run; one trained on the challenge's generated strings also on `grading_pairs`."""
    held_out = grading_pairs(challenge) if applies_to(challenge, trainer.config) else ()
    return check(challenge, trainer.config, evidence_of(trainer, held_out))


def applies_to(challenge: Challenge, config: RunConfig) -> bool:
    """Whether ``config`` trains the challenge's strings (the run is then graded against it)."""
    return same_strings(challenge.start).holds(config)


# Challenge name -> the best passing evidence. Read-only: `record` and `merge` return new ones, so a
# session's progress never shares a mutable object with another (an empty default is shared).
Progress = Mapping[str, Evidence]


def better(challenge: Challenge, new: Evidence, old: Evidence | None) -> bool:
    """Whether passing evidence ``new`` beats the recorded ``old``: fewer parameters or an earlier solve."""
    if old is None:
        return True
    if challenge.fewest_parameters:
        return new.parameters < old.parameters
    return (new.solved_epoch or math.inf) < (old.solved_epoch or math.inf)


def record(progress: Progress, verdict: Verdict) -> Progress:
    """``progress`` with a passing verdict's evidence kept if it is the challenge's best."""
    challenge = get_challenge(verdict.challenge)
    if verdict.passed and better(challenge, verdict.evidence, progress.get(verdict.challenge)):
        return {**progress, verdict.challenge: verdict.evidence}
    return progress


def merge(progress: Progress, other: Progress) -> Progress:
    """Both progresses, keeping each challenge's better evidence (an uploaded file joins the session's)."""
    merged = dict(progress)
    for name, evidence in other.items():
        if better(get_challenge(name), evidence, merged.get(name)):
            merged[name] = evidence
    return merged


def progress_to_json(progress: Progress) -> str:
    passed = {name: asdict(evidence) for name, evidence in progress.items()}
    return json.dumps({"kind": PROGRESS_KIND, "version": PROGRESS_VERSION, "passed": passed}, indent=1)


MAX_COUNT = 10**9  # above any epoch, error or parameter count a run here can have: not evidence
_EVIDENCE_FIELDS = frozenset(f.name for f in fields(Evidence))
_HELD_OUT_FIELDS = frozenset({"held_out_accuracy", "held_out_pairs"})  # absent from files saved before them


def _is_count(value: Any, low: int = 0) -> bool:
    return type(value) is int and low <= value <= MAX_COUNT


def _evidence_from(name: str, data: Any) -> Evidence:
    """One entry of a progress file, or `PlaygroundError` naming what is wrong with it."""
    entry = f"This progress file's entry for {quoted(name)}"
    if not isinstance(data, dict) or set(data) not in (_EVIDENCE_FIELDS, _EVIDENCE_FIELDS - _HELD_OUT_FIELDS):
        raise PlaygroundError(f"{entry} is not a challenge's evidence.")
    held_out, held_out_pairs = data.get("held_out_accuracy"), data.get("held_out_pairs", 0)
    if not _is_count(held_out_pairs) or (held_out is None) != (held_out_pairs == 0):
        raise PlaygroundError(f"{entry} has a held-out accuracy without held-out pairs, or pairs without one.")
    if held_out is not None and (type(held_out) not in (int, float) or not 0 <= held_out <= 1):
        raise PlaygroundError(f"{entry} has a held-out accuracy outside 0 to 1.")
    if not all(_is_count(data[key]) for key in ("epochs_trained", "errors", "parameters")):
        raise PlaygroundError(f"{entry} has a count that is not a whole number from 0 to {MAX_COUNT:,}.")
    solved, accuracy = data["solved_epoch"], data["accuracy"]
    if solved is not None and not (_is_count(solved, low=1) and solved <= data["epochs_trained"]):
        raise PlaygroundError(f"{entry} has a solved epoch that is not one of its {data['epochs_trained']} epochs.")
    if type(accuracy) not in (int, float) or not 0 <= accuracy <= 1:
        raise PlaygroundError(f"{entry} has an accuracy outside 0 to 1.")
    if (accuracy == 1) != (data["errors"] == 0):
        raise PlaygroundError(f"{entry} has an accuracy of {accuracy:.1%} with {data['errors']} wrong characters.")
    held_out = None if held_out is None else float(held_out)
    return Evidence(**{**data, "accuracy": float(accuracy), "held_out_accuracy": held_out})


def _refuse_constant(name: str) -> Any:
    """`json.loads` meets NaN, Infinity or -Infinity: numbers no JSON file may hold."""
    raise PlaygroundError(f"This file is not a progress file: it holds {name}, which JSON does not allow.")


def _json_from(raw: bytes) -> Any:
    """The JSON value of a file of at most MAX_PROGRESS_BYTES, or `PlaygroundError` saying why not."""
    if len(raw) > MAX_PROGRESS_BYTES:
        raise PlaygroundError(
            f"This file has {len(raw):,} bytes; a progress file is at most {MAX_PROGRESS_BYTES:,} bytes."
        )
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PlaygroundError("This file is not a progress file: it is not JSON text.") from None
    except RecursionError:
        raise PlaygroundError("This file is not a progress file: its JSON is nested too deeply.") from None
    except ValueError:  # Python reads no integer of more than 4,300 digits
        raise PlaygroundError("This file is not a progress file: it holds a number thousands of digits long.") from None


@dataclass(frozen=True)
class Upload:
    """An uploaded progress file as read: its entries, and a sentence per entry skipped (for a
    challenge that is no more, `RETIRED_CHALLENGES`)."""

    progress: Progress
    skipped: tuple[str, ...] = ()


def _read_progress(raw: bytes) -> Upload:
    data = _json_from(raw)
    if not isinstance(data, dict) or data.get("kind") != PROGRESS_KIND:
        raise PlaygroundError("This JSON file is not a progress file downloaded from the Challenges page.")
    version = data.get("version")
    if not (type(version) is int and version == PROGRESS_VERSION):
        shown = f"version {version}" if _is_count(version) else "no version number this app reads"
        raise PlaygroundError(f"This progress file has {shown}; expected version {PROGRESS_VERSION}.")
    passed = data.get("passed")
    if not isinstance(passed, dict):
        raise PlaygroundError("This progress file lists no passed challenges.")
    unknown = sorted(name for name in passed if name not in CHALLENGES and name not in RETIRED_CHALLENGES)
    if unknown:
        shown = ", ".join(quoted(name, 40) for name in unknown[:5])
        raise PlaygroundError(f"This progress file names challenges that do not exist: {shown}.")
    skipped = tuple(
        f"{quoted(name)} is no longer a challenge ({RETIRED_CHALLENGES[name]}); its entry was skipped."
        for name in passed
        if name in RETIRED_CHALLENGES
    )
    progress = {name: _evidence_from(name, evidence) for name, evidence in passed.items() if name in CHALLENGES}
    return Upload(progress, skipped)


def progress_from_json(raw: bytes) -> Progress:
    """Progress read from a downloaded file (entries of retired challenges left out); `PlaygroundError`
    with one sentence for anything else."""
    return _read_progress(raw).progress


def progress_from_upload(raw: bytes) -> Upload:
    """An uploaded progress file as the Challenges page takes it: read as `progress_from_json` reads
    it, then each entry graded by its challenge's goal on its own evidence; the first entry that falls
    short refuses the file, with a sentence naming the challenge and what the evidence lacks. An entry
    of a retired challenge is skipped with a sentence saying so."""
    upload = _read_progress(raw)
    for name, evidence in upload.progress.items():
        challenge = CHALLENGES[name]
        short = challenge.target.shortfalls(evidence)
        if short:
            raise PlaygroundError(
                f"This progress file's entry for “{challenge.title}” does not pass it: {'; '.join(short)}."
            )
    return upload
