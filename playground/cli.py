"""`python -m playground`: train from the command line, with the lessons' familiar log.

    python -m playground train --source hello --target ohlol --cell lstm
    python -m playground train --preset hihell-sequence --json
    python -m playground presets

Flags given together with ``--preset`` override the preset's settings. Errors print one
line to stderr and exit with status 2 (bad input) or 1 (training diverged).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from .config import CELLS, ENCODINGS, HEADS, NONLINEARITIES, OPTIMIZERS, REDUCTIONS, TASKS, RunConfig
from .errors import PlaygroundError, TrainingDiverged
from .presets import PRESETS
from .trainer import EpochRecord, Trainer

# Flag name -> RunConfig field, for flags whose value is stored as given.
VALUE_FLAGS = {
    "task": "task", "vocab": "vocab", "vocab_order": "vocab_order", "cell": "cell",
    "encoding": "encoding", "embedding_size": "embedding_size", "head": "head",
    "hidden_size": "hidden_size", "layers": "layers", "nonlinearity": "nonlinearity",
    "loss_reduction": "loss_reduction", "optimizer": "optimizer", "lr": "lr",
    "momentum": "momentum", "epochs": "epochs", "seed": "seed",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m playground", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("presets", help="list the presets")
    train = commands.add_parser("train", help="train and print one line per epoch",
                                argument_default=argparse.SUPPRESS)
    train.add_argument("--preset", choices=sorted(PRESETS), help="start from a lesson's settings")
    train.add_argument("--source", action="append", metavar="S", help="source string (repeat for a batch)")
    train.add_argument("--target", action="append", metavar="T", help="target string, one per --source")
    train.add_argument("--task", choices=TASKS)
    train.add_argument("--vocab", metavar="CHARS", help="explicit vocabulary order, e.g. hielo")
    train.add_argument("--vocab-order", choices=("sorted", "appearance"))
    train.add_argument("--cell", choices=CELLS)
    train.add_argument("--encoding", choices=ENCODINGS)
    train.add_argument("--embedding-size", type=int, metavar="N")
    train.add_argument("--head", choices=HEADS)
    train.add_argument("--hidden-size", type=int, metavar="N")
    train.add_argument("--layers", type=int, metavar="N")
    train.add_argument("--bidirectional", action=argparse.BooleanOptionalAction)
    train.add_argument("--nonlinearity", choices=NONLINEARITIES)
    train.add_argument("--batch-first", action=argparse.BooleanOptionalAction)
    train.add_argument("--loss-reduction", choices=REDUCTIONS)
    train.add_argument("--optimizer", choices=OPTIMIZERS)
    train.add_argument("--lr", type=float, metavar="X")
    train.add_argument("--momentum", type=float, metavar="X")
    train.add_argument("--epochs", type=int, metavar="N")
    train.add_argument("--seed", type=int, metavar="N")
    train.add_argument("--json", action="store_true", help="one JSON object per epoch")
    return parser


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """The preset (or the defaults) with every given flag applied on top."""
    options = vars(args)
    config = PRESETS[options["preset"]].config if "preset" in options else RunConfig()
    changes = {field: options[flag] for flag, field in VALUE_FLAGS.items() if flag in options}
    if "source" in options:
        changes["sources"] = tuple(options["source"])
        if "preset" not in options or "target" in options:
            changes["targets"] = tuple(options.get("target", ()))
    elif "target" in options:
        changes["targets"] = tuple(options["target"])
    for flag in ("bidirectional", "batch_first"):
        if flag in options:
            changes[flag] = options[flag]
    return config.with_changes(**changes)


def format_line(record: EpochRecord, epochs: int, as_json: bool) -> str:
    if as_json:
        prediction = record.predictions[0] if len(record.predictions) == 1 else list(record.predictions)
        return json.dumps(
            {"epoch": record.epoch, "loss": record.loss, "prediction": prediction}, ensure_ascii=False
        )
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
    args = _parser().parse_args(argv)
    if args.command == "presets":
        for preset in PRESETS.values():
            print(f"{preset.name:24} {preset.title}")
        return 0
    try:
        return _train(args)
    except TrainingDiverged as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except PlaygroundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
