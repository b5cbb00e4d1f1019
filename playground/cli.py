"""`python -m playground`: train from the command line, with the lessons' familiar log.

    python -m playground train --source hello --target ohlol --cell lstm
    python -m playground train --preset hihell-sequence --json
    python -m playground export --preset hello-gru --epochs 50 > hello_gru.py
    python -m playground presets

``export`` prints the standalone PyTorch script the Share page offers for the same settings.
Flags given together with ``--preset`` override the preset's settings; ``train`` and
``export`` take the same flags, one per setting of `playground.settings`. Errors print one
line to stderr and exit with status 2 (bad input) or 1 (training diverged).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .config import RunConfig
from .errors import PlaygroundError, TrainingDiverged
from .export import export_script
from .presets import PRESETS
from .settings import Setting, in_config_order
from .trainer import EpochRecord, Trainer

_METAVARS = {int: "N", float: "X"}


def _add_setting(parser: argparse.ArgumentParser, setting: Setting) -> None:
    """One flag per setting; its value is stored under the field's name."""
    options: dict[str, Any] = {"dest": setting.field}
    if setting.cli_help:
        options["help"] = setting.cli_help
    if setting.kind is bool:
        options["action"] = argparse.BooleanOptionalAction
    elif setting.choices:
        options["choices"] = setting.choices
    else:
        options["metavar"] = setting.metavar or _METAVARS[setting.kind]
        if setting.kind is tuple:
            options["action"] = "append"
        elif setting.kind is not str:
            options["type"] = setting.kind
    parser.add_argument(f"--{setting.flag}", **options)


def _add_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preset", choices=sorted(PRESETS), help="start from a lesson's settings")
    for setting in in_config_order():
        _add_setting(parser, setting)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m playground", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("presets", help="list the presets")
    train = commands.add_parser("train", help="train and print one line per epoch", argument_default=argparse.SUPPRESS)
    _add_settings(train)
    train.add_argument("--json", action="store_true", help="one JSON object per epoch")
    export = commands.add_parser(
        "export", help="print the experiment as a standalone PyTorch script", argument_default=argparse.SUPPRESS
    )
    _add_settings(export)
    return parser


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The preset (or the defaults) with every given flag applied on top.

    Sources without targets replace the preset's targets by none (a next-character text),
    unless they are given to a preset: then only the strings are swapped.
    """
    options = vars(args)
    config = PRESETS[options["preset"]].config if "preset" in options else RunConfig()
    changes = {
        setting.field: tuple(options[setting.field]) if setting.kind is tuple else options[setting.field]
        for setting in in_config_order()
        if setting.field in options
    }
    if "sources" in changes and "targets" not in changes and "preset" not in options:
        changes["targets"] = ()
    return config.with_changes(**changes)


def format_line(record: EpochRecord, epochs: int, as_json: bool) -> str:
    if as_json:
        prediction = record.predictions[0] if len(record.predictions) == 1 else list(record.predictions)
        return json.dumps({"epoch": record.epoch, "loss": record.loss, "prediction": prediction}, ensure_ascii=False)
    return f"Predicted: {' '.join(record.predictions)}, Epoch [{record.epoch}/{epochs}] loss={record.loss:.4f}"


def _train(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    trainer = Trainer(config)
    as_json = getattr(args, "json", False)
    while not trainer.done:
        record = trainer.train_epoch()
        print(format_line(record, config.epochs, as_json), flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "presets":
        for preset in PRESETS.values():
            print(f"{preset.name:24} {preset.title}")
        return 0
    try:
        if args.command == "export":
            sys.stdout.write(export_script(config_from_args(args)))
            return 0
        return _train(args)
    except TrainingDiverged as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except PlaygroundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
