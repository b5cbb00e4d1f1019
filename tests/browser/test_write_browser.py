"""The Write panel in a real browser: train the next-char preset, press Write and watch the text appear.

The text must grow in front of the learner (several lengths seen before the whole text), end as the
text the engine and `python -m playground sample --preset next-char` write for the same settings (the
newest epoch's model is the CLI's), and the bars' texts must not overlap.
Saves test-artifacts/write-*.png.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devtools.browser import chromium, chromium_missing_reason, open_and_train, screenshot_path, streamlit_server
from playground import Trainer
from playground.lessons.presets import PRESETS
from playground.run.sampling import SampleSettings, sample
from playground.url_state import query_string

reason = chromium_missing_reason()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

ROOT = Path(__file__).resolve().parents[2]
CONFIG = PRESETS["next-char"].config
SETTINGS = SampleSettings("if ", 80, 2.0, 0, 8)

# Records the written text's length whenever the sampled text's element changes.
WATCH_TEXT_GROW = """() => {
    window.__lengths = [];
    new MutationObserver(() => {
        const written = document.querySelector('.rnn-write-sampled .rnn-written');
        if (written) window.__lengths.push(written.textContent.length);
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

# Every text in the bars chart (axis labels and the bars' numbers), as boxes: Vega draws SVG text.
BAR_TEXT_BOXES = """() => [...document.querySelectorAll('.st-key-write_likeliest_chart svg text')]
    .filter(text => text.textContent.trim())
    .map(text => {
        const r = text.getBoundingClientRect();
        return [r.left, r.top, r.right, r.bottom, text.textContent];
    })"""


def set_field(page, label: str, value: object) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Enter")
    page.wait_for_timeout(300)


def cli_text() -> str:
    """What `python -m playground sample` prints for the preset and `SETTINGS`: the prime, then the text."""
    command = [sys.executable, "-m", "playground", "sample", "--preset", "next-char", "--prime", SETTINGS.prime]
    command += ["--length", str(SETTINGS.length), "--temperature", str(SETTINGS.temperature)]
    command += ["--top-k", str(SETTINGS.top_k), "--sample-seed", str(SETTINGS.seed)]
    return subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout.rstrip("\n")


def test_the_written_text_appears_character_by_character_and_is_the_engines():
    trainer = Trainer(CONFIG)
    trainer.train()
    expected = sample(trainer, SETTINGS).text
    assert cli_text() == SETTINGS.prime + expected
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 1600}).new_page()
        open_and_train(page, url, "?" + query_string(CONFIG))
        page.get_by_text(f"Epoch {CONFIG.epochs} of {CONFIG.epochs}").first.wait_for(timeout=60_000)
        set_field(page, "Prime", SETTINGS.prime)
        set_field(page, "Characters to write", SETTINGS.length)
        set_field(page, "Seed of the draws", SETTINGS.seed)
        slider = page.get_by_role("slider", name="Temperature")
        slider.focus()
        slider.press("End")  # the slider's last stop: temperature 2
        page.wait_for_timeout(500)
        page.evaluate(WATCH_TEXT_GROW)
        page.get_by_role("button", name="Write", exact=True).click()
        written = page.locator(".rnn-write-sampled .rnn-written")
        page.wait_for_function(
            "expected => document.querySelector('.rnn-write-sampled .rnn-written')?.textContent === expected",
            arg=expected,
            timeout=30_000,
        )
        page.locator(".st-key-write_likeliest_chart svg text").first.wait_for(timeout=30_000)
        assert written.inner_text() == expected
        lengths = page.evaluate("window.__lengths")
        intermediate = {length for length in lengths if 0 < length < len(expected)}
        assert len(intermediate) >= 2, lengths  # it grew in front of the learner
        assert "Sampled: temperature 2" in page.get_by_text("Sampled: temperature").inner_text()
        boxes = page.evaluate(BAR_TEXT_BOXES)
        assert len(boxes) > 10, boxes  # five characters, five numbers, the axis's ticks and titles
        overlapping = [
            (one[4], other[4])
            for index, one in enumerate(boxes)
            for other in boxes[index + 1 :]
            if one[0] < other[2] - 1 and other[0] < one[2] - 1 and one[1] < other[3] - 1 and other[1] < one[3] - 1
        ]
        assert not overlapping, overlapping
        page.locator(".st-key-write_button").scroll_into_view_if_needed()
        page.screenshot(path=screenshot_path("write-panel"), full_page=True)
