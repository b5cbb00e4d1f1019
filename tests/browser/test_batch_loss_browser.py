"""A run in mini-batches in a real browser: while the story preset trains, the live loss chart draws
each batch's loss as a faint line that grows behind the epoch means, with a legend naming both."""

from __future__ import annotations

import pytest

from charts.loss import BATCH_SERIES, MEAN_SERIES
from charts.theme import BATCH_COLOUR
from devtools.browser import chromium, chromium_missing_reason, screenshot_path, streamlit_server, wait_until_idle
from playground.lessons.presets import PRESETS

reason = chromium_missing_reason()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

# The live loss chart's faint batch line: the length of its path's drawing, and the chart's text.
BATCH_LINE = """(colour) => {
  const chart = document.querySelector('[data-testid="stMain"] [data-testid="stVegaLiteChart"] svg');  // loss: first
  if (!chart) return null;
  const drawn = [...chart.querySelectorAll('path')]
    .filter(p => (p.getAttribute('stroke') || '').replace(/ /g, '') === colour)
    .reduce((sum, p) => sum + (p.getAttribute('d') || '').length, 0);
  return {drawn, text: chart.textContent};
}"""


def test_the_batches_loss_grows_live_behind_the_epoch_means():
    colour = BATCH_COLOUR.replace(" ", "")
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        page.goto(url)
        page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
        wait_until_idle(page)
        preset = page.locator(".st-key-train_preset input")
        preset.click()
        preset.fill(PRESETS["story"].title)
        page.keyboard.press("Enter")
        page.get_by_text("Learning to write the text of the preset").wait_for(timeout=30_000)
        wait_until_idle(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("training…").wait_for(timeout=30_000)
        page.wait_for_function(f"() => (({BATCH_LINE})({colour!r}) || {{drawn: 0}}).drawn > 0", timeout=30_000)
        first = page.evaluate(BATCH_LINE, colour)
        page.wait_for_function(f"(first) => ({BATCH_LINE})({colour!r}).drawn > first.drawn", arg=first, timeout=30_000)
        now = page.evaluate(BATCH_LINE, colour)
        assert BATCH_SERIES in now["text"] and MEAN_SERIES in now["text"]  # the legend names both
        page.screenshot(path=screenshot_path("batch-loss-live"))
