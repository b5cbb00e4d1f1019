"""A shared link opened in a real browser restores the experiment; Compare races in the browser.

Screenshots go to test-artifacts/share-*.png and compare-*.png for a person to look at.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from devtools.browser import chromium, chromium_missing_reason, screenshot_path, streamlit_server

pytestmark = pytest.mark.skipif(chromium_missing_reason() is not None, reason=str(chromium_missing_reason()))

VIEWPORT = {"width": 1400, "height": 1000}
LINK_QUERY = "src=ab%2Cc%C3%A9&tgt=c%C3%A9%2Cab&cell=gru&hidden=12&lr=0.02&bogus=1"


@pytest.fixture(scope="module")
def app_and_browser():
    # No warm-up visit: the first request of a fresh server may be a shared deep link.
    with streamlit_server() as url, chromium() as browser:
        yield url, browser


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def share_box_text(page) -> str:
    box = page.locator("[data-testid='stCode']").first
    box.wait_for(timeout=30_000)
    return box.inner_text().strip()


def test_shared_link_restores_settings_in_a_fresh_browser(app_and_browser):
    url, browser = app_and_browser
    first = browser.new_context(viewport=VIEWPORT)
    page = first.new_page()
    page.goto(f"{url}/export?{LINK_QUERY}")
    page.get_by_text("Share this experiment").wait_for(timeout=30_000)
    page.get_by_text("'bogus' is not a setting").wait_for(timeout=30_000)
    no_exception(page)
    link = share_box_text(page)
    assert link.startswith(f"{url}/?")  # made on Share & export, it opens the Train page
    params = parse_qs(urlsplit(link).query, keep_blank_values=True)
    assert params == {"src": ["ab,cé"], "tgt": ["cé,ab"], "cell": ["gru"], "hidden": ["12"], "lr": ["0.02"]}
    # The address bar was rewritten to the experiment in use (the bogus parameter is gone).
    page.wait_for_function("!window.location.search.includes('bogus')", timeout=10_000)
    page.screenshot(path=screenshot_path("share-link-opened"), full_page=True)
    first.close()

    # A fresh browser (no cookies, no session) opening the copied link sees the same experiment.
    fresh = browser.new_context(viewport=VIEWPORT)
    page = fresh.new_page()
    page.goto(link)
    source = page.get_by_role("textbox", name=re.compile("^Source string"))
    source.wait_for(timeout=30_000)
    assert source.input_value() == "ab,cé"
    page.wait_for_function("window.location.search.includes('cell=gru')", timeout=10_000)
    page.wait_for_timeout(800)
    page.screenshot(path=screenshot_path("share-link-train-page"), full_page=True)
    assert page.get_by_role("spinbutton", name="Hidden size").input_value() == "12"
    assert page.get_by_role("combobox", name="Recurrent core").input_value() == "nn.GRU"
    no_exception(page)
    # Changing a control rewrites the address bar.
    hidden = page.get_by_role("spinbutton", name="Hidden size")
    hidden.fill("16")
    hidden.press("Enter")
    page.wait_for_function("window.location.search.includes('hidden=16')", timeout=15_000)
    assert "cell=gru" in page.url
    fresh.close()


def test_a_link_can_start_training_as_it_opens(app_and_browser):
    url, browser = app_and_browser
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{url}/export?src=banana&tgt=ananab&epochs=500")
    page.get_by_text("Start training when the link opens").click()
    page.wait_for_function(
        "Array.from(document.querySelectorAll('[data-testid=stCode]')).some(n => n.innerText.includes('train=1'))",
        timeout=15_000,
    )
    link = share_box_text(page)
    assert link.startswith(f"{url}/?") and "train=1" in link
    context.close()
    fresh = browser.new_context(viewport=VIEWPORT)
    page = fresh.new_page()
    page.goto(link)
    page.get_by_text(re.compile("Solved at epoch \\d+ of")).wait_for(timeout=60_000)
    page.screenshot(path=screenshot_path("share-link-trains-on-open"), full_page=True)
    no_exception(page)
    fresh.close()


HOSTILE_LINK = (
    "cell=%5BSession%20expired%20-%20log%20in%20again%5D(https%3A%2F%2Fexample.invalid%2Flogin)"
    "&enc=!%5Bt%5D(http%3A%2F%2F127.0.0.1%3A9%2Fx)&note=Go%20%3Amaterial%2Fhome%3A%20www.example.invalid"
)


def test_a_links_markup_shows_as_text_and_loads_nothing(app_and_browser):
    """The issue's link: its notice shows the markdown as typed, with no link, no image and no icon."""
    url, browser = app_and_browser
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{url}/?{HOSTILE_LINK}")
    alerts = page.locator("[data-testid='stAlert'] [data-testid='stMarkdownContainer']")
    notice, note = alerts.filter(has_text="Some settings in this link"), alerts.filter(has_text="Go :")
    notice.wait_for(timeout=30_000)
    note.wait_for(timeout=30_000)
    no_exception(page)
    text = notice.inner_text().replace("\u2060", "")
    assert "cell='[Session expired - log in again](https:/…'" in text and "enc='![t](http://127.0.0.1:9/x)'" in text
    assert note.inner_text().replace("\u2060", "").strip() == "Go :material/home: www.example.invalid"
    for alert in (notice, note):
        assert alert.locator("a, img, [role='img']").count() == 0
    assert not any("127.0.0.1:9" in address for address in requested)
    page.screenshot(path=screenshot_path("share-hostile-link"), full_page=True)
    context.close()


def test_a_link_too_long_to_read_says_so(app_and_browser):
    """Streamlit drops a query of more than 1,000 parameters whole; the page says it did."""
    url, browser = app_and_browser
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{url}/?cell=gru&" + "&".join(f"x{number}=1" for number in range(1000)))
    page.get_by_text("This link has 1,001 parameters").wait_for(timeout=30_000)
    page.get_by_text("so all of it was ignored").wait_for(timeout=10_000)
    no_exception(page)
    page.wait_for_function("!window.location.search.includes('x999')", timeout=10_000)  # the address is clean
    context.close()


# Every frame the browser paints: the training strings' boxes' values (the first two text areas; the
# test pairs' follow them) and the progress text.
RECORD_FRAMES = """
window.__frames = [];
const tick = () => {
  const boxes = Array.from(document.querySelectorAll('[data-testid="stTextArea"] textarea'))
    .slice(0, 2).map(box => box.value);
  const progress = document.querySelector('[data-testid="stProgress"]');
  const text = progress ? progress.innerText : null;
  const last = window.__frames[window.__frames.length - 1];
  if (!last || JSON.stringify([last.boxes, last.text]) !== JSON.stringify([boxes, text])) {
    window.__frames.push({boxes, text});
  }
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
"""


def test_a_link_that_trains_as_it_opens_shows_its_strings_while_training(app_and_browser):
    """About one open in four used to show the text boxes empty while the link's run trained."""
    url, browser = app_and_browser
    for _ in range(4):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        context.add_init_script(RECORD_FRAMES)
        page = context.new_page()
        page.goto(f"{url}/?src=banana&tgt=ananab&train=1")
        page.get_by_text(re.compile("Solved at epoch|Not solved in")).wait_for(timeout=60_000)
        frames = page.evaluate("() => window.__frames")
        training = [frame["boxes"] for frame in frames if "· training" in (frame["text"] or "")]
        assert training, "no frame showed the run training"
        assert all(boxes == ["banana", "ananab"] for boxes in training), training
        assert frames[-1]["boxes"] == ["banana", "ananab"]
        no_exception(page)
        context.close()


def test_compare_page_races_the_four_cores(app_and_browser):
    url, browser = app_and_browser
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{url}/compare")
    page.get_by_role("button", name="Train side by side").click()
    page.get_by_text("Download the results table (CSV)").wait_for(timeout=60_000)
    page.wait_for_function(
        "document.querySelectorAll(\"[data-testid='stPlotlyChart'] .main-svg\").length >= 5", timeout=30_000
    )
    page.wait_for_timeout(800)
    no_exception(page)
    assert page.locator(".modebar").count() >= 1  # Plotly's toolbar with its PNG download
    page.set_viewport_size({"width": 1400, "height": 2400})  # Streamlit scrolls inside the page
    page.wait_for_timeout(800)
    page.screenshot(path=screenshot_path("compare-four-cores"), full_page=True)
    context.close()


def test_export_page_trains_and_shows_the_script(app_and_browser):
    url, browser = app_and_browser
    context = browser.new_context(viewport={"width": 1400, "height": 2600})
    page = context.new_page()
    page.goto(f"{url}/export?cell=lstm&epochs=20")
    page.get_by_role("button", name="Train this experiment now").click()
    page.get_by_text("Trained 20 of 20 epochs").wait_for(timeout=60_000)
    page.get_by_role("button", name="Show the code").click()
    page.get_by_text("class Model(nn.Module):").wait_for(timeout=30_000)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=30_000)
    page.wait_for_timeout(800)
    no_exception(page)
    for label in ("History (CSV)", "Per-step probabilities (CSV)", "Model (.pt)"):
        assert page.get_by_role("button", name=label).count() == 1
    with page.expect_download() as download:
        page.get_by_role("button", name="Per-step probabilities (CSV)").click()
    assert download.value.suggested_filename == "rnn-playground-probabilities.csv"
    page.screenshot(path=screenshot_path("share-export-trained"), full_page=True)
    context.close()


def test_compare_link_restores_the_comparison(app_and_browser):
    url, browser = app_and_browser
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.goto(f"{url}/compare?preset=hello-gru&vs=learning_rates&values=0.01,0.5&epochs=8")
    page.get_by_role("button", name="Train side by side").wait_for(timeout=30_000)
    assert page.get_by_role("radio", name="a preset").is_checked()
    assert page.get_by_role("radio", name="Learning rates").is_checked()
    assert page.get_by_role("textbox", name="Values to try (comma-separated)").input_value() == "0.01,0.5"
    assert page.get_by_role("combobox", name="Preset").input_value() == "hello → ohlol with nn.GRU (Exercise 12-2)"
    page.get_by_text("Share this comparison").click()
    link = share_box_text(page)
    params = parse_qs(urlsplit(link).query)
    assert params["preset"] == ["hello-gru"] and params["vs"] == ["learning_rates"]
    assert params["values"] == ["0.01,0.5"] and params["epochs"] == ["8"]
    page.get_by_role("button", name="Train side by side").click()
    page.get_by_text("Download the results table (CSV)").wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    no_exception(page)
    assert page.locator("[data-testid='stPlotlyChart']").count() == 1 + 2  # loss curves + two timelines
    page.screenshot(path=screenshot_path("compare-learning-rates-link"), full_page=True)
    context.close()
