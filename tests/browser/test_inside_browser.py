"""Screenshots of the "Look inside" pages in a real browser, for a person to look at.

Each page is opened in headless Chromium against the running app, driven through its main
control, and saved to test-artifacts/inside-<page>.png. The assertions check that the page
rendered its figures and no exception box.
"""

import pytest

from devtools.browser import chromium, chromium_missing_reason, screenshot_path, streamlit_server

pytestmark = pytest.mark.skipif(chromium_missing_reason() is not None, reason=str(chromium_missing_reason()))

VIEWPORT = {"width": 1400, "height": 2000}  # tall enough that each page fits without scrolling


@pytest.fixture(scope="module")
def browser_page():
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(url)  # the app's entry declares the pages; later pages are reached from its sidebar
        page.locator("[data-testid='stSidebarNav'] a", has_text="Inside the cell").wait_for(timeout=30_000)
        yield url, page
        page.close()


def open_page(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)


def train_here_if_offered(page) -> None:
    """Without a run from the Train page, the page offers a preset; train it."""
    page.wait_for_timeout(1000)
    offer = page.get_by_role("button", name="Train this preset here")
    if offer.count():
        offer.click()


def settle(page, charts: int) -> None:
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=30_000)
    page.wait_for_function(
        f"document.querySelectorAll(\"[data-testid='stPlotlyChart'] .main-svg\").length >= {charts}", timeout=30_000
    )
    page.wait_for_timeout(800)
    assert page.locator("[data-testid='stException']").count() == 0


def test_shapes_page(browser_page):
    _, page = browser_page
    open_page(page, "Shapes")
    page.get_by_text("Every tensor").wait_for(timeout=30_000)
    page.get_by_role("radio", name="LSTM").check(force=True)
    page.get_by_role("checkbox", name="bidirectional").check(force=True)
    page.get_by_text("h_n[-2]").first.wait_for(timeout=30_000)
    settle(page, 1)
    assert page.get_by_text("c_n", exact=True).count() >= 1
    page.screenshot(path=screenshot_path("inside-shapes"), full_page=True)


def test_inside_cell_page(browser_page):
    _, page = browser_page
    open_page(page, "Inside the cell")
    page.wait_for_timeout(1000)
    if page.get_by_role("button", name="Train this preset here").count():
        page.locator("[data-testid='stSelectbox']").first.click()  # an LSTM shows gates and cell state
        page.get_by_role("option", name="hello → ohlol, bidirectional 2-layer LSTM").click()
    train_here_if_offered(page)
    page.get_by_text("The equation", exact=True).wait_for(timeout=30_000)
    settle(page, 2)
    assert page.locator(".katex").count() >= 2
    page.screenshot(path=screenshot_path("inside-cell"), full_page=True)


def test_embeddings_page(browser_page):
    _, page = browser_page
    open_page(page, "Embeddings")
    train_here_if_offered(page)
    page.get_by_text("One-hot × W = row lookup").wait_for(timeout=30_000)
    settle(page, 2)
    last = page.locator(".slider-container .slider-label").first.text_content()
    page.locator(".updatemenu-button").first.click()  # ▶ Play runs the epochs from the first
    page.wait_for_timeout(300)
    assert page.locator(".slider-container .slider-label").first.text_content() != last
    page.wait_for_function(  # ...and stops at the last recorded epoch
        "last => document.querySelector('.slider-container .slider-label').textContent === last",
        arg=last,
        timeout=15_000,
    )
    page.screenshot(path=screenshot_path("inside-embeddings"), full_page=True)


def test_gradient_flow_page_trains_live(browser_page):
    _, page = browser_page
    open_page(page, "Gradient flow")
    # The page starts from the run trained above (a few epochs, over before Pause); its own
    # long-memory task trains long enough to pause.
    page.get_by_test_id("stRadioGroup").get_by_text("Remember the first letter").click()
    page.get_by_text("Letters to remember").wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    page.get_by_role("button", name="▶ Train live").click()
    settle(page, 2)
    page.wait_for_timeout(2500)  # several live slices
    page.get_by_role("button", name="⏸ Pause").click()
    page.wait_for_timeout(1000)
    assert page.get_by_text("Gradient reaching each hidden state").count() >= 1
    page.screenshot(path=screenshot_path("inside-gradient-flow"), full_page=True)
