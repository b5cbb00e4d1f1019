"""Held-out pairs in a real browser: while the memorise preset trains, the live loss chart draws
the training and the held-out curves in their two colours with a legend, and both grow."""

from __future__ import annotations

import pytest

from charts.loss import TEST_SERIES, TRAIN_SERIES
from charts.theme import LINE_COLOUR, TEST_COLOUR
from devtools.browser import chromium, chromium_missing_reason, screenshot_path, streamlit_server, wait_until_idle
from playground.lessons.presets import PRESETS
from playground.url_state import query_string

reason = chromium_missing_reason()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

# The live loss chart's curves: the length of each colour's line (its path's drawing), and the legend.
CURVES = """([train, test]) => {
  const chart = document.querySelector('[data-testid="stMain"] [data-testid="stVegaLiteChart"] svg');  // loss: first
  if (!chart) return null;
  const length = colour => [...chart.querySelectorAll('path')]
    .filter(p => (p.getAttribute('stroke') || '').toLowerCase() === colour)
    .reduce((sum, p) => sum + (p.getAttribute('d') || '').length, 0);
  return {train: length(train), test: length(test), text: chart.textContent};
}"""


def test_both_curves_grow_live_with_a_legend():
    config = PRESETS["memorise"].config
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        page.goto(f"{url}/?{query_string(config)}")
        page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
        wait_until_idle(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("training…").wait_for(timeout=30_000)
        colours = [LINE_COLOUR.lower(), TEST_COLOUR.lower()]
        page.wait_for_function(f"() => ({CURVES})({colours!r}) !== null", timeout=30_000)
        first = page.evaluate(CURVES, colours)
        page.wait_for_function(
            f"(first) => {{ const now = ({CURVES})({colours!r}); "
            "return now.train > first.train && now.test > first.test; }",
            arg=first,
            timeout=30_000,
        )
        assert page.get_by_text("training…").count()  # still live: the curves grew while it trained
        now = page.evaluate(CURVES, colours)
        assert TRAIN_SERIES in now["text"] and TEST_SERIES in now["text"]  # the legend names both
        page.screenshot(path=screenshot_path("held-out-live"))
