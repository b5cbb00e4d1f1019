"""The Write panel's charts (`charts.train.write`) and text: typed characters as typed, the written one
marked, the hidden state's window around the chosen step, the prime apart from what was written."""

from __future__ import annotations

import json

import pytest
import torch

from charts.labels import VISIBLE_SPACE
from charts.theme import RIGHT_COLOUR, WRONG_COLOUR
from charts.train.write import DRAWN_COLOUR, WINDOW_STEPS, hidden_window, likeliest_chart, writing_hidden_chart
from playground.run.sampling import Candidate, WrittenStep
from ui.train.write import text_html

TYPED = ('"', "\\", " ", "<", "é")


def test_the_bars_name_typed_characters_as_typed_and_mark_the_written_one():
    step = WrittenStep("\\", tuple(Candidate(char, 0.4 - 0.05 * i, 0.3) for i, char in enumerate(TYPED)))
    rows, spec = likeliest_chart(step, 3)
    assert list(rows["char"]) == ['"', "\\", VISIBLE_SPACE, "<", "é"]
    assert list(rows["written"]) == [False, True, False, False, False]
    axis = spec["layer"][0]["encoding"]["y"]["axis"]
    labels = json.loads(axis["labelExpr"].removesuffix("[datum.value]"))  # a JSON list is a Vega list
    assert labels == [['"'], ["\\"], [VISIBLE_SPACE], ["<"], ["é"]]
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["condition"]["value"] == DRAWN_COLOUR and DRAWN_COLOUR not in (RIGHT_COLOUR, WRONG_COLOUR)
    assert "t=3" in spec["title"]["text"]


def test_a_character_written_outside_the_likeliest_marks_no_bar():
    step = WrittenStep("z", tuple(Candidate(char, 0.2, 0.2) for char in "abcde"))
    rows, _ = likeliest_chart(step, 0)
    assert not rows["written"].any()


@pytest.mark.parametrize(("length", "position"), [(10, 0), (10, 9), (500, 0), (500, 250), (500, 499)])
def test_the_hidden_window_holds_the_chosen_step(length, position):
    steps = hidden_window(length, position)
    assert position in steps and len(steps) == min(length, WINDOW_STEPS)


def test_the_hidden_state_chart_draws_the_window_and_outlines_the_chosen_step():
    length, units = 100, 4
    hidden = torch.arange(length * units, dtype=torch.float32).reshape(length, units) / 1000
    read = [" ", *"ab" * 49, "c"]
    rows, spec = writing_hidden_chart(hidden, read, 70)
    window = hidden_window(length, 70)
    assert len(rows) == len(window) * units
    assert list(rows[rows["chosen"]]["step"].unique()) == [f"t=70 {read[70]}"]
    chosen = rows[rows["chosen"] & (rows["unit"] == 2)]
    assert chosen["value"].item() == pytest.approx(hidden[70, 2].item())
    labels = json.loads(spec["layer"][0]["encoding"]["x"]["axis"]["labelExpr"].removesuffix("[datum.value]"))
    assert labels[0][1] == f"t={window.start}"  # the axis names the steps themselves, not the window's count


def test_the_text_keeps_the_prime_apart_and_escapes_typed_markup():
    shown = text_html("sampled", "<b>", "&x", cursor=False)
    assert '<span class="rnn-prime"' in shown and "&lt;b&gt;</span>" in shown
    assert '<span class="rnn-written" style="font-weight: 600">&amp;x</span>' in shown
    assert "rnn-cursor" not in shown and "rnn-cursor" in text_html("sampled", "a", "b", cursor=True)
