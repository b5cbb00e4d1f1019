"""Accessibility in a real browser: after a Train run, axe-core's WCAG 2 A/AA rules find nothing
on any page, and the controls a learner needs are reachable with the Tab key alone.

axe-core comes from the pip package axe-playwright-python (requirements-dev.txt), which bundles
axe-core's JavaScript: `.ci/run` installs requirements-dev.txt on a clean machine with pip alone,
so the test needs no npm and no network. We inject that script ourselves and call `axe.run`
with the WCAG 2 A/AA tags (the package's own runner runs every rule, best practices included).
"""

from __future__ import annotations

import json

import pytest

from devtools.browser import (
    TOUR_PAGES,
    chromium,
    chromium_missing_reason,
    go_to,
    open_and_train,
    streamlit_server,
    wait_until_idle,
)
from devtools.page_checks import axe_script, violations

reason = chromium_missing_reason()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

LINK = "?src=hello%20world&tgt=ello%20world!&cell=lstm&epochs=30"


def test_every_page_after_a_training_run_has_no_wcag_a_or_aa_violations():
    script = axe_script()
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        open_and_train(page, url, LINK)
        found = {}
        for name in TOUR_PAGES:
            go_to(page, name)
            if name == "Compare":
                page.get_by_role("button", name="Train side by side").click()
                page.get_by_text("Download the results table").wait_for(timeout=120_000)
                wait_until_idle(page)
            if name == "Gradient flow":
                page.get_by_role("button", name="+25 epochs").click()
                page.get_by_text("Show epoch").wait_for(timeout=120_000)
                wait_until_idle(page)
            page.wait_for_timeout(1000)  # let plotly and Vega finish drawing
            if problems := violations(page, script):
                found[name] = problems
        assert not found, json.dumps(found, indent=1, ensure_ascii=False)
