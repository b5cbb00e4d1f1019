"""Saving a trained run to one ``.pt`` file and restoring it.

The file is ``torch.save`` of a plain dict: a format tag, the config as JSON-like data, the
model's state_dict and the per-epoch losses and predictions. Loading uses
``torch.load(weights_only=True)``, so a file can carry tensors and plain data but never code.

Restoring replays the run: training is deterministic (same config and seed, same numbers),
so training the saved config for the saved number of epochs rebuilds everything the pages
show (every epoch's predictions, probabilities and weight snapshots, hence the internals
views) and not just the final weights. The replay is then checked against the file: its
weights must equal the saved state_dict and its losses the saved history. A file whose
config, weights or history were edited, or that is not ours at all, is refused with a
`PlaygroundError` rather than silently producing a different model.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass

import torch

from playground.nn.cells import CELLS
from playground.nn.text import quoted
from playground.run.config import RunConfig
from playground.run.epoch_record import EpochRecord
from playground.run.errors import PlaygroundError
from playground.run.limits import LIMITS, Limits
from playground.run.trainer import Trainer, build_model, check_config

FORMAT = "rnn-playground/1"
WEIGHT_TOLERANCE = 1e-5  # replays on another CPU may differ in the last bits


@dataclass(frozen=True)
class Checkpoint:
    """The contents of a model file, checked for shape and dtype but not yet replayed."""

    config: RunConfig
    state_dict: dict[str, torch.Tensor]
    losses: tuple[float, ...]
    predictions: tuple[tuple[str, ...], ...]
    test_losses: tuple[float, ...] = ()  # per epoch, for a run with held-out pairs (files before them: none)

    @property
    def epochs_trained(self) -> int:
        return len(self.losses)


def checkpoint_file_name(config: RunConfig) -> str:
    return f"rnn_playground_{config.cell}_{config.encoding}.pt"


def save_checkpoint(trainer: Trainer) -> bytes:
    """The trained run of ``trainer`` as the bytes of a ``.pt`` file."""
    payload = {
        "format": FORMAT,
        "config": trainer.config.to_dict(),
        "state_dict": {name: t.detach().clone() for name, t in trainer.model.state_dict().items()},
        "history": {
            "losses": [record.loss for record in trainer.history],
            "predictions": [list(record.predictions) for record in trainer.history],
            "test_losses": [record.test_loss for record in trainer.history if record.has_test],
        },
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def max_file_bytes(limits: Limits = LIMITS) -> int:
    """The largest model file the host's caps allow: the biggest network's weights and a full history.

    A ``torch.save`` file is a zip archive whose entries may be deflate-compressed, so a small
    upload can expand to gigabytes; `_read` checks both the file and its expanded entries against this.
    """
    features = max(limits.max_embedding_size, limits.max_vocabulary)  # one-hot inputs are vocabulary-wide
    largest_core = max(
        sum(
            p.numel()
            for p in cell.core(
                features, limits.max_hidden_size, limits.max_layers, bidirectional=not cell.hand_looped, device="meta"
            ).parameters()
        )
        for cell in CELLS.values()
    )
    encoder = limits.max_vocabulary * limits.max_embedding_size
    head = (2 * limits.max_hidden_size + 1) * limits.max_vocabulary
    history = limits.max_epochs * (8 + limits.max_pairs * (4 * limits.max_string_length + 64))  # shown pairs only
    # The config carries its data: a text of one's own, or a file's pairs (UTF-8: at most 4 bytes a character).
    data = 4 * limits.max_corpus_characters + limits.max_file_pairs * 2 * (4 * limits.max_string_length + 8)
    return 4 * (largest_core + encoder + head) + history + data + 2**20  # float32 weights, pickle overhead


def _check_expanded_size(data: bytes, limit: int) -> None:
    """Refuse an archive whose entries would expand past ``limit``, before torch inflates any of them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip archive: torch.load below refuses it (or reads a plain, uncompressed pickle)
    if expanded > limit:
        raise PlaygroundError(
            f"This file unpacks to {expanded / 1e6:.1f} MB; the largest RNN Playground model this server "
            f"allows is {limit / 1e6:.1f} MB, so it is not one of ours."
        )


def _read(data: bytes) -> object:
    limit = max_file_bytes()
    if len(data) > limit:
        raise PlaygroundError(
            f"This file is {len(data) / 1e6:.1f} MB; the largest RNN Playground model this server allows "
            f"is {limit / 1e6:.1f} MB, so it is not one of ours."
        )
    _check_expanded_size(data, limit)
    try:
        return torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception:  # torch raises many types for foreign bytes; all mean the same here
        raise PlaygroundError(
            "This file could not be read as a PyTorch file; choose a .pt file saved by RNN Playground."
        ) from None


def _history(raw: object) -> tuple[tuple[float, ...], tuple[tuple[str, ...], ...], tuple[float, ...]]:
    if not isinstance(raw, dict):
        raise PlaygroundError("The model file's training history is missing or damaged.")
    losses, predictions, test_losses = raw.get("losses"), raw.get("predictions"), raw.get("test_losses", [])
    if (
        not isinstance(test_losses, list)
        or len(test_losses) not in (0, len(losses or []))
        or not all(isinstance(x, float) for x in test_losses)
    ):
        raise PlaygroundError("The model file's held-out losses are missing or damaged.")
    if (
        not isinstance(losses, list)
        or not isinstance(predictions, list)
        or len(losses) != len(predictions)
        or not all(isinstance(x, float) and math.isfinite(x) for x in losses)
        or not all(isinstance(p, list) and all(isinstance(s, str) for s in p) for p in predictions)
    ):
        raise PlaygroundError("The model file's training history is missing or damaged.")
    return tuple(losses), tuple(tuple(p) for p in predictions), tuple(test_losses)


def _check_state_dict(config: RunConfig, state_dict: object) -> dict[str, torch.Tensor]:
    if not isinstance(state_dict, dict) or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state_dict.items()
    ):
        raise PlaygroundError("The model file's weights are missing or damaged.")
    dataset = check_config(config)
    expected = build_model(config, len(dataset.vocab)).state_dict()
    missing = sorted(set(expected) - set(state_dict))
    extra = sorted(set(state_dict) - set(expected))
    if missing or extra:
        names = ", ".join(quoted(name, 40) for name in (missing + extra)[:3])
        raise PlaygroundError(f"The model file's weights do not belong to its settings (mismatched names: {names}).")
    for name, tensor in expected.items():
        found, needed = [], []  # what differs, as "shape (8, 8)" or "dtype float64"
        if state_dict[name].shape != tensor.shape:
            found.append(f"shape {tuple(state_dict[name].shape)}")
            needed.append(f"shape {tuple(tensor.shape)}")
        if state_dict[name].dtype != tensor.dtype:
            found.append(f"dtype {str(state_dict[name].dtype).removeprefix('torch.')}")
            needed.append(f"dtype {str(tensor.dtype).removeprefix('torch.')}")
        if found:
            raise PlaygroundError(
                f"The model file's weight '{name}' has {' and '.join(found)}, but its settings need "
                f"{' and '.join(needed)}; the file was modified or is damaged."
            )
    return state_dict


def load_checkpoint(data: bytes) -> Checkpoint:
    """Parse a model file and check its weights' shapes and dtypes; raises PlaygroundError for anything not ours."""
    payload = _read(data)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise PlaygroundError(
            "This PyTorch file is not an RNN Playground model: it has no "
            f"'format': '{FORMAT}' entry. A bare state_dict cannot be loaded because it does "
            "not say which strings and settings it was trained with."
        )
    raw_config = payload.get("config")
    if not isinstance(raw_config, dict):
        raise PlaygroundError("The model file has no settings (config), so it cannot be restored.")
    try:
        config = RunConfig.from_dict(raw_config)
        check_config(config)
    except PlaygroundError as error:
        raise PlaygroundError(f"The model file's settings are not valid: {error}") from None
    state_dict = _check_state_dict(config, payload.get("state_dict"))
    losses, predictions, test_losses = _history(payload.get("history"))
    if not 1 <= len(losses) <= config.epochs:
        raise PlaygroundError(
            f"The model file records {len(losses)} epochs, but its settings allow 1 to {config.epochs}."
        )
    return Checkpoint(
        config=config, state_dict=state_dict, losses=losses, predictions=predictions, test_losses=test_losses
    )


class Replay:
    """A saved run being replayed epoch by epoch, then checked against its file.

    Replaying costs as much training as the saved run did (up to the host's time cap), so
    the app drives it like any other training, in short slices between other sessions'
    turns (`ui.core.live_run`): it is `Trainable` (`playground.run.budget`), as a `Trainer` is.
    The checks run as the last saved epoch is replayed; a file they contradict stops the
    replay with a `PlaygroundError`, and only a `verified` replay's trainer may be used.
    """

    def __init__(self, checkpoint: Checkpoint):
        self.checkpoint = checkpoint
        self.trainer = Trainer(checkpoint.config)
        self.verified = False

    @property
    def epoch(self) -> int:
        return self.trainer.epoch

    @property
    def epochs(self) -> int:
        return self.checkpoint.epochs_trained

    @property
    def train_seconds(self) -> float:
        return self.trainer.train_seconds

    @property
    def done(self) -> bool:
        return self.epoch >= self.epochs

    def train_epoch(self) -> EpochRecord:
        """Replay the next saved epoch; the last one also checks the replay against the file."""
        if self.done:
            raise PlaygroundError(f"All {self.epochs} saved epochs are replayed.")
        record = self.trainer.train_epoch()
        if self.done:
            _check_replay(self.trainer, self.checkpoint)
            self.verified = True
        return record


def _check_replay(trainer: Trainer, checkpoint: Checkpoint) -> None:
    """Refuse a file whose history or weights differ from what its own settings train to."""
    replayed = [record.test_loss for record in trainer.history if record.has_test]
    if len(replayed) != len(checkpoint.test_losses) or any(
        abs(a - b) > WEIGHT_TOLERANCE * max(1.0, abs(b)) for a, b in zip(replayed, checkpoint.test_losses)
    ):
        raise PlaygroundError(
            "The model file's held-out losses do not match its settings; "
            "the file was modified, or saved by an incompatible version."
        )
    for record, loss, predictions in zip(trainer.history, checkpoint.losses, checkpoint.predictions):
        if abs(record.loss - loss) > WEIGHT_TOLERANCE * max(1.0, abs(loss)) or record.predictions != predictions:
            raise PlaygroundError(
                f"The model file's history does not match its settings (epoch {record.epoch} differs); "
                "the file was modified, or saved by an incompatible version."
            )
    for name, tensor in trainer.model.state_dict().items():
        if not torch.allclose(tensor, checkpoint.state_dict[name], rtol=WEIGHT_TOLERANCE, atol=WEIGHT_TOLERANCE):
            raise PlaygroundError(
                f"The model file's weight '{name}' differs from what its settings train to; "
                "the file was modified, or saved by an incompatible version."
            )
