"""One visual language in a real browser: after a Train run of a long string on a two-layer
LSTM, no two tick labels of a chart overlap, no chart is wider than its column or taller than a
set bound, the Train charts keep the margins they ask for (so they are drawn once), and
Inside the cell opens at the epoch the Train page was rewound to.

Also saves a screenshot of every page at 1280×720 and 1920×1080 (test-artifacts/visual-*.png,
at the rewound epoch). The ones in docs/visual/ come from `python -m devtools.screenshots`, each
looked at; test_every_config_browser.py checks the lessons' presets and the caps' extremes.
"""

from __future__ import annotations

import pytest

from devtools.browser import (
    TOUR_PAGES,
    chromium,
    chromium_missing_reason,
    go_to,
    open_and_train,
    screenshot_path,
    streamlit_server,
    wait_until_idle,
)
from devtools.page_checks import CHART_LAYOUT
from devtools.screenshots import slug

reason = chromium_missing_reason()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

LINK = "?src=hello%20world&tgt=ello%20world!&cell=lstm&layers=2&bidir=1&epochs=30"
MAX_CHART_PX = 1100
SLIDER = '[data-testid="stSlider"] input[type="range"]'


def test_charts_keep_their_labels_apart_their_size_bounded_and_pages_follow_the_epoch():
    with streamlit_server() as url, chromium() as browser:
        for width, height in [(1280, 720), (1920, 1080)]:
            page = browser.new_context(viewport={"width": width, "height": height}).new_page()
            open_and_train(page, url, LINK)
            slider = page.locator('[data-testid="stSlider"]', has_text="Show epoch").locator("input[type=range]")
            slider.focus()
            for _ in range(18):  # rewind (a key pressed while the page reruns may be lost)
                slider.press("ArrowLeft")
            page.wait_for_timeout(1500)
            wait_until_idle(page)
            rewound = slider.get_attribute(
                "aria-valuetext"
            )  # what the slider shows (a select slider's value is an index)
            assert int(rewound) < 30
            for name in TOUR_PAGES:
                go_to(page, name)
                if name == "Compare":
                    page.get_by_role("button", name="Train side by side").click()
                    page.get_by_text("Download the results table").wait_for(timeout=120_000)
                    wait_until_idle(page)
                page.wait_for_timeout(1000)  # let plotly finish drawing
                page.screenshot(path=screenshot_path(f"visual-{slug(name)}-{width}x{height}"))
                if name == "Inside the cell":
                    assert page.locator(SLIDER).first.get_attribute("aria-valuetext") == rewound
                charts = page.evaluate(CHART_LAYOUT)
                for chart in charts:
                    assert not chart["overlaps"], (name, width, chart)
                    assert chart["width"] <= chart["column"] + 1, (name, width, chart)
                    assert chart["height"] <= MAX_CHART_PX, (name, width, chart)
                    if name == "Train":  # drawn once: no margin outgrown (see test_train_browser.py)
                        assert not chart["grown"], (name, width, chart)
            page.context.close()
