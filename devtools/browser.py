"""Start the real app and drive Debian's Chromium, for browser tests, benchmarks and screenshots.

It lives here, not in tests/, because the browser tests (tests/browser) and the benchmarks (bench/)
both start the app the same way and read the same process counters; neither imports the other.
Playwright launches the system Chromium (`/usr/bin/chromium`); it never downloads a browser.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from deploy.classroom import free_port, streamlit_command

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts"
SOLVED_TEXT = "Solved at epoch"  # the start of the alert a finished Train run shows
# The keys (CSS class `st-key-<key>`) of the four plotly charts a finished Train run shows.
TRAIN_CHARTS = ["train_loss_chart", "train_predictions_chart", "train_probabilities_chart", "train_hidden_chart"]


def chromium_missing_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (install Debian's 'chromium' package; .ci/run does)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the 'playwright' Python package is not installed (pip install -r requirements-dev.txt)"
    return None


@contextlib.contextmanager
def streamlit_server(env: dict[str, str] | None = None, timeout: float = 60.0) -> Iterator[str]:
    """Run `streamlit run app.py` on a free loopback port; yields its base URL."""
    with streamlit_process(env, timeout) as (url, _):
        yield url


@contextlib.contextmanager
def streamlit_process(
    env: dict[str, str] | None = None, timeout: float = 60.0, script: Path = ROOT / "app.py"
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Like `streamlit_server`, also yielding the server process (to measure its memory).

    ``script`` is the app by default; bench/first_visit.py serves its bare baseline page with it.
    """
    port = free_port()
    command = streamlit_command(port, script)
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"streamlit-{port}.log", "w")
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not become healthy in {timeout:.0f} s")
            time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Playwright Browser on Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def resident_megabytes(pid: int) -> float:
    """The process's resident memory (VmRSS) in MiB, read from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far, read from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def chromium_cpu_seconds() -> float:
    """CPU time used so far by every running Chromium process (browser, renderers, GPU)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # Children rewrite their command line as one space-separated string; /usr/bin/chromium
            # is a wrapper that execs /usr/lib/chromium/chromium.
            program = (entry / "cmdline").read_bytes().replace(b"\0", b" ").split(b" ")[0]
            if Path(program.decode(errors="replace")).name == "chromium":
                total += cpu_seconds(int(entry.name))
        except OSError:  # the process ended while we looked
            pass
    return total


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def screenshot_whole_page(page, path: Path) -> None:
    """Save the whole page, not just the window: the app scrolls inside its own container, so the
    window is made as tall as the page for the picture (at most 12,000 px), then put back."""
    size = page.viewport_size
    tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(tall, size["height"]), 12_000)})
    page.wait_for_timeout(1500)  # charts redraw at the new height
    page.screenshot(path=path)
    page.set_viewport_size(size)


# The pages a learner tours in the browser tests, by their navigation titles (app.py).
TOUR_PAGES = [
    "Train",
    "Shapes",
    "Inside the cell",
    "What if?",
    "Embeddings",
    "Gradient flow",
    "Compare",
    "Challenges",
    "Share & export",
]


def wait_until_idle(page) -> None:
    """Wait until Streamlit's "Running…" status is gone: the script run the last action started has ended."""
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)


def open_and_train(page, url: str, query: str) -> None:
    """Open the app with a link's query (``?src=…``), press Train and wait for the finished run."""
    page.goto(f"{url}/{query}")
    page.get_by_role("button", name="Train", exact=True).wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Show epoch").wait_for(timeout=120_000)
    wait_until_idle(page)


def go_to(page, title: str) -> None:
    """Follow the navigation link ``title`` and wait until the page has been drawn."""
    page.get_by_role("link", name=title).first.click()
    page.wait_for_timeout(1000)
    wait_until_idle(page)
