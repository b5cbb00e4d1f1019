"""`python -m playground`: train from the command line, with the lessons' familiar log.

    python -m playground train --source hello --target ohlol --cell lstm
    python -m playground train --preset hihell-sequence --json
    python -m playground export --preset hello-gru --epochs 50 > hello_gru.py
    python -m playground presets
    python -m playground train --task copy --length 10 --pairs 8 --delay 5 --test-pairs 32
    python -m playground train --source hello --target ohlol --test-source holle --test-target ohlle
    python -m playground challenges
    python -m playground challenge copy-rnn --hidden-size 64 --epochs 200
    python -m playground sample --preset next-char --prime yo --length 80 --temperature 0.8 --top-k 5 --seed 1
    python -m playground sample --text-file story.txt --batch-size 32 --cell gru --hidden-size 64 --prime The
    python -m playground train --pairs-file words.csv --batch-size 16
    python -m playground train --architecture seq2seq --attention dot --source cat --target chat
    python -m playground sample --architecture seq2seq --attention dot --source cat --target chat --prime cat

``--architecture seq2seq`` trains the encoder–decoder (`playground.run.seq2seq_trainer`): each line shows
every pair's decoded string, of its own length, and a run whose strings are all right ends with
``Solved at epoch N: ...`` on stderr. Its tasks (``--task rle``, dates, words, roman, reverse-words, sort-letters)
and presets (cat-chat, dates-attention, reverse-attention) are the CLI's until the pages show such a run.

``--task`` takes the config's tasks (translate, next-char) and also the generated tasks of
`playground.lessons.tasks`: their pairs are made with ``--length``, ``--pairs`` (and ``--delay``),
seeded by ``--seed``, with ``--test-pairs`` held-out pairs (32) and the settings that suit the
task; other flags still apply on top. Held-out pairs (generated, or typed with ``--test-source``
and ``--test-target``) are measured after every epoch: each line shows their loss, and a run
ends with a line saying whether it learned or memorised (`playground.run.generalisation`).
``challenge NAME`` trains a challenge's starting config with the flags on top and prints its
evidence, then PASS or FAIL (exit status 0 or 1).

``sample`` trains like ``train`` (the summary on stderr), then prints the prime and what the network
writes after it (`playground.run.sampling`): ``--prime``, ``--length`` (a generated task's length is
``--task-length`` there), ``--temperature``, ``--top-k`` and ``--sample-seed``, which seeds the draws
and defaults to ``--seed`` (so ``--seed 1`` sets the training's and the draws' seed).
With ``--architecture seq2seq`` the prime is a source: the encoder reads it, and the decoder writes
from ⟨s⟩, drawing each character the same way, until it draws ⟨/s⟩ or has written ``--length``
characters; only what the decoder writes is printed (`playground.run.seq2seq_sampling`).
``export`` with ``--sample-prime`` (``--sample-length`` ...) adds the same writing to the script
(a next-character model's only).

``--text-file FILE`` (a .txt, for a next-character model: the task is next-char unless ``--task`` says
otherwise) and ``--pairs-file FILE`` (a .csv or .tsv of source,target rows) on ``train``, ``sample`` and
``export`` read the data as the Train page's uploads do (`playground.nn.data_files`), with an automatic
vocabulary unless ``--vocab`` is given; past 64 pairs they train in mini-batches of ``--batch-size N``.

``export`` prints the standalone PyTorch script the Share page offers for the same settings.
Flags given together with ``--preset`` override the preset's settings; ``train`` and
``export`` take the same flags, one per setting of `playground.run.settings`.

stdout carries only the output (the epochs, the script, the lists), so it can be piped; the
summary goes to stderr, with or without ``--json``: too few held-out pairs, early stopping, learned
or memorised, and an unsolved run's advice (`playground.run.advice`). An error is one line on
stderr, ``error: ...``, never a usage or a traceback (``--help`` prints the usage). Exit status:

- 0: done (``train`` solved or not; ``challenge`` PASS);
- 1: ``challenge`` FAIL; training diverged (the epochs so far are printed); or the output
  could not be written (``error: cannot write the output: No space left on device``);
- 2: bad input: a flag, a value or a setting, or an ``RNN_PLAYGROUND_<NAME>`` cap variable
  (`playground.run.limits`);
- 141: stdout was closed early (``... | head -1``): the program stops quietly with the status a
  shell reports for a Unix tool that a closed pipe ended (128 + SIGPIPE).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import playground.lessons.tasks as tasks
from playground.export import export_script
from playground.lessons.challenges import CHALLENGES, check_run, get_challenge
from playground.lessons.presets import ALL_PRESETS
from playground.nn.data_files import read_pairs, read_text
from playground.run.advice import conflict, not_solved_message, text_message
from playground.run.config import TASK_KINDS, RunConfig
from playground.run.epoch_record import EpochRecord
from playground.run.errors import PlaygroundError, TrainingDiverged
from playground.run.generalisation import generalisation
from playground.run.limits import check_limits
from playground.run.sampling import SampleSettings, check_sample, sample
from playground.run.seq2seq_sampling import check_seq2seq_sample, sample_seq2seq
from playground.run.seq2seq_trainer import trainer_for
from playground.run.setting_type import Setting
from playground.run.settings import SETTING_BY_FIELD, in_config_order
from playground.run.trainer import Trainer

_METAVARS = {int: "N", float: "X"}
CLOSED_PIPE_STATUS = 141  # 128 + SIGPIPE (13): what a shell reports for `yes | head -1`'s yes


class _OneLineParser(argparse.ArgumentParser):
    """argparse whose mistakes are one line, ``error: --flag: why``, and exit status 2.

    argparse prints the whole usage (twenty lines) before the error; the usage stays for ``--help``.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message.removeprefix('argument ')}\n")


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _preset_name(text: str) -> str:
    """A preset's name; argparse's ``choices`` would list all of them in the error and the usage."""
    if text not in ALL_PRESETS:
        raise argparse.ArgumentTypeError(f"there is no preset {text!r} (python -m playground presets lists them)")
    return text


_NUMBER_TYPES = {int: _whole_number, float: _number}
TASK_FLAGS = ("length", "pairs", "delay", "test_pairs")  # a generated task's options, not settings


class _OutputFailed(Exception):
    """Writing to stdout failed: a closed pipe or a full disk, neither the input's fault nor training's."""

    def __init__(self, error: OSError):
        super().__init__(str(error))
        self.error = error


def _write(text: str) -> None:
    """Write to stdout and flush at once, so a closed pipe or a full disk is met here, where it is
    reported, and not when Python flushes stdout at exit (a traceback there)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as error:
        raise _OutputFailed(error) from error


def _discard_stdout() -> None:
    """Point stdout at the null device, so the output still buffered is dropped quietly at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _add_setting(parser: argparse.ArgumentParser, setting: Setting) -> None:
    """One flag per setting; its value is stored under the field's name."""
    options: dict[str, Any] = {"dest": setting.field}
    if setting.cli_help:
        options["help"] = setting.cli_help
    if setting.kind is bool:
        options["action"] = argparse.BooleanOptionalAction
    elif setting.field == "task":  # the config's tasks, or a task whose strings are generated
        options["choices"] = setting.choices + tuple(tasks.ALL_TASKS)
        options["help"] = f"{'/'.join(TASK_KINDS)}, or generate the pairs of a task (see --length)"
    elif setting.choices:
        options["choices"] = setting.choices
    else:
        options["metavar"] = setting.metavar or _METAVARS[setting.kind]
        if setting.kind is tuple:
            options["action"] = "append"
        elif setting.kind is not str:
            options["type"] = _NUMBER_TYPES[setting.kind]
    parser.add_argument(f"--{setting.flag}", **options)


def _add_sample_flags(parser: argparse.ArgumentParser, prefix: str) -> None:
    """What a trained network writes (`playground.run.sampling`): ``--prime`` ... for ``sample``,
    ``--sample-prime`` ... for ``export``; ``--sample-seed`` in both, the config's ``--seed`` if not given."""
    group = parser.add_argument_group("writing (after training)")
    defaults = SampleSettings("")
    group.add_argument(
        f"--{prefix}prime",
        dest="sample_prime",
        metavar="TEXT",
        help="what the network reads first (an encoder–decoder: the source its decoder writes for)",
    )
    group.add_argument(
        f"--{prefix}length",
        dest="sample_length",
        type=_whole_number,
        metavar="N",
        default=defaults.length,
        help=f"characters to write ({defaults.length})",
    )
    group.add_argument(
        f"--{prefix}temperature",
        dest="sample_temperature",
        type=_number,
        metavar="X",
        default=defaults.temperature,
        help=f"0: always the likeliest character; up to 2 ({defaults.temperature:g})",
    )
    group.add_argument(
        f"--{prefix}top-k",
        dest="sample_top_k",
        type=_whole_number,
        metavar="K",
        default=defaults.top_k,
        help="draw among the K likeliest characters; 0: among all (0)",
    )
    group.add_argument(
        "--sample-seed", type=_whole_number, metavar="N", help="seeds the draws (default: the training --seed)"
    )


def _sample_settings(args: argparse.Namespace, config: RunConfig) -> SampleSettings | None:
    """The writing flags as `SampleSettings`; None without a prime (``export`` then only trains)."""
    options = vars(args)
    if options.get("sample_prime") is None:
        return None
    return SampleSettings(
        prime=options["sample_prime"],
        length=options["sample_length"],
        temperature=options["sample_temperature"],
        top_k=options["sample_top_k"],
        seed=options.get("sample_seed", config.seed),
    )


def _add_settings(parser: argparse.ArgumentParser, presets: bool = True, task_length: str = "--length") -> None:
    if presets:
        parser.add_argument(
            "--preset", type=_preset_name, metavar="NAME", help="start from a lesson's settings (see `presets`)"
        )
    for setting in in_config_order():
        _add_setting(parser, setting)
    generated = parser.add_argument_group("generated tasks (with --task NAME other than translate/next-char)")
    generated.add_argument(
        task_length,
        dest="length",
        type=_whole_number,
        metavar="N",
        help=f"characters per string ({tasks.DEFAULT_LENGTH})",
    )
    generated.add_argument("--pairs", type=_whole_number, metavar="N", help=f"string pairs ({tasks.DEFAULT_PAIRS})")
    generated.add_argument(
        "--delay", type=_whole_number, metavar="K", help=f"copy: steps of delay ({tasks.DEFAULT_DELAY})"
    )
    generated.add_argument(
        "--test-pairs",
        type=_whole_number,
        metavar="N",
        help=f"held-out pairs, never trained on ({tasks.DEFAULT_TEST_PAIRS})",
    )


def _add_data_files(parser: argparse.ArgumentParser) -> None:
    """``--text-file`` and ``--pairs-file``: the data from a file, as the Train page's uploads read it."""
    group = parser.add_argument_group("data from a file (instead of --source/--target or --text)")
    group.add_argument("--text-file", metavar="FILE", help="a UTF-8 .txt to train a next-character model on")
    group.add_argument("--pairs-file", metavar="FILE", help="a .csv or .tsv of source,target rows")


def _read_data_file(path: str, reader: Any) -> Any:
    """``reader``'s data from the file at ``path``; a file that cannot be opened is a `PlaygroundError`."""
    try:
        with open(path, "rb") as stream:
            return reader(stream, os.path.basename(path))
    except OSError as error:
        raise PlaygroundError(f"Cannot read {path}: {error.strerror or error}.") from None


# What each file flag gives, so the flags of the same data are refused beside it.
_FILE_FLAGS = {"text_file": ("text",), "pairs_file": ("sources", "targets", "text")}


def _data_file_changes(options: dict[str, Any], changes: dict[str, Any], aligned: bool) -> dict[str, Any]:
    """The settings ``--text-file`` or ``--pairs-file`` give, refusing them with the flags they replace; an
    encoder–decoder's (not ``aligned``) pairs may differ in length."""
    given = [name for name in _FILE_FLAGS if name in options]
    if not given:
        return {}
    flag = f"--{given[0].replace('_', '-')}"
    clashes = [f"--{name.replace('_', '-')}" for name in given[1:]]
    clashes += [f"--{SETTING_BY_FIELD[field].flag}" for field in _FILE_FLAGS[given[0]] if field in options]
    if options.get("task") in tasks.ALL_TASKS:
        clashes.append("--task " + options["task"])
    if clashes:
        raise PlaygroundError(f"{flag} gives the data; leave out {', '.join(clashes)}.")
    path = options[given[0]]
    file_changes: dict[str, Any] = {"data_file": os.path.basename(path)}
    if "vocab" not in changes:
        file_changes["vocab"] = ""  # built from the file, as for an upload
    if given[0] == "text_file":
        file_changes["text"] = _read_data_file(path, read_text)
        return file_changes | ({} if "task" in changes else {"task": "next-char"})
    pairs = _read_data_file(path, functools.partial(read_pairs, aligned=aligned))
    return file_changes | {"sources": tuple(s for s, _ in pairs), "targets": tuple(t for _, t in pairs)}


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="python -m playground", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("presets", help="list the presets")
    train = commands.add_parser("train", help="train and print one line per epoch", argument_default=argparse.SUPPRESS)
    _add_settings(train)
    _add_data_files(train)
    train.add_argument(
        "--json", action="store_true", help="one JSON object per epoch (in mini-batches with each step's loss)"
    )
    export = commands.add_parser(
        "export", help="print the experiment as a standalone PyTorch script", argument_default=argparse.SUPPRESS
    )
    _add_settings(export)
    _add_data_files(export)
    _add_sample_flags(export, "sample-")
    sample = commands.add_parser(
        "sample",
        help="train, then print what the network writes after --prime (an encoder–decoder: for the source --prime)",
        argument_default=argparse.SUPPRESS,
    )
    _add_settings(sample, task_length="--task-length")
    _add_data_files(sample)
    _add_sample_flags(sample, "")
    commands.add_parser("challenges", help="list the challenges: NAME<TAB>title")
    challenge = commands.add_parser(
        "challenge",
        help="train a challenge's starting config (flags on top), print its evidence and PASS or FAIL",
        argument_default=argparse.SUPPRESS,
    )
    challenge.add_argument("name", metavar="NAME", help="a challenge (see `challenges`)")
    _add_settings(challenge, presets=False)
    return parser


def _task_options(options: dict[str, Any], seed: int) -> tasks.TaskOptions:
    return tasks.TaskOptions(
        length=options.get("length", tasks.DEFAULT_LENGTH),
        pairs=options.get("pairs", tasks.DEFAULT_PAIRS),
        delay=options.get("delay", tasks.DEFAULT_DELAY),
        test_pairs=options.get("test_pairs", tasks.DEFAULT_TEST_PAIRS),
        seed=seed,
    )


def _task_flag(option: str, command: str) -> str:
    """A generated task's option as typed: ``sample``'s own ``--length`` makes its ``--task-length``."""
    if option == "length" and command == "sample":
        return "--task-length"
    return f"--{option.replace('_', '-')}"


def _generated_task(config: RunConfig, changes: dict[str, Any], options: dict[str, Any]) -> RunConfig:
    """``config`` with a generated task's pairs and settings if ``--task`` names one; checks its flags."""
    name = changes.get("task")
    task_flags = [_task_flag(flag, options["command"]) for flag in TASK_FLAGS if flag in options]
    if name not in tasks.ALL_TASKS:
        if task_flags:
            raise PlaygroundError(
                f"Use {', '.join(task_flags)} with a generated task: --task {{{','.join(tasks.ALL_TASKS)}}}."
            )
        return config
    typed = [field for field in ("sources", "targets", "test_sources", "test_targets") if field in changes]
    if typed:
        raise PlaygroundError(
            f"--task {name} generates the strings and their held-out pairs; leave out --source, --target, "
            "--test-source and --test-target (--test-pairs N sets how many held-out pairs)."
        )
    del changes["task"]
    return tasks.task_config(name, _task_options(options, changes.get("seed", config.seed)), config)


def held_out_note(args: argparse.Namespace, config: RunConfig) -> str | None:
    """For a generated ``--task``: a sentence if it has fewer held-out pairs than asked for."""
    options = vars(args)
    if options.get("task") not in tasks.ALL_TASKS:
        return None
    return tasks.held_out_note(_task_options(options, config.seed), config)


def config_from_args(args: argparse.Namespace, base: RunConfig | None = None) -> RunConfig:
    """The preset (or ``base``, or the defaults) with every given flag applied on top.

    Sources without targets replace the preset's targets by none (a next-character text),
    unless they are given to a preset: then only the strings are swapped. A generated
    ``--task`` comes first, so the other flags still change its suggested settings.
    """
    options = vars(args)
    if "preset" in options:
        config = ALL_PRESETS[options["preset"]].config
    else:
        config = base or RunConfig()
    changes = {
        setting.field: tuple(options[setting.field]) if setting.kind is tuple else options[setting.field]
        for setting in in_config_order()
        if setting.field in options
    }
    config = _generated_task(config, changes, options)
    if "sources" in changes and "targets" not in changes and "preset" not in options and base is None:
        changes["targets"] = ()
    aligned = changes.get("architecture", config.architecture) == "aligned"
    return config.with_changes(**changes, **_data_file_changes(options, changes, aligned))


def format_line(record: EpochRecord, epochs: int, as_json: bool) -> str:
    """One epoch's line; with held-out pairs, their loss too (and in JSON their accuracies)."""
    if as_json:
        prediction = record.predictions[0] if len(record.predictions) == 1 else list(record.predictions)
        line: dict[str, Any] = {"epoch": record.epoch, "loss": record.loss, "prediction": prediction}
        if len(record.batch_losses) > 1:  # mini-batches: the loss is their mean, each step's here
            line["batch_losses"] = list(record.batch_losses)
        if record.has_test:
            line |= {
                "accuracy": record.train_accuracy,
                "string_accuracy": record.train_string_accuracy,
                "test_loss": record.test_loss,
                "test_accuracy": record.test_accuracy,
                "test_string_accuracy": record.test_string_accuracy,
                "test_prediction": list(record.test_predictions),
            }
        return json.dumps(line, ensure_ascii=False)
    test = f" test_loss={record.test_loss:.4f}" if record.has_test else ""
    return f"Predicted: {' '.join(record.predictions)}, Epoch [{record.epoch}/{epochs}] loss={record.loss:.4f}{test}"


def summary_lines(trainer: Trainer) -> list[str]:
    """What a finished run ends with on stderr: early stopping, learned or memorised, an unsolved run's advice."""
    lines = [trainer.early_stop_sentence()] if trainer.stopped_early else []
    judged = generalisation(trainer.history[-1]) if trainer.history else None
    if judged is not None:
        lines.append(judged.sentence)
    aligned = trainer.config.architecture == "aligned"
    if trainer.solved_epoch is None and trainer.config.text:
        lines.append(text_message(trainer.epoch, "the sample command prints it"))
    elif trainer.solved_epoch is None:
        dataset, unreachable = trainer.dataset, None
        if aligned:  # pairs that no network reading step by step can both get right
            unreachable = conflict(dataset.source_chars, dataset.target_chars, trainer.config.bidirectional)
        lines.append(not_solved_message(trainer.epoch, [r.loss for r in trainer.history], unreachable))
    elif not aligned:  # an encoder–decoder's strings have lengths of their own: when it wrote them all is news
        lines.append(f"Solved at epoch {trainer.solved_epoch}: every decoded string is its target.")
    return lines


def _train(args: argparse.Namespace) -> int:
    """One line per epoch on stdout; an unsolved run's advice after them, on stderr."""
    config = config_from_args(args)
    trainer = trainer_for(config)
    note = held_out_note(args, config)
    if note:
        print(note, file=sys.stderr)
    as_json = getattr(args, "json", False)
    while not trainer.done:
        record = trainer.train_epoch()
        _write(format_line(record, config.epochs, as_json) + "\n")
    for line in summary_lines(trainer):
        print(line, file=sys.stderr)
    return 0


def _sample(args: argparse.Namespace) -> int:
    """Train (the summary on stderr, as ``train``'s), then print the prime and what the network wrote."""
    config = config_from_args(args)
    writing = _sample_settings(args, config)
    if writing is None:
        raise PlaygroundError("Give --prime TEXT: the characters the network reads before it writes.")
    trainer = trainer_for(config)
    if config.architecture == "seq2seq":  # the prime is a source; the decoder writes its translation
        check_seq2seq_sample(trainer, writing, trainer.limits)  # before training, not after
    else:
        check_sample(config, trainer.dataset.vocab, writing, trainer.limits)
    trainer.train()
    for line in summary_lines(trainer):
        print(line, file=sys.stderr)
    if config.architecture == "seq2seq":
        _write(sample_seq2seq(trainer, writing).text + "\n")
    else:
        _write(writing.prime + sample(trainer, writing).text + "\n")
    return 0


def _challenge(args: argparse.Namespace) -> int:
    """Train the challenge's config to its last epoch; the evidence, then PASS or FAIL last."""
    challenge = get_challenge(args.name)
    trainer = trainer_for(config_from_args(args, base=challenge.start))
    trainer.train()
    verdict = check_run(challenge, trainer)
    lines = [challenge.title, f"goal: {challenge.goal}", *verdict.evidence.lines()]
    lines += [f"rule not kept: {rule}" for rule in verdict.broken_rules]
    lines += [f"goal not reached: {short}" for short in verdict.shortfalls]
    lines.append("PASS" if verdict.passed else "FAIL")
    _write("".join(f"{line}\n" for line in lines))
    return 0 if verdict.passed else 1


def _run(argv: Sequence[str] | None) -> int:
    """Check the caps, parse, run the command; a `PlaygroundError` becomes its one line."""
    try:
        check_limits()
        args = build_parser().parse_args(argv)
        if args.command == "presets":
            _write("".join(f"{preset.name:24} {preset.title}\n" for preset in ALL_PRESETS.values()))
            return 0
        if args.command == "challenges":
            _write("".join(f"{challenge.name}\t{challenge.title}\n" for challenge in CHALLENGES.values()))
            return 0
        if args.command == "export":
            config = config_from_args(args)
            _write(export_script(config, _sample_settings(args, config)))
            return 0
        if args.command == "sample":
            return _sample(args)
        if args.command == "challenge":
            return _challenge(args)
        return _train(args)
    except TrainingDiverged as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except PlaygroundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status (see the module's docstring); output that cannot
    be written ends it: quietly for a closed pipe, with one line for anything else."""
    try:
        return _run(argv)
    except _OutputFailed as failure:
        _discard_stdout()
        if isinstance(failure.error, BrokenPipeError):
            return CLOSED_PIPE_STATUS
        print(f"error: cannot write the output: {failure.error.strerror}", file=sys.stderr)
        return 1
