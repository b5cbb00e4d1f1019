"""Every page at the settings a learner can reach, in a real browser: the lessons' presets, a
padded batch (the first pair shorter), a string at the length cap, an LSTM's h and c panels
beside the probabilities and the largest model the caps allow, each trained a few epochs.

Train is rewound one epoch first. Then on every page: no two tick labels of a chart overlap,
no chart is wider than its column or taller than a set bound, every label can be read (a log
axis's ticks in order, no label clipped, covering another or a marker, no number in a cell
under 10 px: `devtools.page_checks.unreadable_labels`), no table is cut off in a narrow
column, the page says which experiment and epoch it shows, and its own epoch slider (if any)
opens at that epoch. Some cases also turn on Train's log-scale loss and train Gradient flow's
race, so every log axis is drawn. Across pages:
a hidden (and cell) state value is painted the same colour on Train, Inside the cell and
What if?, and a probability the same colour on Train and What if? — read from the charts
Plotly drew. Runs at one viewport (test_visual_browser.py covers two, for one config); every
case tours all the pages. axe-core's WCAG 2 A/AA rules run on the largest model.

A phone-width tour (390×844) of the pages whose charts were made readable there, a run of 11
steps trained (and Inside the cell's inputs and weights opened): after each page is chosen the
sidebar has closed, and the 1280 px tour's label checks pass there too — no tick labels, titles,
point labels or numbers in cells run together or sit under the toolbar, none is clipped or on
another point's marker, and no table in a narrow column is cut off.
"""

from __future__ import annotations

import pytest

from devtools.browser import (
    TOUR_PAGES,
    chromium,
    chromium_missing_reason,
    open_and_train,
    screenshot_path,
    screenshot_whole_page,
    streamlit_server,
    wait_until_idle,
)
from devtools.page_checks import (
    CELL_NUMBER_GAP_PX,
    CELL_NUMBERS,
    CHART_LAYOUT,
    CHART_TEXTS,
    SIDEBAR_OPEN,
    TABLES,
    TITLES,
    Heatmap,
    axe_script,
    clipped_labels,
    crowded_labels,
    cut_off_tables,
    heatmaps,
    labels_on_markers,
    unreadable_labels,
    violations,
)
from devtools.screenshots import slug
from playground import RunConfig
from playground.lessons.presets import PRESETS
from playground.run.limits import LIMITS
from playground.url_state import query_string
from ui.core.run_summary import SUMMARY_KEY, experiment_text

reason = chromium_missing_reason()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

EPOCHS = 3
MAX_CHART_PX = 1100
# The lessons' presets that differ in what the pages draw: a hand-looped RNNCell read as scores,
# a batch of three, a bidirectional 2-layer LSTM, a GRU, next-character prediction, an unbounded
# relu state. (The others repeat one of these with other sizes.)
LESSONS = ["hihell-per-step", "batch-of-three", "hello-bilstm", "hello-gru", "next-char", "clipped-relu"]
LONGEST = ("the quick brown fox jumps over the lazy dog, then sleeps till noon" * 2)[: LIMITS.max_string_length]
CONFIGS = {
    **{name: PRESETS[name].config.with_changes(epochs=EPOCHS) for name in LESSONS},
    "different-lengths": RunConfig(
        sources=("hi there", "hello world"), targets=("ih ereht", "dlrow olleh"), epochs=EPOCHS
    ),
    "longest-string": RunConfig(sources=(LONGEST,), targets=(LONGEST[1:] + LONGEST[0],), epochs=EPOCHS),
    # An LSTM's h and c panels beside the probabilities, 16 steps: their step labels ran together ("t=8t=12").
    "lstm-16-steps": RunConfig(sources=(LONGEST[:16],), targets=(LONGEST[1:17],), cell="lstm", layers=2, epochs=EPOCHS),
    "largest-model": RunConfig(
        sources=("hello world",),
        targets=("ello world!",),
        cell="lstm",
        hidden_size=LIMITS.max_hidden_size,
        layers=LIMITS.max_layers,
        bidirectional=True,
        epochs=EPOCHS,
    ),
}
# axe-core on the largest model too (test_accessibility_browser.py covers every page of a small run).
AXE_CONFIGS = ["largest-model"]
# Cases that draw Train's loss on a log scale and train Gradient flow's race (its two log axes).
LOG_CONFIGS = ["batch-of-three", "longest-string"]
RACE_BUTTON = "+25 epochs"
# The pages with an epoch slider of their own, which must open at the epoch Train shows.
EPOCH_SLIDERS = {
    "Inside the cell": ".st-key-inside-epoch",
    "What if?": ".st-key-whatif-epoch",
    "Embeddings": ".st-key-embeddings-epoch",
}
# The charts that draw a state of layer 0, forward, first string, at the shown epoch: the first
# heatmap whose hover names the state (Train draws h and c on one figure, Inside the cell draws
# gates beside them), per page.
STATE_CHARTS = {
    "h": {"Train": ("train_hidden_chart", "h = "), "Inside the cell": ("inside-gates", "<extra>h<"),
          "What if?": ("whatif-h", "original")},
    "c": {"Train": ("train_hidden_chart", "c = "), "Inside the cell": ("inside-gates", "<extra>c<"),
          "What if?": ("whatif-c", "original")},
    "p": {"Train": ("train_probabilities_chart", ""), "What if?": ("whatif-probabilities", "")},
}  # fmt: skip


def summary_text(page) -> str:
    line = page.locator(f".st-key-{SUMMARY_KEY}")
    return line.inner_text() if line.count() else ""


def shows_train_run(page, config: RunConfig) -> bool:
    """The Train page names the experiment in its own widgets: the first string is typed in a box."""
    return page.evaluate(
        "s => [...document.querySelectorAll('textarea, input')].some(e => e.value.split('\\n').includes(s))",
        config.sources[0],
    )


def visit(page, title: str) -> None:
    """Follow the navigation link ``title``; done when the page's own title is drawn and its script has ended
    (quicker than `go_to`'s fixed pause, which nine pages and eight configs would add up)."""
    page.get_by_role("link", name=title).first.click()
    page.wait_for_function("t => document.querySelector('h1')?.innerText.trim() === t", arg=title, timeout=60_000)
    wait_until_idle(page)


def train_the_race(page) -> None:
    """Gradient flow: train its three runs one step of epochs, so their charts are drawn."""
    page.get_by_role("button", name=RACE_BUTTON).click()
    page.get_by_text("Show epoch").first.wait_for(timeout=180_000)
    wait_until_idle(page)


def first_state(page, key: str, hover: str) -> Heatmap | None:
    return next((h for h in heatmaps(page, key) if hover in h.hover), None)


@pytest.fixture(scope="module")
def app():
    with streamlit_server() as url, chromium() as browser:
        yield url, browser


@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_page_keeps_its_charts_readable_and_says_which_run_and_epoch(app, name):
    url, browser = app
    config = CONFIGS[name]
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    open_and_train(page, url, "?" + query_string(config))
    slider = page.locator(".st-key-train_view_epoch input[type=range]")
    slider.focus()
    slider.press("ArrowLeft")  # rewound one epoch: the other pages must follow it, not the newest
    page.wait_for_function(  # the views redrawn at that epoch (the slider moves before the page reruns)
        "e => document.querySelector('.st-key-train_hidden_chart .js-plotly-plot')?.layout.title.text.endsWith(e)",
        arg=f"epoch {EPOCHS - 1}",
    )
    wait_until_idle(page)
    if name in LOG_CONFIGS:
        page.get_by_text("Log-scale loss").click()
        page.wait_for_function(
            "() => document.querySelector('.st-key-train_loss_chart .js-plotly-plot')?.layout.yaxis.type === 'log'"
        )
        wait_until_idle(page)
    shown = slider.get_attribute("aria-valuetext")
    problems, states = [], {}
    for title in TOUR_PAGES:
        if title != "Train":
            visit(page, title)
        if title == "Gradient flow" and name in LOG_CONFIGS:
            train_the_race(page)
        page.wait_for_timeout(300)  # let plotly finish drawing
        if title == "Train":
            if not shows_train_run(page, config):
                problems.append((title, "the strings are not shown"))
        else:
            line = summary_text(page)
            if experiment_text(config) not in line or f"epoch {shown} of {EPOCHS} " not in line:
                problems.append((title, "experiment line", line))
        own = page.locator(f"{EPOCH_SLIDERS.get(title, '.no-such-slider')} input[type=range]")
        if own.count():  # (Embeddings of a one-hot run has no matrix, so no slider)
            epoch = own.get_attribute("aria-valuetext")
            if epoch != shown:
                problems.append((title, f"opens at epoch {epoch}, Train shows {shown}"))
        for chart in page.evaluate(CHART_LAYOUT):
            where = (title, chart["key"], chart["title"])
            if chart["overlaps"]:
                problems.append((*where, "tick labels overlap", chart["overlaps"][:3]))
            if chart["width"] > chart["column"] + 1:
                problems.append((*where, f"{chart['width']:.0f} px wide in a {chart['column']:.0f} px column"))
            if chart["height"] > MAX_CHART_PX:
                problems.append((*where, f"{chart['height']:.0f} px tall"))
        for chart in page.evaluate(CHART_TEXTS):
            if found := unreadable_labels(chart):
                problems.append((title, chart["key"], chart["title"], found[:4]))
        if found := cut_off_tables(page.evaluate(TABLES)):
            problems.append((title, found))
        if name in AXE_CONFIGS and (found := violations(page, axe_script())):
            problems.append((title, "axe-core WCAG 2 A/AA", found))
        for kind, charts in STATE_CHARTS.items():
            if title in charts:
                states.setdefault(kind, {})[title] = first_state(page, *charts[title])
    context.close()
    for kind, drawn in states.items():
        drawn = {title: heatmap for title, heatmap in drawn.items() if heatmap is not None}
        if len(drawn) < 2:
            continue
        (first, reference), *others = drawn.items()
        values = sorted(reference.values())
        for title, heatmap in others:
            theirs = sorted(heatmap.values())
            if len(theirs) != len(values) or any(abs(a - b) > 1e-4 for a, b in zip(theirs, values)):
                problems.append((kind, first, title, "not the same values"))
                continue
            for value in values:
                a, b = reference.colour(value), heatmap.colour(value)
                if max(abs(x - y) for x, y in zip(a, b)) > 1.0:
                    problems.append((kind, f"{value:.3f}", first, a, title, b))
                    break
    assert not problems, "\n".join(map(str, problems))


PHONE = {"width": 390, "height": 844}
PHONE_CONFIG = RunConfig(sources=("hello world",), targets=("ello world!",), cell="lstm", layers=2, epochs=EPOCHS)
# The pages whose charts were made readable at a phone's width.
PHONE_PAGES = ["Train", "Shapes", "Inside the cell", "What if?", "Embeddings", "Gradient flow"]
EXPANDERS = {"Inside the cell": "The inputs and weights of this step"}  # opened: their charts are checked too


def test_at_a_phone_width_the_sidebar_closes_on_choosing_a_page_and_chart_labels_stay_apart(app):
    """At 390×844 the sidebar covers the page while open: choosing a page must close it. Each
    chart's tick labels, titles, subplot titles, annotations, legend, point labels and numbers
    in cells neither overlap one another nor sit under the toolbar, nor are clipped; no label
    sits on another point's marker and no table in a narrow column is cut off."""
    url, browser = app
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    open_and_train(page, url, "?" + query_string(PHONE_CONFIG))
    problems = []
    for title in PHONE_PAGES:
        if title != "Train":
            page.get_by_test_id("stExpandSidebarButton").click()
            visit(page, title)
            page.wait_for_timeout(500)  # the sidebar's closing slide
            if page.evaluate(SIDEBAR_OPEN):
                problems.append((title, "the sidebar stays open over the page"))
                page.get_by_test_id("stSidebarCollapseButton").locator("button").click(force=True)
        if title == "Gradient flow":
            train_the_race(page)
        if title in EXPANDERS:
            page.get_by_text(EXPANDERS[title]).click()
            wait_until_idle(page)
        page.mouse.move(0, 0)  # no chart hovered: its toolbar shows as it does at rest
        page.wait_for_timeout(300)
        screenshot_whole_page(page, screenshot_path(f"phone-{slug(title)}"))
        for chart in page.evaluate(CHART_LAYOUT):
            if chart["overlaps"]:
                problems.append((title, chart["key"], "tick labels overlap", chart["overlaps"][:3]))
        for chart in page.evaluate(CHART_TEXTS):
            found = crowded_labels(chart, TITLES | {"point label"})
            found += crowded_labels(chart, CELL_NUMBERS, CELL_NUMBER_GAP_PX)
            if found := found + clipped_labels(chart) + labels_on_markers(chart):
                problems.append((title, chart["key"], found[:4]))
        if found := cut_off_tables(page.evaluate(TABLES)):
            problems.append((title, found))
    context.close()
    assert not problems, "\n".join(map(str, problems))
