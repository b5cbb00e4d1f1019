"""How live the Train page feels: click → first chart drawn, chart updates per second, and Pause.

Starts the real app and opens it in headless Chromium with the experiment set by a link (the
default preset, N epochs, full speed), then watches the page from inside the browser: a
MutationObserver on the live charts (Vega-Lite drawn as SVG) records every time the browser
changes them (the charts themselves, not only the progress text), and a requestAnimationFrame
loop records the progress text. Times count from the moment the page itself received the click
(its pointerdown): a page busy drawing receives a click late (`pause_reached_page_s`, from when
Playwright was asked to click), and Playwright's own checks before a click take time too.
For Pause it records the epoch shown when Pause is clicked, the epoch the run ends on, and when
the page says "paused" and when it settles: the last change anywhere in the main area (a second
MutationObserver), so any chart the paused views draw counts too. Each page pauses twice
(Train, Pause, Train, Pause: `*_2nd`). "Epochs after pause" counts from the epoch shown when
the click was made, so at full speed it includes the display's lag behind the server (the
epochs of the slice in progress); the server itself starts no epoch once the click has
reached it (tests/test_live_run.py). Prints numbers;
asserts nothing. Goals: first chart change ≤ 0.5 s after the click, ≥ 5 chart updates per
second, Pause settled ≤ 0.3 s with no epoch trained after it, whatever the model size (the
default RNN and an LSTM 128×3 are both timed; `--largest` adds the largest the caps allow).

    python -m bench.live_page [--epochs 2000]
    python -m bench.live_page --speed 10/s --load 30   # a paced run while 30 students press Train
    python -m bench.live_page --held-out               # with 32 held-out pairs measured every epoch

`--load N` has N protocol clients (`bench.server_load`'s bursts) press Train together again and
again on the same server while the page is measured; `--speed` sets the speed slider's stop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import statistics
import sys
import threading
import time
from collections.abc import Iterator

from bench.bursts import Servers, burst
from devtools.browser import chromium, chromium_missing_reason, streamlit_server
from playground.run.limits import LIMITS

WATCH = """
() => {
  window.__charts = [];
  window.__main = [];  // every change anywhere in the main area: the page has settled when they stop
  window.__progress = [];
  window.__pressed = null;  // when the page itself received the last click (a busy page receives it late)
  if (window.__watching) return;
  window.__watching = true;
  document.addEventListener('pointerdown', () => { window.__pressed = performance.now(); }, true);
  new MutationObserver(() => window.__main.push(performance.now())).observe(
    document.querySelector('[data-testid="stMain"]'),
    {subtree: true, childList: true, attributes: true, characterData: true});
  const observer = new MutationObserver(() => window.__charts.push(performance.now()));
  const observed = new Set();
  let lastText = null;
  const tick = () => {
    // The live charts (loss, predictions, heatmaps) appear with the first epoch: observe each node once.
    for (const node of document.querySelectorAll('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')) {
      if (!observed.has(node)) {
        observed.add(node);
        observer.observe(node, {subtree: true, childList: true, attributes: true, characterData: true});
      }
    }
    const progress = document.querySelector('[data-testid="stProgress"]');
    const text = progress ? progress.innerText : null;
    if (text !== lastText || !window.__progress.length) {
      window.__progress.push({t: performance.now(), text});
      lastText = text;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""
MODELS = {"default RNN": "", "LSTM 128x3": "&cell=lstm&hidden=128&layers=3"}
# With --held-out: 32 held-out pairs measured after every epoch (characters of hello → ohlol, shuffled).
HELD_OUT = "".join(
    f"&tsrc={''.join(random.Random(n).sample('hello', 5))}&ttgt={''.join(random.Random(-n).sample('ohlol', 5))}"
    for n in range(32)
)
# The largest network the caps allow (playground/run/limits.py), timed with --largest.
LARGEST = {
    f"bidirectional LSTM {LIMITS.max_hidden_size}x{LIMITS.max_layers}": (
        f"&cell=lstm&hidden={LIMITS.max_hidden_size}&layers={LIMITS.max_layers}&bidir=1"
    )
}


def _epoch(text: str | None) -> int | None:
    match = re.search(r"Epoch (\d+) of", text or "")
    return int(match.group(1)) if match else None


@contextlib.contextmanager
def class_pressing_train(url: str, students: int) -> Iterator[None]:
    """While inside: ``students`` protocol clients press Train together, again and again (each
    burst new sessions, as in `bench.server_load`), so the page is measured on a busy server."""
    if not students:
        yield
        return
    stopping = threading.Event()

    async def bursts() -> None:
        while not stopping.is_set():
            await burst(Servers(url, []), students)

    thread = threading.Thread(target=asyncio.run, args=(bursts(),), daemon=True)
    thread.start()
    time.sleep(3.0)  # the first burst's sessions are open and training
    try:
        yield
    finally:
        stopping.set()
        thread.join(timeout=120)


def measure(epochs: int, model_params: str, train_for: float, speed: str, load: int) -> dict[str, float]:
    """Open a link setting the experiment, press Train, Pause after ``train_for`` seconds; then
    press Train again (the run continues) and Pause again after a third of that (a small network
    at full speed trains half of its 2000 epochs in the first ``train_for``)."""
    results: dict[str, float] = {}
    with streamlit_server() as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"{url}/?epochs={epochs}{model_params}")
        page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
        _set_speed(page, speed)
        time.sleep(1.0)
        with class_pressing_train(url, load):
            results |= _measure_pauses(page, train_for)
    return results


def _measure_pauses(page, train_for: float) -> dict[str, float]:
    """Train, Pause after ``train_for`` seconds, Train again, Pause after a third of that."""
    results = _train_and_pause(page, train_for)
    time.sleep(1.0)
    second = _train_and_pause(page, train_for / 3)  # what the first left of the 2000 epochs is enough
    return results | {
        f"{name}_2nd": value for name, value in second.items() if name.startswith(("pause", "epochs", "first_chart"))
    }


def _train_and_pause(page, train_for: float) -> dict[str, float]:
    """Press Train, then Pause after ``train_for`` seconds; the numbers of this run and pause."""
    page.evaluate(WATCH)
    page.get_by_role("button", name="Train", exact=True).click()
    clicked = page.evaluate("() => window.__pressed")
    time.sleep(train_for)
    paused_at = page.evaluate("() => performance.now()")
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_function("() => window.__progress.some(p => p.t > window.__pressed && / paused/.test(p.text))")
    time.sleep(2.0)  # anything still arriving after the pause is counted
    charts, main, pressed, progress = page.evaluate(
        "() => [window.__charts, window.__main, window.__pressed, window.__progress]"
    )
    training = [t for t in charts if clicked < t < pressed]
    shown_then = [p["text"] for p in progress if p["t"] <= pressed][-1]
    paused_shown = next(p["t"] for p in progress if p["t"] > pressed and "paused" in (p["text"] or ""))
    settled = max([t for t in main if t > pressed] + [p["t"] for p in progress if p["t"] > pressed])
    results: dict[str, float] = {}
    if training:
        results["first_chart_change_s"] = (training[0] - clicked) / 1000
        results |= _update_rate(training)
    results["pause_reached_page_s"] = (pressed - paused_at) / 1000
    results["pause_shown_s"] = (paused_shown - pressed) / 1000
    results["pause_settled_s"] = (settled - pressed) / 1000
    results["epochs_after_pause"] = (_epoch(progress[-1]["text"]) or 0) - (_epoch(shown_then) or 0)
    return results


def _set_speed(page, speed: str) -> None:
    """Move the speed slider to ``speed`` as it reads ("full" is its last stop, "10/s" …)."""
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("Home")
    thumb = page.get_by_test_id("stSliderThumbValue")
    for _ in range(20):
        if thumb.inner_text().strip() == speed:
            break
        slider.press("ArrowRight")
        time.sleep(0.05)
    thumb.get_by_text(speed, exact=True).wait_for(timeout=10_000)


def _update_rate(times: list[float]) -> dict[str, float]:
    """Chart updates per second while training: mutations closer than a frame count as one."""
    updates = [times[0]]
    for t in times[1:]:
        if t - updates[-1] > 16:
            updates.append(t)
    if len(updates) < 2:
        return {"chart_updates": len(updates)}
    span = (updates[-1] - updates[0]) / 1000
    gaps = [(b - a) / 1000 for a, b in zip(updates, updates[1:])]
    return {
        "chart_updates": len(updates),
        "chart_updates_per_s": (len(updates) - 1) / span,
        "chart_median_gap_s": statistics.median(gaps),
        "chart_max_gap_s": max(gaps),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--train-for", type=float, default=3.0, help="seconds of training before Pause")
    parser.add_argument("--largest", action="store_true", help="also time the largest network the caps allow")
    parser.add_argument("--speed", default="full", help='the speed slider\'s stop: "full" (default), "10/s", …')
    parser.add_argument("--load", type=int, default=0, metavar="N", help="N protocol clients press Train meanwhile")
    parser.add_argument("--held-out", action="store_true", help="with 32 held-out pairs measured every epoch")
    args = parser.parse_args()
    reason = chromium_missing_reason()
    if reason:
        sys.exit(f"cannot run: {reason}")
    for name, params in (MODELS | LARGEST if args.largest else MODELS).items():
        held_out = HELD_OUT if args.held_out else ""
        results = measure(args.epochs, params + held_out, args.train_for, args.speed, args.load)
        busy = f", {args.load} students pressing Train meanwhile" if args.load else ""
        busy += ", 32 held-out pairs" if args.held_out else ""
        print(
            f"Train page, {name}, {args.epochs} epochs at speed {args.speed}, Pause after {args.train_for:g} s{busy} "
            "(goals: first chart change <= 0.5 s, >= 5 updates/s, Pause settled <= 0.3 s, 0 epochs after Pause)"
        )
        for key, value in results.items():
            print(f"  {key:26s} {value:8.3f}" if isinstance(value, float) else f"  {key:26s} {value:8d}")


if __name__ == "__main__":
    main()
