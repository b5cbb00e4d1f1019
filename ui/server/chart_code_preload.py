"""Loading the live charts' code while a visitor reads the page, before the first Train click.

Streamlit's browser loads each kind of element's code the first time one is drawn, so the live
Vega-Lite charts' code would load after the first click on Train and delay that click's first
chart. `PreloadChartCode`, ASGI middleware for `st.App` (app.py), adds a small module script to the
HTML page Streamlit serves; it imports that code once the page's first script run is drawn and the
browser is idle, at no cost to the server (no script run, no element). The modules are found by
name in Streamlit's static folder (the names carry a hash per Streamlit build): where they are not
found, the page is served unchanged. Measurements: docs/performance.md, "How live the Train page feels".
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from string import Template
from typing import Any

from streamlit.file_util import get_static_dir

from charts.theme import MONOSPACE

# What a live run draws first: the chart element's chunk (it imports Vega's embed and the Arrow
# helpers) and the progress bar's element.
# The page also loads the font of the heatmaps' characters (charts.theme.MONOSPACE).
LIVE_VIEW_MODULES = ("ArrowVegaLiteChart", "Progress")
QUIET_MS = 400

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Waits for the app's first script run to be drawn (Streamlit marks its root `notRunning`) and
# for the page to stay unchanged for QUIET_MS (widgets keep settling for a few hundred ms after
# the run; a load started then delayed the Train button by as much), then for an idle moment;
# then imports the modules from where Streamlit's own `index` script came, so the browser's
# module map holds them under the URLs Streamlit will ask for.
PRELOAD_SCRIPT = Template("""<script type="module">
const files = $files;
const quietMs = $quiet_ms;
const index = document.querySelector('script[src*="/js/index."]');
const load = () => Promise.all([
  ...files.map((file) => import(new URL(file, index.src).href)),
  document.fonts.load('1em "$font"'),
]).catch(() => {});
const whenIdle = (task) =>
  "requestIdleCallback" in window ? requestIdleCallback(task, {timeout: 3000}) : setTimeout(task, 500);
const drawn = () => document.querySelector(
  '[data-testid="stApp"][data-test-script-state="notRunning"] ' +
  '[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]'
);
let quiet = null;
const watch = new MutationObserver(() => {
  clearTimeout(quiet);
  if (drawn()) quiet = setTimeout(() => { watch.disconnect(); whenIdle(load); }, quietMs);
});
if (index) watch.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
</script>""")


def chart_module_files(static_js: Path | None = None) -> tuple[str, ...]:
    """The file names of LIVE_VIEW_MODULES in Streamlit's static folder, or () unless each is
    found exactly once (another Streamlit build: then nothing is preloaded)."""
    folder = static_js or Path(get_static_dir()) / "static" / "js"
    files = []
    for module in LIVE_VIEW_MODULES:
        matches = sorted(path.name for path in folder.glob(f"{module}.*.js") if path.name.count(".") == 2)
        if len(matches) != 1:
            return ()
        files.append(matches[0])
    return tuple(files)


def preload_script(files: tuple[str, ...]) -> bytes:
    """The script that loads ``files`` (b"" without files: nothing to add)."""
    if not files:
        return b""
    font = MONOSPACE.split(",")[0]
    return PRELOAD_SCRIPT.substitute(files=json.dumps(list(files)), quiet_ms=QUIET_MS, font=font).encode()


def page_with_preload(html: bytes, script: bytes) -> bytes:
    """The HTML page with ``script`` at the end of its head."""
    return html.replace(b"</head>", script + b"</head>", 1)


class PreloadChartCode:
    """ASGI middleware: Streamlit's HTML page (served for `/` and for every page's path) gains
    the preload script; every other response passes through untouched. A HEAD request is told
    the length its GET will have."""

    def __init__(self, app: ASGIApp, static_js: Path | None = None) -> None:
        self.app = app
        self.script = preload_script(chart_module_files(static_js))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if scope["type"] != "http" or method not in ("GET", "HEAD") or not self.script:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def send_with_preload(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and _is_plain_html(message):
                if method == "HEAD":
                    await send(_with_length(message, _length(message) + len(self.script)))
                else:
                    start = message  # held back until the body is complete: its length changes
                return
            if start is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if not message.get("more_body", False):
                    page = page_with_preload(b"".join(body), self.script)
                    await send(_with_length(start, len(page)))
                    await send({"type": "http.response.body", "body": page})
                return
            await send(message)

        await self.app(scope, receive, send_with_preload)


def _length(start: Message) -> int:
    return next(int(value) for name, value in start["headers"] if name.lower() == b"content-length")


def _with_length(start: Message, length: int) -> Message:
    headers = [(name, value) for name, value in start["headers"] if name.lower() != b"content-length"]
    return {**start, "headers": [*headers, (b"content-length", str(length).encode())]}


def _is_plain_html(start: Message) -> bool:
    """A 200 response with an uncompressed HTML body of known length (Streamlit's page: it is
    never compressed)."""
    headers = {name.lower(): value for name, value in start.get("headers", [])}
    return (
        start.get("status") == 200
        and headers.get(b"content-type", b"").startswith(b"text/html")
        and b"content-encoding" not in headers
        and b"content-length" in headers
    )
