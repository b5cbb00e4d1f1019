"""How live the Train page feels: time from pressing Train to the first chart update, and
how often the views refresh while training.

Starts the real app, opens it in headless Chromium, sets 2000 epochs through the UI so the
run lasts several seconds, then watches the page from inside the browser: a
requestAnimationFrame loop records every change of the progress text, which the same
fragment run redraws together with the four live charts. Prints numbers; asserts
nothing (targets: first update < 0.5 s,
at least 5 refreshes per second).

    python -m bench.live_page [--epochs 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from devtools.browser import chromium, chromium_missing_reason, streamlit_server

WATCH = """
() => {
  window.__updates = [];
  window.__clicked = null;
  let lastText = null;
  const tick = () => {
    const progress = document.querySelector('[data-testid="stProgress"]');
    const text = progress ? progress.innerText : null;
    const now = performance.now();
    if (text !== lastText) { window.__updates.push({t: now, kind: 'progress', text}); lastText = text; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""


def measure(epochs: int, live_heatmaps: bool, env=None) -> dict[str, float]:
    with streamlit_server(env=env) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(url)
        train = page.get_by_role("button", name="Train", exact=True)
        train.wait_for(timeout=30_000)
        field = page.get_by_role("spinbutton", name="Epochs", exact=True)
        field.fill(str(epochs))
        field.press("Enter")
        page.wait_for_function(f"() => document.querySelector('[aria-label=\"Epochs\"]').value === '{epochs}'")
        time.sleep(1.0)  # let the rerun that stores the new setting finish
        if not live_heatmaps:  # the toggle appears with the first epoch: Step once, then Reset
            page.get_by_role("button", name="Step", exact=True).click()
            page.get_by_text("Heatmaps follow training live").click()
            page.get_by_role("button", name="Reset", exact=True).click()
            time.sleep(1.0)
        page.evaluate(WATCH)
        page.evaluate("() => { window.__clicked = performance.now(); }")
        train.click()
        page.get_by_text(f"Epoch {epochs} of {epochs}").wait_for(timeout=120_000)
        time.sleep(0.5)
        updates = page.evaluate("() => window.__updates")
        clicked = page.evaluate("() => window.__clicked")
    progress = [u["t"] for u in updates if u["kind"] == "progress" and u["t"] > clicked and u["text"]]
    return _rates("views", progress, clicked)


def _rates(name: str, times: list[float], clicked: float) -> dict[str, float]:
    """First-update latency and refresh statistics of one watched element (ms timestamps)."""
    if len(times) < 2:
        return {f"{name}_updates": len(times)}
    span = (times[-1] - times[0]) / 1000
    gaps = [(b - a) / 1000 for a, b in zip(times, times[1:])]
    return {
        f"{name}_first_update_s": (times[0] - clicked) / 1000,
        f"{name}_updates": len(times),
        f"{name}_span_s": span,
        f"{name}_refreshes_per_s": (len(times) - 1) / span,
        f"{name}_median_gap_s": statistics.median(gaps),
        f"{name}_max_gap_s": max(gaps),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=2000)
    args = parser.parse_args()
    reason = chromium_missing_reason()
    if reason:
        sys.exit(f"cannot run: {reason}")
    for live in (True, False):
        results = measure(args.epochs, live_heatmaps=live)
        print(
            f"Train page, default preset with {args.epochs} epochs, live heatmaps "
            f"{'on' if live else 'off'} (targets: first update < 0.5 s, >= 5/s)"
        )
        for name, value in results.items():
            print(f"  {name:26s} {value:8.3f}" if isinstance(value, float) else f"  {name:26s} {value:8d}")


if __name__ == "__main__":
    main()
