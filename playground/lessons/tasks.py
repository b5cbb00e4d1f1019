"""A ladder of tasks whose training pairs are generated, each needing a different kind of memory.

The lessons stop at ``hello → ohlol``, which every core learns; these tasks make the
differences between the cores felt. Each generator returns (source, target) pairs of one
length, drawn from a `random.Random` seeded with the run's seed, so the same name, length,
pairs and seed always give the same strings (and a shared link or a CLI call repeats them).
A task also names the settings that suit it, so picking one gives a run that can succeed.

Each task also draws held-out pairs (`generate_held_out`) from a stream of its own, never among
the training pairs, so a run can tell learning the rule from memorising the strings.

Every target character is a function of the source characters up to it (except ``reverse``,
which needs the future, and the two next-character tasks, whose next character comes from
the text the window was cut from): that rule is what tests/test_tasks.py checks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playground.nn.text import quoted
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS, Limits

Pairs = tuple[tuple[str, str], ...]
LETTERS = "abcdefgh"  # what copy and reverse move around: few enough to learn, enough to differ
FILLER = "."  # a delayed copy's output before the first character arrives
MARKER = "x"  # count since a marker: the character that resets the count
COUNT_STEP = "."  # ... and every other one
MAX_DIGIT = 9  # counts and depths are printed as one digit; "9" means nine or more
PATTERN = "helloworld"  # shift by one: the repeating text; its l's are followed by l, o and d
TEXT = (
    "the cat sat on the mat. the dog sat on the log. a bird sang in the tree and the cat "
    "looked up at the bird. the dog ran to the tree, and the bird flew over the hill. "
    "then the sun set and the cat and the dog slept on the mat by the door. "
)
DEFAULT_LENGTH, DEFAULT_PAIRS, DEFAULT_DELAY = 8, 8, 3
DEFAULT_TEST_PAIRS = 32  # held-out pairs a generated task measures after every epoch
HELD_OUT_SALT = "held-out"  # the held-out pairs' own random stream: the training pairs' draws stay as they were
_DISTINCT_TRIES = 50  # draws per wanted pair before duplicates are allowed (tiny lengths have few strings)


@dataclass(frozen=True)
class TaskOptions:
    """What a learner chooses for a generated task."""

    length: int = DEFAULT_LENGTH  # characters per string
    pairs: int = DEFAULT_PAIRS  # strings in the batch
    delay: int = DEFAULT_DELAY  # copy only: how many steps the output lags behind
    seed: int = 777
    test_pairs: int = DEFAULT_TEST_PAIRS  # held-out pairs, never among the training pairs (0: none)


@dataclass(frozen=True)
class GeneratedTask:
    """One rung of the ladder: how its pairs are made and what memory they need."""

    name: str
    title: str
    explanation: str  # one paragraph: what the network must remember, and which core copes
    make_source: Callable[[random.Random, TaskOptions], str]
    rule: Callable[[str, TaskOptions], str]  # target of a source (windows of a text carry their own)
    settings: dict[str, Any] = field(default_factory=dict)  # RunConfig fields that suit the task
    min_length: int = 1
    # The length, pairs and delay the explanation speaks of (the task picker starts there): where
    # the difference between the cores it names shows. Tests train both cores at them.
    suggested: TaskOptions = TaskOptions()


def _letters(rng: random.Random, options: TaskOptions) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(options.length))


def _bits(rng: random.Random, options: TaskOptions) -> str:
    return "".join(rng.choice("01") for _ in range(options.length))


def _marked(rng: random.Random, options: TaskOptions) -> str:
    return "".join(MARKER if rng.random() < 0.25 else COUNT_STEP for _ in range(options.length))


def _brackets(rng: random.Random, options: TaskOptions) -> str:
    """A random walk of brackets that never closes more than it opened, nor nests deeper than 9."""
    depth, chars = 0, []
    for _ in range(options.length):
        opening = depth == 0 or (depth < MAX_DIGIT and rng.random() < 0.5)
        depth += 1 if opening else -1
        chars.append("(" if opening else ")")
    return "".join(chars)


def _window(text: str, unambiguous_start: bool = False) -> Callable[[random.Random, TaskOptions], str]:
    """A window of ``length + 1`` characters of the text, repeated as often as needed, at a random offset.

    The extra character is the last target (see `_pair`). With ``unambiguous_start``, a window
    starts only at a character that has one successor in the text: a window starting at an
    'l' of "helloworld" could not be predicted even by a perfect network.
    """
    cyclic = text + text[0]
    successors = {char: {cyclic[i + 1] for i, c in enumerate(text) if c == char} for char in text}
    starts = [i for i, char in enumerate(text) if not unambiguous_start or len(successors[char]) == 1]

    def draw(rng: random.Random, options: TaskOptions) -> str:
        start = rng.choice(starts)
        repeated = text * (2 + (options.length + 1) // len(text))
        return repeated[start : start + options.length + 1]

    return draw


def copy_delayed(source: str, options: TaskOptions) -> str:
    return FILLER * options.delay + source[: len(source) - options.delay]


def reverse(source: str, options: TaskOptions) -> str:
    return source[::-1]


def running_parity(source: str, options: TaskOptions) -> str:
    out, parity = [], 0
    for bit in source:
        parity ^= bit == "1"
        out.append(str(parity))
    return "".join(out)


def count_since_marker(source: str, options: TaskOptions) -> str:
    out, count = [], 0
    for char in source:
        count = 0 if char == MARKER else count + 1
        out.append(str(min(count, MAX_DIGIT)))
    return "".join(out)


def bracket_depth(source: str, options: TaskOptions) -> str:
    out, depth = [], 0
    for char in source:
        depth += 1 if char == "(" else -1
        out.append(str(min(depth, MAX_DIGIT)))
    return "".join(out)


def next_character(window: str, options: TaskOptions) -> str:
    """A window's target: each character's successor (the window holds one character more)."""
    return window[1:]


_LSTM = dict(cell="lstm", hidden_size=16, lr=0.05, epochs=150)
GENERATED_TASKS: dict[str, GeneratedTask] = {
    task.name: task
    for task in (
        GeneratedTask(
            "shift",
            "Shift by one: the next character of 'helloworldhelloworld…'",
            "Each source is a window of 'helloworldhelloworld…', and each target character is the "
            "one after it. Mostly the current character decides what comes next (h → e, w → o), "
            "but an 'l' is followed by 'l', 'o' or 'd' and an 'o' by 'w' or 'r': the network must "
            "remember the one or two characters before. Short memory is enough, so every core "
            "learns it.",
            _window(PATTERN, unambiguous_start=True),
            next_character,
            dict(cell="rnn", hidden_size=8, lr=0.05, epochs=100),
        ),
        GeneratedTask(
            "copy",
            "Copy with a delay of k steps",
            "The target repeats the source k steps later ('.' until the first character "
            "arrives), so at every step the network must hold the last k characters in its "
            "hidden state, in order. A plain RNN's memory fades with every step, and its "
            "gradients vanish over the delay; an LSTM's or GRU's gates can keep a value "
            "unchanged for as long as it is needed. Fill picks an LSTM with k = 5 and 16 strings of "
            "16 characters, where the difference shows: switch the core to nn.RNN and it is still "
            "wrong after 150 epochs. With k = 1, or a few short strings, every core copes.",
            _letters,
            copy_delayed,
            _LSTM,
            min_length=2,
            suggested=TaskOptions(length=16, pairs=16, delay=5),
        ),
        GeneratedTask(
            "reverse",
            "Reverse the string",
            "The first output character is the last input character, which a network reading "
            "forward has not seen yet: it can only memorise the pairs. A bidirectional network "
            "reads the string from both ends at once, so every output step sees the whole "
            "source; it is the setting that makes this task learnable.",
            _letters,
            reverse,
            dict(_LSTM, bidirectional=True),
            min_length=2,
        ),
        GeneratedTask(
            "parity",
            "Running parity of a bit string",
            "After each bit the target says whether the string so far holds an odd number of "
            "1s. One bit of memory is enough, but it must flip exactly at every 1 and never "
            "drift at a 0, however long the string: the answer depends on every earlier bit, "
            "which makes it a classic hard case for a plain RNN. Fill picks a GRU and 16 strings of "
            "32 bits, where it shows: switch the core to nn.RNN and it is still wrong after 150 "
            "epochs. Eight short strings, any core learns by heart.",
            _bits,
            running_parity,
            dict(cell="gru", hidden_size=8, lr=0.05, epochs=150),
            suggested=TaskOptions(length=32, pairs=16),
        ),
        GeneratedTask(
            "count",
            "Count the steps since the last marker",
            f"The target is the number of steps since the last '{MARKER}' (or since the start; "
            f"{MAX_DIGIT} means {MAX_DIGIT} or more). The network needs a counter that a marker "
            "resets and every other character increments: memory that is both kept and "
            "overwritten on cue, which is what an LSTM's forget gate does.",
            _marked,
            count_since_marker,
            _LSTM,
        ),
        GeneratedTask(
            "brackets",
            "Bracket depth",
            "Each target digit is how many brackets are open after that character. The network "
            "must count up at '(' and down at ')', and keep the count exactly over the whole "
            "string: a stack depth, the simplest memory a parser needs.",
            _brackets,
            bracket_depth,
            _LSTM,
        ),
        GeneratedTask(
            "text",
            "Next character of a short English text",
            "Each source is a window of a short English text and each target character is the "
            "next one. The last character or two often decide it ('th' → 'e'), but which word "
            "follows 'the ' depends on the sentence so far: the longer the context the network "
            "keeps, the fewer mistakes it makes.",
            _window(TEXT),
            next_character,
            dict(cell="lstm", hidden_size=32, lr=0.05, epochs=200),
        ),
    )
}


def check_options(task: GeneratedTask, options: TaskOptions, limits: Limits = LIMITS) -> None:
    """Refuse lengths and pair counts outside the caps, with a message naming them."""
    if not task.min_length <= options.length <= limits.max_string_length:
        raise PlaygroundError(
            f"The {task.name} task's length must be {task.min_length} to {limits.max_string_length} "
            f"characters per string; got {options.length}."
        )
    if not 1 <= options.pairs <= limits.max_pairs:
        raise PlaygroundError(f"The number of pairs must be between 1 and {limits.max_pairs}; got {options.pairs}.")
    if not 0 <= options.test_pairs <= limits.max_test_pairs:
        raise PlaygroundError(
            f"The number of test pairs must be between 0 and {limits.max_test_pairs}; got {options.test_pairs}."
        )
    if task.rule is copy_delayed and not 1 <= options.delay < options.length:
        raise PlaygroundError(
            f"The copy delay must be at least 1 and shorter than the strings ({options.length}); got {options.delay}."
        )


def get_task(name: str) -> GeneratedTask:
    if name not in GENERATED_TASKS:
        raise PlaygroundError(f"Unknown task {quoted(name, 40)}; choose one of: {', '.join(GENERATED_TASKS)}.")
    return GENERATED_TASKS[name]


def _pair(task: GeneratedTask, source: str, options: TaskOptions) -> tuple[str, str]:
    if task.rule is next_character:  # the drawn window holds one character more than the pair
        return source[:-1], next_character(source, options)
    return source, task.rule(source, options)


def generate(name: str, options: TaskOptions, limits: Limits = LIMITS) -> Pairs:
    """``options.pairs`` (source, target) pairs of ``options.length`` characters, seeded by ``options.seed``.

    Pairs are distinct while the task has enough different strings of that length.
    """
    task = get_task(name)
    check_options(task, options, limits)
    rng = random.Random(f"{name}/{options.seed}")
    pairs: list[tuple[str, str]] = []
    for _ in range(options.pairs * _DISTINCT_TRIES):
        pair = _pair(task, task.make_source(rng, options), options)
        if pair not in pairs:
            pairs.append(pair)
        if len(pairs) == options.pairs:
            return tuple(pairs)
    while len(pairs) < options.pairs:  # too few different strings: repeat some
        pairs.append(_pair(task, task.make_source(rng, options), options))
    return tuple(pairs)


def generate_held_out(name: str, options: TaskOptions, training: Pairs, salt: str = HELD_OUT_SALT) -> Pairs:
    """Up to ``options.test_pairs`` distinct pairs for measuring, never trained on: drawn from their own
    stream (seeded by the task, the seed and ``salt``), none with a source of ``training``, and none with
    a character the training pairs lack (the network has no input or score for it).

    Fewer when the task has too few such strings of that length (`held_out_note` says so).
    """
    task = get_task(name)
    seen_sources = {source for source, _ in training}
    known = {char for pair in training for text in pair for char in text}
    rng = random.Random(f"{name}/{options.seed}/{salt}")
    pairs: list[tuple[str, str]] = []
    for _ in range(options.test_pairs * _DISTINCT_TRIES):
        if len(pairs) == options.test_pairs:
            break
        pair = _pair(task, task.make_source(rng, options), options)
        if pair[0] not in seen_sources and set(pair[0] + pair[1]) <= known:
            seen_sources.add(pair[0])
            pairs.append(pair)
    return tuple(pairs)


def held_out_note(options: TaskOptions, config: RunConfig) -> str | None:
    """A sentence when a task's config holds fewer held-out pairs than ``options`` asked for, else None."""
    got = len(config.test_sources)
    if got >= options.test_pairs:
        return None
    return (
        f"Only {got} of the {options.test_pairs} test pairs asked for: at length {options.length} the task has "
        "no more strings that are not training strings and use only their characters."
    )


def task_config(name: str, options: TaskOptions, base: RunConfig, limits: Limits = LIMITS) -> RunConfig:
    """``base`` with the task's generated strings, its held-out pairs and the settings that suit it.

    The pairs are trained as given (task "translate"), with the vocabulary built from them,
    by one layer (the explanations speak of one hidden state). The Linear head is used
    because reading the hidden state as scores needs hidden size = vocabulary size, which
    the tasks' vocabularies do not match.
    """
    pairs = generate(name, options, limits)
    held_out = generate_held_out(name, options, pairs)
    changes: dict[str, Any] = dict(
        sources=tuple(source for source, _ in pairs),
        targets=tuple(target for _, target in pairs),
        test_sources=tuple(source for source, _ in held_out),
        test_targets=tuple(target for _, target in held_out),
        task="translate",
        vocab="",
        vocab_order="sorted",
        encoding="embedding",
        head="linear",
        layers=1,
        bidirectional=False,
        seed=options.seed,
    )
    changes.update(get_task(name).settings)
    return base.with_changes(**changes)
