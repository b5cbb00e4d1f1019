"""Changing the experiment as a whole: what a preset, a challenge or a task changes, and what a
teacher's locks keep (`playground.run.config_change`)."""

from __future__ import annotations

from playground import RunConfig
from playground.lessons.presets import PRESETS
from playground.run.config_change import ExperimentChange, change_with_locks, in_a_sentence, listed

CURRENT = RunConfig(sources=("abcde",), targets=("edcba",), cell="gru", lr=0.2, hidden_size=12)
PRESET = PRESETS["hello-rnn"].config


def test_without_locks_the_wanted_config_is_taken_and_every_changed_setting_named():
    new, change = change_with_locks(CURRENT, PRESET, frozenset(), "Preset “x”")
    assert new == PRESET
    assert change.result == PRESET and change.source == "Preset “x”" and change.kept == ()
    assert {"Source string(s)", "Target string(s)", "Recurrent core", "Hidden size"} <= set(change.changed)
    assert "Seed" not in change.changed  # both 777


def test_locked_settings_keep_their_values_and_are_named_as_kept():
    new, change = change_with_locks(CURRENT, PRESET, frozenset({"cell", "lr"}), "Preset “x”")
    assert (new.cell, new.lr) == (CURRENT.cell, CURRENT.lr)
    assert new.hidden_size == PRESET.hidden_size
    assert change.kept == ("Recurrent core", "Learning rate")
    assert "Recurrent core" not in change.changed


def test_a_locked_string_keeps_the_strings_and_their_vocabulary_together():
    new, change = change_with_locks(CURRENT, PRESET, frozenset({"src"}), "Preset “x”")
    assert (new.sources, new.targets, new.vocab, new.task) == (CURRENT.sources, CURRENT.targets, "", CURRENT.task)
    assert {"Source string(s)", "Target string(s)", "Vocabulary"} <= set(change.kept)


def test_a_change_to_the_same_config_changes_nothing():
    new, change = change_with_locks(CURRENT, CURRENT, frozenset({"cell"}), "Challenge “y”")
    assert new == CURRENT and change.changed == () and change.kept == ()


def test_the_sentence_lists_the_changes_as_words_in_a_sentence():
    upload = ExperimentChange(
        "Your text file “poem.txt”", ("Your own text (next-character prediction)", "Data file", "Task"), (), CURRENT
    )
    assert upload.sentence() == "Your text file “poem.txt” changed: your own text, data file and task."
    locked = ExperimentChange("Preset “x”", ("Hidden size",), ("SGD momentum", "Test pairs: held-out sources"), CURRENT)
    assert locked.sentence() == (
        "Preset “x” changed: hidden size. Kept as your teacher's link locks them: SGD momentum and held-out sources."
    )
    assert ExperimentChange("Preset “x”", (), (), CURRENT).sentence() == (
        "Preset “x” changed nothing: the settings were already these."
    )
    assert [listed(labels) for labels in ((), ("Seed",), ("Seed", "Epochs"))] == ["", "seed", "seed and epochs"]
    assert in_a_sentence("batch_first") == "batch_first"
