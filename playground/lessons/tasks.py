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

import calendar
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


# Tasks whose target has a length of its own (or needs the whole source before its first character): for the
# encoder–decoder only (`RunConfig.architecture` "seq2seq"), which the pages cannot show yet, so they are kept
# apart from the ladder the Train page offers; the CLI's --task takes both.
RUN_LETTERS = "abc"  # run-length encoding: few letters, so runs form
MAX_RUN = 9  # a run is counted with one digit
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FIRST_YEAR, YEARS = 1970, 60  # dates from 1970 to 2029
ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"))
ROMAN += ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
MAX_DIGITS = 3  # numbers in words and roman numerals: up to 999 (longest words: 'seven hundred seventy-seven')
WORD_LETTERS = "abcdef"


def _runs(rng: random.Random, options: TaskOptions) -> str:
    """``length`` letters in runs of 1 to 4 of one letter."""
    chars: list[str] = []
    while len(chars) < options.length:
        letter = rng.choice([c for c in RUN_LETTERS if not chars or c != chars[-1]])
        chars += [letter] * rng.randint(1, 4)
    return "".join(chars[: options.length])


def run_length(source: str, options: TaskOptions) -> str:
    """'aaabcc' -> '3a1b2c': each run as its count and its letter (a run past 9 is split)."""
    out, count = [], 0
    for index, char in enumerate(source):
        count += 1
        if index + 1 == len(source) or source[index + 1] != char or count == MAX_RUN:
            out.append(f"{count}{char}")
            count = 0
    return "".join(out)


def _date(rng: random.Random, options: TaskOptions) -> str:
    """A date from 1970 to 2029 as YYYY-MM-DD (always 10 characters, whatever the length asked)."""
    year, month = FIRST_YEAR + rng.randrange(YEARS), rng.randint(1, 12)
    return f"{year:04d}-{month:02d}-{rng.randint(1, calendar.monthrange(year, month)[1]):02d}"


def spelled_date(source: str, options: TaskOptions) -> str:
    """'2026-12-07' -> '7 Dec 2026'."""
    year, month, day = source.split("-")
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


def _number(rng: random.Random, options: TaskOptions) -> str:
    """A number of 1 to ``min(length, 3)`` digits, without leading zeros."""
    digits = rng.randint(1, min(options.length, MAX_DIGITS))
    return str(rng.randrange(10 ** (digits - 1) if digits > 1 else 1, 10**digits))


def in_words(source: str, options: TaskOptions) -> str:
    """'42' -> 'forty-two', '312' -> 'three hundred twelve'."""
    number = int(source)
    hundreds, rest = divmod(number, 100)
    words = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest or not hundreds:
        tens, ones = divmod(rest, 10)
        words.append(ONES[rest] if rest < 20 else TENS[tens] + (f"-{ONES[ones]}" if ones else ""))
    return " ".join(words)


def roman(source: str, options: TaskOptions) -> str:
    """'14' -> 'XIV'."""
    number, out = int(source), []
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _words(rng: random.Random, options: TaskOptions) -> str:
    """Words of 1 to 4 letters, separated by spaces, about ``length`` characters in all."""
    words: list[str] = []
    while len(" ".join(words)) < options.length - 1 or len(words) < 2:
        words.append("".join(rng.choice(WORD_LETTERS) for _ in range(rng.randint(1, 4))))
    return " ".join(words)


def reverse_words(source: str, options: TaskOptions) -> str:
    """'ab cde f' -> 'f cde ab': the words in reverse order, each as it is."""
    return " ".join(reversed(source.split(" ")))


def sort_letters(source: str, options: TaskOptions) -> str:
    return "".join(sorted(source))


_SEQ2SEQ = dict(architecture="seq2seq", attention="dot", cell="gru", hidden_size=32, lr=0.01, epochs=300)
ENCODER_DECODER_TASKS: dict[str, GeneratedTask] = {
    task.name: task
    for task in (
        GeneratedTask(
            "rle",
            "Run-length encoding: aaabcc → 3a1b2c",
            "Each run of one letter becomes its length and the letter, so the target is shorter than the source "
            "and its length depends on the runs. The decoder must count a run while it reads it, and know where "
            "it is in the source: attention points it at the run it is writing.",
            _runs,
            run_length,
            _SEQ2SEQ,
            min_length=1,
        ),
        GeneratedTask(
            "dates",
            "Dates: 2026-12-07 → 7 Dec 2026",
            "An ISO date written the English way: the day first, without its leading zero, the month's name, "
            "then the year. Every target character comes from somewhere else in the source, which is what "
            "attention is for. The dates always have 10 characters, whatever the length asked.",
            _date,
            spelled_date,
            _SEQ2SEQ,
        ),
        GeneratedTask(
            "words",
            "Numbers in words: 42 → forty-two",
            "A number of up to three digits spelled out in English: a few characters in, up to 27 out. The "
            "decoder must remember each digit's place (42 and 420 start alike) while it writes.",
            _number,
            in_words,
            _SEQ2SEQ,
        ),
        GeneratedTask(
            "roman",
            "Roman numerals: 14 → XIV",
            "A number of up to three digits as a roman numeral: 4 is IV but 6 is VI, so the letters of a digit "
            "depend on its value and its place, and the lengths differ (8 → VIII).",
            _number,
            roman,
            _SEQ2SEQ,
        ),
        GeneratedTask(
            "reverse-words",
            "Reverse the words: ab cde f → f cde ab",
            "The words in reverse order, each kept as it is: the first word written is the source's last, so "
            "the decoder needs the whole source before it writes a character, and attention to find each word.",
            _words,
            reverse_words,
            _SEQ2SEQ,
            min_length=3,
        ),
        GeneratedTask(
            "sort-letters",
            "Sort the letters: dacb → abcd",
            "The source's letters in alphabetical order: each output letter may come from anywhere in the "
            "source, so the network must read all of it first, and keep count of each letter.",
            _letters,
            sort_letters,
            _SEQ2SEQ,
        ),
    )
}
ALL_TASKS: dict[str, GeneratedTask] = {**GENERATED_TASKS, **ENCODER_DECODER_TASKS}  # what the CLI's --task takes


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
    if name not in ALL_TASKS:
        raise PlaygroundError(f"Unknown task {quoted(name, 40)}; choose one of: {', '.join(ALL_TASKS)}.")
    return ALL_TASKS[name]


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
