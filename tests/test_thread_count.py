"""Training runs on one thread and leaves the process's thread count as it found it.

`torch.set_num_threads` is process-wide and the Streamlit server trains sessions in threads, so
runs that overlap must not restore each other's one thread (`OneThreadArithmetic`).
"""

import threading

import pytest
import torch

from playground import RunConfig, Trainer
from playground.lessons.presets import PRESETS
from playground.run import trainer as trainer_module
from playground.run.trainer import ONE_THREAD, ONE_THREAD_ARITHMETIC

THREADS = 3  # what the code that imported the engine set: neither one thread nor a likely default
CONFIG = PRESETS["hello-rnn"].config.with_changes(epochs=12)


@pytest.fixture
def three_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    yield
    torch.set_num_threads(before)


def count_in_a_new_thread() -> int:
    """The count a thread started now begins with: torch's process-wide count."""
    counts = []
    thread = threading.Thread(target=lambda: counts.append(torch.get_num_threads()))
    thread.start()
    thread.join()
    return counts[0]


def test_training_leaves_the_thread_count_as_it_was(three_threads):
    Trainer(CONFIG).train()
    assert torch.get_num_threads() == THREADS
    assert count_in_a_new_thread() == THREADS


def test_each_epochs_arithmetic_runs_on_one_thread(three_threads, monkeypatch):
    counts = []
    loss = trainer_module.sequence_loss

    def counting_loss(*args, **kwargs):
        counts.append(torch.get_num_threads())
        return loss(*args, **kwargs)

    monkeypatch.setattr(trainer_module, "sequence_loss", counting_loss)
    Trainer(CONFIG).train()
    assert counts == [ONE_THREAD] * CONFIG.epochs


def test_an_error_inside_restores_the_count(three_threads):
    with pytest.raises(ZeroDivisionError), ONE_THREAD_ARITHMETIC:
        assert torch.get_num_threads() == ONE_THREAD
        raise ZeroDivisionError
    assert torch.get_num_threads() == THREADS


def test_the_last_of_two_overlapping_threads_restores_the_count(three_threads):
    """A enters, B enters, A leaves, B leaves: B must neither save A's one thread nor lose it when A leaves."""
    a_inside, b_inside, a_left = threading.Event(), threading.Event(), threading.Event()
    counts_in_b = []

    def a() -> None:
        with ONE_THREAD_ARITHMETIC:
            a_inside.set()
            b_inside.wait()
        a_left.set()

    def b() -> None:
        a_inside.wait()
        with ONE_THREAD_ARITHMETIC:
            b_inside.set()
            a_left.wait()
            counts_in_b.append(torch.get_num_threads())

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts_in_b == [ONE_THREAD]
    assert torch.get_num_threads() == THREADS
    assert count_in_a_new_thread() == THREADS


def test_runs_trained_in_two_threads_at_once_keep_their_numbers_and_the_count(three_threads):
    configs = [CONFIG, RunConfig(cell="lstm", layers=2, bidirectional=True, epochs=12)]
    alone = []
    for config in configs:
        trainer = Trainer(config)
        trainer.train()
        alone.append([record.loss for record in trainer.history])
    trainers = [Trainer(config) for config in configs]
    in_step = threading.Barrier(len(trainers))  # both train each epoch at the same time

    def train(trainer: Trainer) -> None:
        while not trainer.done:
            in_step.wait()
            trainer.train_epoch()

    threads = [threading.Thread(target=train, args=(trainer,)) for trainer in trainers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [[record.loss for record in trainer.history] for trainer in trainers] == alone
    assert torch.get_num_threads() == THREADS
    assert count_in_a_new_thread() == THREADS
