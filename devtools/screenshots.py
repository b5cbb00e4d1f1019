"""Retake docs/visual/: every page's first screen at 1280×720 and 1920×1080, after a Train run.

    python -m devtools.screenshots            # into docs/visual/
    python -m devtools.screenshots --full     # also whole pages, into test-artifacts/ (to look for
                                              # overlaps below the first screen)

The run is the one the visual browser test uses (hello world → ello world!, a bidirectional
2-layer LSTM); Compare and Gradient flow train their own races first, so their charts show.
Look at every picture before committing it.
"""

from __future__ import annotations

import argparse

from devtools.browser import (
    ARTIFACTS,
    ROOT,
    TOUR_PAGES,
    chromium,
    go_to,
    open_and_train,
    screenshot_whole_page,
    streamlit_server,
    wait_until_idle,
)

LINK = "?src=hello%20world&tgt=ello%20world!&cell=lstm&layers=2&bidir=1&epochs=30"
VIEWPORTS = [(1280, 720), (1920, 1080)]
DOCS = ROOT / "docs" / "visual"
# Pages whose charts appear only after a button of their own is pressed: the button, and what shows when done.
TRAIN_FIRST = {
    "Compare": ("Train side by side", "Download the results table"),
    "Gradient flow": ("Train 25 epochs", "Show epoch"),
}


def slug(title: str) -> str:
    """A page title as a file name: "Share & export" → share-export, "What if?" → what-if."""
    return "".join(c for c in title.lower().replace(" & ", "-").replace(" ", "-") if c.isalnum() or c == "-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also save whole pages into test-artifacts/")
    full = parser.parse_args().full
    DOCS.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url, chromium() as browser:
        for width, height in VIEWPORTS:
            page = browser.new_context(viewport={"width": width, "height": height}).new_page()
            open_and_train(page, url, LINK)
            for title in TOUR_PAGES:
                if title != "Train":
                    go_to(page, title)
                if title in TRAIN_FIRST:
                    button, done = TRAIN_FIRST[title]
                    page.get_by_role("button", name=button).click()
                    page.get_by_text(done).first.wait_for(timeout=120_000)
                    wait_until_idle(page)
                page.mouse.move(0, 0)
                page.evaluate("window.scrollTo(0, 0)")
                page.wait_for_function(  # every plotly chart drawn (Train's first ones come a moment late)
                    "() => [...document.querySelectorAll('.js-plotly-plot')].every(c => c.querySelector('.main-svg'))"
                )
                page.wait_for_timeout(2500)  # and faded in
                name = f"{slug(title)}-{width}x{height}.png"
                page.screenshot(path=DOCS / name)
                if full:
                    screenshot_whole_page(page, ARTIFACTS / f"full-{name}")
                print(DOCS / name)
            page.context.close()


if __name__ == "__main__":
    main()
