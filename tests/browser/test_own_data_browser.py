"""Your own data in a real browser: a pairs file chosen in the file dialog trains and is still the
run after a walk to another page; a pasted text trains; a file past the uploader's size cap is
refused by the browser before the server reads it."""

from __future__ import annotations

import pytest

from devtools.browser import (
    chromium,
    chromium_missing_reason,
    go_to,
    screenshot_path,
    streamlit_server,
    wait_until_idle,
)
from playground.nn.data_files import pairs_byte_bound, pairs_csv

reason = chromium_missing_reason()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

PAIRS = [(f"{a}{b}{c}", f"{c}{b}{a}") for a in "abcde" for b in "abcd" for c in "abcd"]  # 80: two batches


def open_panel(browser, url: str, tab: str):
    """A new tab on the Train page, its "Your own data" panel open at ``tab``."""
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    page.goto(url)
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_text("Your own data: a text to learn to write").click()
    page.get_by_role("tab", name=tab).click()
    return page


def file_input(page, label: str):
    return page.locator('[data-testid="stFileUploader"]').filter(has_text=label).locator('input[type="file"]')


def test_an_uploaded_pairs_file_trains_and_stays_after_a_walk_and_a_pasted_text_trains(tmp_path):
    pairs_file = tmp_path / "words.csv"
    pairs_file.write_text(pairs_csv(*zip(*PAIRS)))
    with streamlit_server() as url, chromium() as browser:
        page = open_panel(browser, url, "Your own pairs")
        file_input(page, "A pairs file").set_input_files(str(pairs_file))
        line = page.get_by_text("Training on the pairs of words.csv: 80 pairs, in batches of 64.")
        line.wait_for(timeout=60_000)
        wait_until_idle(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Show epoch").wait_for(timeout=120_000)
        wait_until_idle(page)
        page.screenshot(path=screenshot_path("own-data-pairs-trained"))
        go_to(page, "Share & export")
        page.get_by_text("A link does not carry the data file 'words.csv'").wait_for(timeout=30_000)
        go_to(page, "Train")
        line.wait_for(timeout=30_000)
        assert page.get_by_text("Show epoch").count()  # the trained run is still there

        page.get_by_text("Your own data: a text to learn to write").click()  # closed by the walk, as any page's
        page.get_by_role("tab", name="Your own text").click()
        page.get_by_label("Or paste a text").fill("the cat sat on the mat.\nthe dog sat on the log, the end")
        page.get_by_role("button", name="Learn to write this text").click()
        page.get_by_text("Learning to write your pasted text: 55 characters").wait_for(timeout=30_000)
        wait_until_idle(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Show epoch").wait_for(timeout=120_000)
        wait_until_idle(page)
        page.screenshot(path=screenshot_path("own-data-text-trained"))


def test_a_pairs_file_past_the_size_cap_is_refused_by_the_uploader(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"ab,ba\n" * (2 * pairs_byte_bound() // 6))
    with streamlit_server() as url, chromium() as browser:
        page = open_panel(browser, url, "Your own pairs")
        file_input(page, "A pairs file").set_input_files(str(big))
        page.get_by_text("File must be").wait_for(timeout=30_000)
        wait_until_idle(page)
        assert not page.get_by_text("Training on the pairs of big.csv").count()
