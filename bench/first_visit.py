"""How fast a first visit is: a fresh browser → the Train button usable, against a bare Streamlit page.

Two moments, each as a ratio to a bare Streamlit page (bench/bare_page.py: a title, a text area
and a Train button) served by the same Streamlit in the same run, so a shared or slow machine
cancels out:

- warm: both servers have already served one visitor; each trial opens a fresh browser context
  (no cache, no cookies) on one server, then the other, alternating.
- first visitor: each trial starts a server, waits until it answers its health check, and times
  the first visit; the two servers take turns.

"Usable" is the moment Playwright's test before a click would pass: the Train button visible,
enabled, still (the same box in two animation frames in a row) and the element a click at its
centre would reach. The page itself checks this at every animation frame (`USABLE_WATCH`) and
notes the time since the navigation started. Playwright's own trial click only confirms it
afterwards: it retries 0, 20, 100, 100, then every 500 ms, so its finishing time rounds a
page that is usable a moment after a retry up by as much as half a second.
Prints numbers and the goals (warm ≤ 1.5×, first visitor ≤ 2.5×); asserts nothing.

    python -m bench.first_visit [--warm 6] [--cold 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys

from devtools.browser import ROOT, chromium, chromium_missing_reason, streamlit_process

BARE_PAGE = ROOT / "bench" / "bare_page.py"
APP = ROOT / "app.py"
TIMEOUT_MS = 120_000
GOALS = {"warm": 1.5, "first visitor": 2.5}


# Runs in the page before its own scripts: at every animation frame, is the Train button usable?
USABLE_WATCH = """
window.__usable = null;
let previousBox = null;
const usable = () => {
  const button = [...document.querySelectorAll('button')]
    .find(b => b.innerText.trim().split('\\n').pop().trim() === 'Train');
  if (!button || button.disabled || button.getAttribute('aria-disabled') === 'true') return false;
  const box = button.getBoundingClientRect();
  const key = [box.x, box.y, box.width, box.height].join();
  const still = key === previousBox;
  previousBox = key;
  if (!still || !box.width || !box.height || getComputedStyle(button).visibility !== 'visible') return false;
  return button.contains(document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2));
};
const frame = () => usable() ? (window.__usable = performance.now()) : requestAnimationFrame(frame);
requestAnimationFrame(frame);
"""


def visit(browser, url: str) -> float:
    """Seconds from opening ``url`` in a fresh browser context until its Train button is usable."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        context.add_init_script(USABLE_WATCH)
        page = context.new_page()
        page.goto(url)
        page.get_by_role("button", name="Train", exact=True).click(trial=True, timeout=TIMEOUT_MS)
        return page.evaluate("window.__usable") / 1000  # since the navigation started
    finally:
        context.close()


def warm_visits(browser, trials: int) -> dict[str, list[float]]:
    """Alternate fresh contexts on two running servers that have each served one visitor already."""
    times: dict[str, list[float]] = {"app": [], "bare": []}
    with streamlit_process(script=APP) as (app_url, _), streamlit_process(script=BARE_PAGE) as (bare_url, _):
        urls = {"app": app_url, "bare": bare_url}
        for url in urls.values():
            visit(browser, url)  # the first visitor's one-time costs are the other moment
        for trial in range(trials):
            order = ["app", "bare"] if trial % 2 == 0 else ["bare", "app"]
            for name in order:
                times[name].append(visit(browser, urls[name]))
    return times


def first_visits(browser, trials: int) -> dict[str, list[float]]:
    """Start a server, time its first visitor, stop it; the app and the bare page take turns."""
    times: dict[str, list[float]] = {"app": [], "bare": []}
    for trial in range(trials):
        order = ["app", "bare"] if trial % 2 == 0 else ["bare", "app"]
        for name in order:
            with streamlit_process(script=APP if name == "app" else BARE_PAGE) as (url, _):
                times[name].append(visit(browser, url))
    return times


def report(moment: str, times: dict[str, list[float]]) -> None:
    app, bare = statistics.median(times["app"]), statistics.median(times["bare"])
    print(f"{moment}: fresh browser → Train usable (goal ≤ {GOALS[moment]:g}× the bare page)")
    for name in ("app", "bare"):
        print(
            f"  {name:5s} median {statistics.median(times[name]):6.2f} s   " + " ".join(f"{t:.2f}" for t in times[name])
        )
    print(f"  ratio  {app / bare:6.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warm", type=int, default=6, help="trials per server with warm servers")
    parser.add_argument("--cold", type=int, default=3, help="server starts per server for the first visitor")
    args = parser.parse_args()
    reason = chromium_missing_reason()
    if reason:
        sys.exit(f"cannot run: {reason}")
    with chromium() as browser:
        report("warm", warm_visits(browser, args.warm))
        report("first visitor", first_visits(browser, args.cold))


if __name__ == "__main__":
    main()
