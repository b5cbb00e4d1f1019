"""The Train page in a real browser: press Train and watch it reach the target.

Also saves the screenshots the team looks at: the default page, a run in progress, the
solved run and an error state (test-artifacts/train-*.png).
"""

from __future__ import annotations

import pytest

from devtools.browser import TRAIN_CHARTS, chromium, chromium_missing_reason, screenshot_path, streamlit_server
from ui.server.chart_code_preload import chart_module_files

reason = chromium_missing_reason()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

VIEWPORT = {"width": 1440, "height": 1950}


def open_train_page(browser, url: str, init_script: str | None = None):
    """A fresh session on the Train page, once its first script run has finished;
    ``init_script`` runs in the page before the app's own scripts."""
    context = browser.new_context(viewport=VIEWPORT)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
    page.get_by_text("index → character").wait_for(timeout=30_000)
    wait_until_run_finished(page)
    return page


def wait_until_run_finished(page) -> None:
    """Until a script run has finished: while one runs, Streamlit shows its "Running…" status."""
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)


def set_number(page, label: str, value: int) -> None:
    field = page.get_by_role("spinbutton", name=label, exact=True)
    field.fill(str(value))
    field.press("Enter")
    page.wait_for_function(
        '([label, value]) => document.querySelector(`[aria-label="${label}"]`).value === value',
        arg=[label, str(value)],
    )


# Counts the settings in the sidebar that Streamlit marks stale, which it does to every
# element a script run is about to redraw.
WATCH_SETTINGS_GO_STALE = """() => {
    window.__staleSettings = 0;
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    new MutationObserver(records => {
        window.__staleSettings += records.filter(r => r.target.getAttribute('data-stale') === 'true').length;
    }).observe(sidebar, {subtree: true, attributes: true, attributeFilter: ['data-stale']});
    return sidebar.querySelectorAll('[data-testid="stElementContainer"]').length;
}"""


def test_train_reaches_the_target_and_the_scrubber_replays_it():
    with streamlit_server() as url, chromium() as browser:
        page = open_train_page(browser, url)
        page.screenshot(path=screenshot_path("train-default"))
        # .streamlit/config.toml: learners get the viewer toolbar, even on localhost.
        assert page.get_by_role("button", name="Deploy").count() == 0

        assert page.evaluate(WATCH_SETTINGS_GO_STALE) > 5
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Solved at epoch").wait_for(timeout=60_000)
        # The click reran the buttons and views only: the settings were not redrawn.
        assert page.evaluate("window.__staleSettings") == 0
        page.get_by_text("Epoch 15 of 15").wait_for(timeout=60_000)
        success = page.locator('[data-testid="stAlertContentSuccess"]').inner_text()
        assert "ohlol" in success
        predictions = page.locator(".st-key-train_predictions_chart")
        # plotly.js loads with the first chart now (nothing on the opened page needs it): wait for the drawing.
        predictions.get_by_text("solved").first.wait_for(timeout=60_000)
        page.locator(".st-key-train_hidden_chart").wait_for()
        page.wait_for_timeout(500)  # let plotly finish drawing before the picture
        page.screenshot(path=screenshot_path("train-solved"))


# Plotly gives a chart's div its `emit` method when it first draws the chart. Catching that
# assignment lets the page count, for every chart, its draws and the nodes any later pass
# added: a pass that changes nothing adds none.
COUNT_CHART_REDRAWS = """(() => {
    window.__charts = [];
    Object.defineProperty(HTMLElement.prototype, 'emit', { configurable: true, set(emit) {
        const chart = {div: this, draws: 0, addedLater: 0};
        window.__charts.push(chart);
        new MutationObserver(records => {
            if (chart.draws > 0) chart.addedLater += records.reduce((n, r) => n + r.addedNodes.length, 0);
        }).observe(this, {subtree: true, childList: true});
        Object.defineProperty(this, 'emit', { configurable: true, writable: true, value(name, data) {
            if (name === 'plotly_afterplot') chart.draws += 1;
            return emit.call(this, name, data);
        } });
    } });
})()"""


def test_after_train_each_chart_is_drawn_once():
    """Streamlit passes over a new chart a second time; with the figures carrying their own
    look (`charts/theme.py`) that pass must change nothing. And no chart may have
    outgrown the margins it asked for, which costs Plotly a second layout pass. Together these
    redraws were about two fifths of a browser's main-thread work per Train click."""
    with streamlit_server() as url, chromium() as browser:
        page = open_train_page(browser, url, COUNT_CHART_REDRAWS)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Solved at epoch").wait_for(timeout=60_000)
        wait_until_run_finished(page)
        # plotly.js loads with the first chart (nothing on the opened page needs it): wait for every first draw.
        page.wait_for_function(
            "keys => keys.every(key => window.__charts.some(c => c.draws > 0 && c.div.closest('.st-key-' + key)))",
            arg=TRAIN_CHARTS,
            timeout=60_000,
        )
        page.wait_for_timeout(1500)  # Streamlit's second pass comes after the first draw
        charts = page.evaluate(
            """keys => keys.map(key => {
            const chart = window.__charts.find(c => c.div.closest('.st-key-' + key));
            if (!chart) return {key, missing: true};
            const asked = chart.div.layout.margin, drawn = chart.div._fullLayout._size;
            return {key, draws: chart.draws, addedLater: chart.addedLater,
                    grown: ['l', 'r', 't', 'b'].filter(side => drawn[side] > asked[side] + 0.5)};
        })""",
            TRAIN_CHARTS,
        )
        for chart in charts:
            assert not chart.get("missing"), chart
            assert chart["draws"] >= 1 and chart["addedLater"] == 0, chart
            assert chart["grown"] == [], chart


# Counts what the page sends the server: a paused run's page sends nothing by itself.
COUNT_SENT = """
window.__sent = 0;
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) { window.__sent += 1; return send.call(this, data); };
"""


def test_a_long_run_shows_live_progress_and_pauses():
    """While training the four live charts are updated in place; a Pause keeps them too (the
    same drawing, not a new one: ui/core/live_run.py), and the paused page asks the server for nothing."""
    with streamlit_server() as url, chromium() as browser:
        page = open_train_page(browser, url, COUNT_SENT)
        set_number(page, "Epochs", 2000)
        page.wait_for_timeout(800)
        page.get_by_role("button", name="Train", exact=True).click()
        progress = page.locator('[data-testid="stProgress"]')
        page.get_by_text("training…").wait_for(timeout=30_000)
        first = progress.inner_text()
        page.wait_for_function(
            "(first) => { const p = document.querySelector('[data-testid=\"stProgress\"]');"
            " return p && p.innerText !== first && p.innerText.includes('training'); }",
            arg=first,
            timeout=30_000,
        )
        # The four live charts are updated in place, never rebuilt: a rebuilt chart blinks.
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length === 4", timeout=30_000
        )
        page.evaluate(
            "() => { window.__charts = [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]')]; }"
        )
        before = progress.inner_text()
        page.wait_for_function(  # many refreshes later...
            "(before) => { const n = t => parseInt(t.match(/Epoch (\\d+)/)[1]);"
            " return n(document.querySelector('[data-testid=\"stProgress\"]').innerText) > n(before) + 100; }",
            arg=before,
            timeout=30_000,
        )
        assert charts.count() == 4
        assert page.evaluate("() => window.__charts.every(chart => chart.isConnected)")
        page.screenshot(path=screenshot_path("train-running"))
        page.evaluate(
            "() => { window.__drawings = [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] svg')]; }"
        )
        page.get_by_role("button", name="Pause", exact=True).click()
        page.get_by_text("paused").wait_for(timeout=30_000)
        paused_text = progress.inner_text()
        page.wait_for_timeout(500)
        sent = page.evaluate("window.__sent")
        page.wait_for_timeout(1000)
        assert progress.inner_text() == paused_text  # the timer stopped with the run
        assert page.evaluate("window.__sent") == sent
        assert page.evaluate("() => window.__drawings.length === 4 && window.__drawings.every(svg => svg.isConnected)")
        page.locator(".st-key-train_view_epoch").wait_for()


# Notes when the Train button is first in the page, before the app's own scripts run.
NOTE_TRAIN_BUTTON = """
window.__trainButton = null;
new MutationObserver((_, watch) => {
  if ([...document.querySelectorAll('button')].some(b => b.innerText.trim().endsWith('Train'))) {
    window.__trainButton = performance.now();
    watch.disconnect();
  }
}).observe(document, {subtree: true, childList: true});
"""


def test_the_live_charts_code_is_loaded_while_the_learner_reads_the_page():
    """The page loads the live view's code and font once it is drawn (ui/server/chart_code_preload.py),
    never before the Train button is there; the first run then fetches no more code or fonts
    before its charts are drawn (they cost the first click 0.3–0.5 s: bench/live_page.py)."""
    files = chart_module_files()
    with streamlit_server() as url, chromium() as browser:
        page = open_train_page(browser, f"{url}/?epochs=2000", NOTE_TRAIN_BUTTON)
        page.wait_for_function(
            "files => files.every(f => performance.getEntriesByType('resource').some(e => e.name.endsWith(f)))",
            arg=list(files),
            timeout=30_000,
        )
        started = page.evaluate(
            "files => files.map(f => performance.getEntriesByType('resource').find(e => e.name.endsWith(f)).startTime)",
            list(files),
        )
        assert min(started) > page.evaluate("window.__trainButton") > 0
        page.wait_for_timeout(500)  # the font, which comes by itself
        clicked = page.evaluate("performance.now()")
        page.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_function(
            '() => document.querySelectorAll(\'[data-testid="stVegaLiteChart"] svg, '
            '[data-testid="stVegaLiteChart"] canvas\').length >= 2',
            timeout=30_000,
        )
        fetched = page.evaluate(
            "t => performance.getEntriesByType('resource').filter(e => e.startTime > t).map(e => e.name)", clicked
        )
        assert [name for name in fetched if name.endswith((".js", ".woff2", ".css"))] == []


def test_an_invalid_setting_is_explained_not_raised():
    with streamlit_server() as url, chromium() as browser:
        page = open_train_page(browser, url)
        target = page.get_by_role("textbox", name="Target string(s), one per line")
        target.fill("ohl")
        target.press("Control+Enter")
        page.get_by_text("each source character needs one target character").wait_for(timeout=30_000)
        assert page.get_by_role("button", name="Train", exact=True).is_disabled()
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=screenshot_path("train-error"))
