"""Keyboard-only use in a real browser: on every page, after a Train run, the Tab key alone
reaches every control a learner can use (a radio group counts once: arrows move inside it),
and on Train a learner who never touches the mouse can reach the strings, start a run, pause
it and move the epoch slider.
"""

from __future__ import annotations

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

reason = chromium_missing_reason()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

LINK = "?src=hello%20world&tgt=ello%20world!&cell=lstm&epochs=30"
EXTRA_TABS = 40  # beyond one per control: the page's own focus stops (skip links, the menu, charts)

# Every control a pointer could use, numbered: enabled, drawn, and in the tab order.
NUMBER_CONTROLS = """() => {
    const selector = 'button, input, textarea, select, a[href], [role="slider"], [tabindex]';
    const controls = [...document.querySelectorAll(selector)].filter(e => {
        const box = e.getBoundingClientRect(), style = getComputedStyle(e);
        return !e.disabled && e.tabIndex >= 0 && box.width > 0 && box.height > 0
            && style.visibility !== 'hidden' && !e.closest('[aria-hidden="true"], [inert]');
    });
    const groups = new Map();
    controls.forEach((e, i) => {
        const group = e.type === 'radio' && e.name ? 'radio:' + e.name : 'c' + i;
        e.dataset.keyboardGroup = group;
        groups.set(group, (e.getAttribute('aria-label') || e.innerText || e.name || e.tagName).slice(0, 40));
    });
    return Object.fromEntries(groups);
}"""
FOCUSED_GROUP = "() => document.activeElement && document.activeElement.dataset.keyboardGroup || null"


def tab_until(page, condition: str, limit: int = 80) -> bool:
    """Press Tab until ``condition`` (a JS expression about document.activeElement) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({condition}); }}"):
            return True
    return False


def test_tab_reaches_every_control_on_every_page():
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        open_and_train(page, url, LINK)
        unreached = {}
        for name in TOUR_PAGES:
            go_to(page, name)
            page.wait_for_timeout(500)
            controls = page.evaluate(NUMBER_CONTROLS)
            assert controls, name
            page.locator("body").focus()
            reached = set()
            for _ in range(len(controls) + EXTRA_TABS):
                page.keyboard.press("Tab")
                reached.add(page.evaluate(FOCUSED_GROUP))
            if missed := {group: label for group, label in controls.items() if group not in reached}:
                unreached[name] = missed
        assert not unreached, unreached


def test_train_runs_pauses_and_rewinds_from_the_keyboard():
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        page.goto(f"{url}/?epochs=2000")
        page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
        wait_until_idle(page)
        page.locator("body").focus()
        assert tab_until(page, "e.tagName === 'TEXTAREA' && e.getAttribute('aria-label').startsWith('Source')")
        assert tab_until(page, "e.tagName === 'TEXTAREA' && e.getAttribute('aria-label').startsWith('Target')")
        assert tab_until(page, "e.tagName === 'BUTTON' && e.innerText.trim().endsWith('Train')")
        page.keyboard.press("Enter")
        page.get_by_text("training…").wait_for(timeout=30_000)
        assert tab_until(page, "e.tagName === 'BUTTON' && e.innerText.includes('Pause')")
        page.keyboard.press("Enter")
        page.get_by_text("paused").wait_for(timeout=30_000)
        wait_until_idle(page)
        assert tab_until(page, "e.type === 'range' && e.closest('.st-key-train_view_epoch')")
        before = page.evaluate("() => document.activeElement.getAttribute('aria-valuetext')")
        page.keyboard.press("Home")
        page.wait_for_function(
            "(before) => document.querySelector('.st-key-train_view_epoch input[type=range]')"
            ".getAttribute('aria-valuetext') !== before",
            arg=before,
            timeout=30_000,
        )
