"""A run's history as tables a learner can download and open in a spreadsheet.

Two shapes, because they answer different questions: `epochs_frame` has one row per epoch
(how did the loss and the prediction evolve?) and `probabilities_frame` one row per epoch,
string and time step with the probability of every character (how sure was the network at
each step?). Characters are the learner's own, so column names are written ``p('h')``:
quoted like Python would, which keeps a space or a comma readable.
"""

from __future__ import annotations

import pandas as pd

from playground.run.trainer import Trainer

PREDICTION_SEPARATOR = " | "  # between the strings of a batch; a space could be a character


def epochs_frame(trainer: Trainer) -> pd.DataFrame:
    """One row per trained epoch: loss, prediction(s) and whether they equal the targets; a run in
    mini-batches adds each optimizer step's loss (``batch losses``, space-separated); a run with
    held-out pairs adds the accuracies, the test loss and the held-out predictions."""
    targets, history = trainer.dataset.targets, trainer.history
    columns = {
        "epoch": [record.epoch for record in history],
        "loss": [record.loss for record in history],
        "prediction": [PREDICTION_SEPARATOR.join(record.predictions) for record in history],
        "correct": [record.solved(targets) for record in history],
    }
    if trainer.minibatches:  # the loss above is their mean
        columns["batch losses"] = [" ".join(map(repr, record.batch_losses)) for record in history]
    if trainer.test_dataset is not None:
        columns |= {
            "accuracy": [record.train_accuracy for record in history],
            "test loss": [record.test_loss for record in history],
            "test accuracy": [record.test_accuracy for record in history],
            "test string accuracy": [record.test_string_accuracy for record in history],
            "test prediction": [PREDICTION_SEPARATOR.join(record.test_predictions) for record in history],
        }
    return pd.DataFrame(columns, columns=list(columns))


def probability_column(char: str) -> str:
    return f"p({char!r})"


def probabilities_frame(trainer: Trainer) -> pd.DataFrame:
    """One row per (epoch, string, step): input, target, predicted character and every probability.

    Long runs keep probabilities only for evenly spaced epochs (the trainer's memory cap), so
    the table has exactly the epochs whose probabilities exist.
    """
    dataset = trainer.dataset
    chars = dataset.vocab.chars
    rows = []
    for record in (r for r in trainer.history if r.probabilities is not None):
        probabilities = record.probabilities.tolist()
        predicted = record.probabilities.argmax(dim=-1).tolist()  # as the trainer computes it
        for item, (source_chars, target_chars) in enumerate(zip(dataset.source_chars, dataset.target_chars)):
            prediction = record.predictions[item]
            for step, (source_char, target_char) in enumerate(zip(source_chars, target_chars)):
                step_probabilities = probabilities[item][step]
                rows.append(
                    [
                        record.epoch,
                        record.loss,
                        item,  # strings and steps count from 0, as in the charts (charts/labels.py)
                        prediction,
                        step,
                        source_char,
                        target_char,
                        chars[predicted[item][step]],
                        step_probabilities[dataset.vocab.index(target_char)],
                        *step_probabilities,
                    ]
                )
    columns = [
        "epoch",
        "loss",
        "string",
        "prediction",
        "step",
        "input",
        "target",
        "predicted",
        "p(target)",
        *[probability_column(char) for char in chars],
    ]
    return pd.DataFrame(rows, columns=columns)


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs show unicode characters right."""
    return frame.to_csv(index=False).encode("utf-8-sig")
