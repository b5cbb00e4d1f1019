"""Classroom load test: N students press Train at once on one RNN Playground server.

Starts `streamlit run app.py` on a loopback port, warms it up with one page (the first
session pays the one-time imports of torch and plotly), opens N pages in one headless Chromium
(one browser context each, so each is its own Streamlit session), waits until every page
has loaded, then has every page press Train on the default task at the same moment and
times click → solved, and click → all four charts of the finished run on the page. Prints
p50 / p95 / max, page errors, and the server's resident memory before and after (and per
session). It also prints the CPU seconds the server and all of Chromium used from the clicks
to the last page with its charts: on one small machine the N browser
renderers compete with the server for the same cores, and this split shows which of the two
the timings measure (`bench.server_load` measures the server alone). Numbers are printed,
never asserted.

    python -m bench.load_test --students 1 10 30
"""

from __future__ import annotations

import argparse
import statistics
import time

from devtools.browser import (
    SOLVED_TEXT,
    TRAIN_CHARTS,
    chromium,
    chromium_cpu_seconds,
    cpu_seconds,
    resident_megabytes,
    streamlit_process,
)

TIMEOUT_MS = 120_000
# Timestamps are taken inside each page, so waiting on the pages one after another in
# Python does not add to any page's measured time. Besides the solved message, the time
# all four finished-run charts are on the page is kept: the learner sees the whole result then.
WATCH_FOR_SOLVED = """([solvedText, charts]) => {
    window.__solvedAt = null;
    window.__chartsAt = null;
    const observer = new MutationObserver(() => {
        if (window.__solvedAt === null && document.body.textContent.includes(solvedText)) {
            window.__solvedAt = performance.now();
        }
        if (window.__solvedAt !== null && charts.every(key => document.querySelector(`.st-key-${key} .main-svg`))) {
            window.__chartsAt = performance.now();
            observer.disconnect();
        }
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    window.__clickedAt = performance.now();
}"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def wait_until_browsers_idle(limit_seconds: float = 120.0) -> None:
    """Wait until the pages have finished drawing (Chromium below a tenth of a core), so the
    clicks find every student looking at a loaded page and only the clicks' work is measured."""
    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        before = chromium_cpu_seconds()
        time.sleep(1.0)
        if chromium_cpu_seconds() - before < 0.1:
            return


def run(students: int) -> dict[str, float]:
    with streamlit_process() as (url, server), chromium() as browser:
        warm_up = browser.new_page()  # the first session pays the one-time imports (torch, plotly)
        warm_up.goto(url)
        warm_up.get_by_role("button", name="Train", exact=True).wait_for(timeout=TIMEOUT_MS)
        warm_up.close()
        idle_mb = resident_megabytes(server.pid)
        errors: list[str] = []
        pages = []
        for _ in range(students):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            pages.append(page)
        for page in pages:
            page.get_by_role("button", name="Train", exact=True).wait_for(timeout=TIMEOUT_MS)
        loaded_mb = resident_megabytes(server.pid)
        wait_until_browsers_idle()
        server_cpu, browser_cpu = cpu_seconds(server.pid), chromium_cpu_seconds()
        for page in pages:  # Playwright's sync API is single-threaded: click all, then wait
            page.evaluate(WATCH_FOR_SOLVED, [SOLVED_TEXT, TRAIN_CHARTS])
            page.get_by_role("button", name="Train", exact=True).click()
        durations, drawn = [], []
        for page in pages:
            try:
                page.wait_for_function("window.__chartsAt !== null", timeout=TIMEOUT_MS)
                solved, charts = page.evaluate(
                    "[window.__solvedAt - window.__clickedAt, window.__chartsAt - window.__clickedAt]"
                )
                durations.append(solved / 1000)
                drawn.append(charts / 1000)
            except Exception as error:  # a page that never solves is reported, not hidden
                errors.append(f"not solved and drawn: {type(error).__name__}")
        after_mb = resident_megabytes(server.pid)
        server_cpu, browser_cpu = cpu_seconds(server.pid) - server_cpu, chromium_cpu_seconds() - browser_cpu
        return {
            "students": students,
            "p50": statistics.median(durations) if durations else float("nan"),
            "p95": percentile(durations, 0.95) if durations else float("nan"),
            "max": max(durations) if durations else float("nan"),
            "charts_p95": percentile(drawn, 0.95) if drawn else float("nan"),
            "errors": len(errors),
            "idle_mb": idle_mb,
            "after_mb": after_mb,
            "per_session_mb": (after_mb - idle_mb) / students,
            "first_error": errors[0] if errors else "",
            "loaded_mb": loaded_mb,
            "server_cpu": server_cpu,
            "browser_cpu": browser_cpu,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, nargs="+", default=[1, 10, 30])
    args = parser.parse_args()
    print(
        "| students | click→solved p50 | p95 | max | click→charts p95 | page errors | server RSS idle → after "
        "| per session | CPU s: server (per student) | CPU s: Chromium |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for students in args.students:
        r = run(students)
        print(
            f"| {r['students']} | {r['p50']:.2f} s | {r['p95']:.2f} s | {r['max']:.2f} s "
            f"| {r['charts_p95']:.2f} s | {r['errors']} "
            f"| {r['idle_mb']:.0f} → {r['after_mb']:.0f} MB | {r['per_session_mb']:.1f} MB "
            f"| {r['server_cpu']:.1f} ({r['server_cpu'] / r['students']:.2f}) | {r['browser_cpu']:.1f} |",
            flush=True,
        )
        if r["first_error"]:
            print(f"  first error: {r['first_error']}")


if __name__ == "__main__":
    main()
