"""Challenges in a real browser: load a starting config, train it on Train, come back to the
verdict; the Train page's task generator fills the strings. Screenshots go to
test-artifacts/challenges-*.png for a person to look at."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from devtools.browser import chromium, chromium_missing_reason, screenshot_path, streamlit_server, wait_until_idle
from playground.lessons.challenges import CHALLENGES
from playground.lessons.tasks import GENERATED_TASKS

pytestmark = pytest.mark.skipif(chromium_missing_reason() is not None, reason=str(chromium_missing_reason()))

VIEWPORT = {"width": 1400, "height": 3000}  # Streamlit scrolls inside the page: a tall window shows it all


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def test_load_train_and_pass_a_challenge():
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_context(viewport=VIEWPORT).new_page()
        page.goto(f"{url}/challenges")
        page.get_by_text(f"0 of {len(CHALLENGES)} passed").wait_for(timeout=60_000)
        page.wait_for_timeout(800)
        page.screenshot(path=screenshot_path("challenges-list"), full_page=True)
        page.locator(".st-key-challenge_load_parity button").first.click()
        page.get_by_role("link", name="Loaded: change the settings and train it on the Train page").click()
        page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
        core = page.get_by_role("combobox", name="Recurrent core")
        assert core.input_value() == "nn.RNN"
        core.click()
        page.get_by_role("option", name="nn.GRU").click()
        page.wait_for_function("window.location.search.includes('cell=gru')", timeout=15_000)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Solved at epoch").wait_for(timeout=90_000)
        no_exception(page)
        page.get_by_role("link", name="Challenges").click()
        page.get_by_text("Passed by your current run").wait_for(timeout=60_000)
        page.get_by_text(f"1 of {len(CHALLENGES)} passed").wait_for(timeout=10_000)
        page.wait_for_timeout(800)
        no_exception(page)
        page.screenshot(path=screenshot_path("challenges-passed"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download progress").click()
        assert download.value.suggested_filename == "rnn-playground-challenges.json"


PARITY_LENGTH = GENERATED_TASKS["parity"].suggested.length  # the picker starts a task at its suggested length


def test_task_generator_fills_the_strings():
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1400, "height": 1400}).new_page()
        page.goto(url)
        page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
        wait_until_idle(page)
        page.get_by_text("Generate strings: copy, reverse").click()
        wait_until_idle(page)
        option = page.get_by_role("option", name="Running parity of a bit string")
        for _ in range(5):  # a rerun that redraws the picker closes its list: open it again, as a learner would
            page.get_by_role("combobox", name="Task").click()
            try:
                option.wait_for(timeout=5_000)
                break
            except PlaywrightTimeout:
                pass
        option.click()
        page.get_by_text("One bit of memory is enough").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        page.screenshot(path=screenshot_path("challenges-task-picker-open"), full_page=True)
        page.get_by_role("button", name="Fill the strings").click()
        source = page.get_by_role("textbox", name="Source string(s), one per line", exact=True)
        # Until the rerun ends, the replaced text area can stay beside the new one: wait for the one left.
        page.wait_for_function(
            "(() => { const boxes = document.querySelectorAll('textarea[aria-label^=\"Source string\"]');"
            f" return boxes.length === 1 && /^[01]{{{PARITY_LENGTH}}}\\n/.test(boxes[0].value); }})()",
            timeout=30_000,
        )
        assert set(source.input_value().replace("\n", "")) <= {"0", "1"}
        page.wait_for_timeout(800)
        no_exception(page)
        page.screenshot(path=screenshot_path("challenges-task-generator"), full_page=True)
