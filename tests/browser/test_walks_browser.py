"""A learner's paths across pages in Chromium: a challenge iterated on Train, a challenge loaded after
typing, a target typed right after a source, a teacher's locks against a preset. Each path failed on
the code before the experiment had one owner (`ui.core.session.change_experiment`). Screenshots go
to test-artifacts/walk-*.png for a person to look at.
"""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from devtools.browser import chromium, chromium_missing_reason, screenshot_path, streamlit_server, wait_until_idle

pytestmark = pytest.mark.skipif(chromium_missing_reason() is not None, reason=str(chromium_missing_reason()))

VIEWPORT = {"width": 1280, "height": 720}
NUMBER_BOXES = ("Embedding size", "Hidden size", "Layers", "Learning rate", "Epochs", "Seed")


@pytest.fixture(scope="module")
def app_and_browser():
    with streamlit_server() as url, chromium() as browser:
        yield url, browser


@pytest.fixture
def url_and_page(app_and_browser):
    """A page in a browser context of its own, closed after its test: a page left open keeps its
    session, and a run it trains keeps drawing, on the server the next test uses."""
    url, browser = app_and_browser
    context = browser.new_context(viewport=VIEWPORT)
    yield url, context.new_page()
    context.close()


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def number_boxes(page) -> dict[str, str]:
    return {label: page.get_by_label(label, exact=True).first.input_value() for label in NUMBER_BOXES}


def choose(page, box: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``box``: a click that lands while the page is still
    settling leaves the list closed, so the box is clicked again until the option shows."""
    for _ in range(5):
        page.get_by_role("combobox", name=box).click()
        try:
            page.get_by_role("option", name=option).click(timeout=3_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    page.get_by_role("option", name=option).click()


def open_page(page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).first.click()
    wait_until_idle(page)


def load_challenge(page, name: str) -> None:
    open_page(page, "Challenges")
    button = page.locator(f".st-key-challenge_load_{name} button").first
    button.wait_for(timeout=60_000)
    button.click()
    wait_until_idle(page)


def on_train(page) -> None:
    open_page(page, "Train")
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
    wait_until_idle(page)


def test_a_challenge_edited_and_trained_survives_a_walk_to_challenges_and_back(url_and_page):
    url, page = url_and_page
    page.goto(f"{url}/challenges")
    load_challenge(page, "parity")
    on_train(page)
    assert number_boxes(page)["Hidden size"] == "2"
    hidden = page.get_by_label("Hidden size", exact=True).first
    hidden.fill("6")  # a plain RNN of 6 units learns parity: 100 % of the unseen strings it is graded on
    hidden.press("Enter")
    page.wait_for_function("window.location.search.includes('hidden=6')", timeout=15_000)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Solved at epoch").wait_for(timeout=90_000)
    open_page(page, "Challenges")
    page.get_by_text("Passed by your current run").wait_for(timeout=60_000)
    on_train(page)
    page.get_by_text("Solved at epoch").wait_for(timeout=30_000)  # the run is still shown
    assert number_boxes(page)["Hidden size"] == "6"
    page.screenshot(path=screenshot_path("walk-challenge-back-on-train"))
    open_page(page, "Share & export")
    on_train(page)
    assert number_boxes(page)["Hidden size"] == "6"
    page.get_by_text("Solved at epoch").wait_for(timeout=30_000)
    no_exception(page)


def test_loading_a_challenge_after_typing_fills_every_number_box(url_and_page):
    url, page = url_and_page
    page.goto(f"{url}/")
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
    page.locator("textarea").nth(0).fill("banana")
    page.locator("textarea").nth(1).fill("ananab")
    page.keyboard.press("Tab")
    wait_until_idle(page)
    load_challenge(page, "parity")
    on_train(page)
    assert number_boxes(page) == {
        "Embedding size": "10",
        "Hidden size": "2",
        "Layers": "1",
        "Learning rate": "0.05",
        "Epochs": "150",
        "Seed": "777",
    }
    assert page.get_by_role("button", name="Train", exact=True).is_enabled()
    page.get_by_text("Challenge “").first.wait_for(timeout=10_000)  # what the load changed, and its goal
    page.screenshot(path=screenshot_path("walk-challenge-loaded"))
    no_exception(page)


def test_a_target_typed_right_after_a_source_is_kept_while_a_preset_is_selected(app_and_browser):
    url, browser = app_and_browser
    for attempt in range(3):  # it failed on most attempts before
        page = browser.new_context(viewport=VIEWPORT).new_page()
        page.goto(f"{url}/")
        page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
        wait_until_idle(page)
        source, target = page.locator("textarea").nth(0), page.locator("textarea").nth(1)
        source.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("banana", delay=30)
        target.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("ananab", delay=30)
        page.keyboard.press("Tab")
        page.wait_for_function("window.location.search.includes('tgt=ananab')", timeout=15_000)
        wait_until_idle(page)
        assert [source.input_value(), target.input_value()] == ["banana", "ananab"]
        assert page.locator("[data-testid='stAlertContentError']").count() == 0
        if attempt == 0:
            page.screenshot(path=screenshot_path("walk-typed-target"))
        no_exception(page)
        page.context.close()


def test_a_teachers_locked_controls_hold_when_a_student_picks_a_preset(url_and_page):
    url, page = url_and_page
    page.goto(f"{url}/?src=abcde&tgt=edcba&cell=gru&lr=0.2&lock=src,cell,lr")
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_role("combobox", name="Preset").click()
    page.get_by_role("option", name=page.get_by_role("option").nth(5).inner_text()).click()
    wait_until_idle(page)
    assert page.locator("textarea").nth(0).input_value() == "abcde"
    assert page.get_by_role("combobox", name="Recurrent core").input_value() == "nn.GRU"
    assert page.get_by_label("Learning rate", exact=True).first.input_value() == "0.2"
    page.get_by_text("Kept as your teacher's link locks them").wait_for(timeout=10_000)
    page.screenshot(path=screenshot_path("walk-locks-hold"))
    no_exception(page)


def test_a_generated_task_says_what_filling_it_changed(url_and_page):
    url, page = url_and_page
    page.goto(f"{url}/")
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_text("Generate strings: copy, reverse").click()
    wait_until_idle(page)
    choose(page, "Task", "Copy with a delay of k steps")
    wait_until_idle(page)
    length = page.get_by_label("Length", exact=True).first
    page.wait_for_function("box => box.value === '16'", arg=length.element_handle(), timeout=15_000)
    page.get_by_role("button", name="Fill the strings").click()
    wait_until_idle(page)
    notices = page.get_by_text("Generated task “Copy with a delay of k steps” changed")
    notices.first.wait_for(timeout=15_000)
    assert notices.count() == 2  # above the strings and under the button just pressed
    assert "recurrent core" in notices.last.inner_text()
    page.screenshot(path=screenshot_path("walk-task-filled"))
    no_exception(page)


def test_a_seed_the_browser_cannot_hold_gets_a_sentence(url_and_page):
    url, page = url_and_page
    page.goto(f"{url}/")
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
    seed = page.get_by_label("Seed", exact=True).first
    for typed, sentence in (("99999999999999999999", "Seed must be between 0 and"), ("1e30", "must be a whole number")):
        seed.fill(typed)
        seed.press("Enter")
        wait_until_idle(page)
        page.get_by_text(sentence).first.wait_for(timeout=15_000)
    page.screenshot(path=screenshot_path("walk-seed-refused"))
    no_exception(page)
