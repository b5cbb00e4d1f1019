"""The page Streamlit serves gains the script that loads the live charts' code early.

What it saves in a browser is measured by bench/live_page.py; tests/browser/test_train_browser.py
checks that a live run then fetches no code the page has not loaded already.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from streamlit.file_util import get_static_dir

from ui.server.chart_code_preload import LIVE_VIEW_MODULES, PreloadChartCode, chart_module_files, preload_script

STREAMLIT_JS = Path(get_static_dir()) / "static" / "js"
PAGE = b"<html><head><title>app</title></head><body></body></html>"


def test_the_pinned_streamlit_build_has_each_module_once():
    files = chart_module_files()
    assert [name.split(".")[0] for name in files] == list(LIVE_VIEW_MODULES)
    assert all((STREAMLIT_JS / name).is_file() for name in files)


def test_another_build_without_the_modules_gets_no_script(tmp_path):
    (tmp_path / "ArrowVegaLiteChart.abc.js").write_text("")  # Progress is missing
    assert chart_module_files(tmp_path) == ()
    assert preload_script(()) == b""
    _, body = serve(responding(b"text/html", PAGE), static_js=tmp_path)
    assert body == PAGE


def test_the_script_names_the_modules():
    files = chart_module_files()
    script = preload_script(files)
    assert script.startswith(b'<script type="module">') and script.endswith(b"</script>")
    assert all(name.encode() in script for name in files)


def serve(app, method: str = "GET", static_js: Path | None = None) -> tuple[dict, bytes]:
    """One request through ``app`` wrapped in the middleware: the response's start and body."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/"}
    asyncio.run(PreloadChartCode(app, static_js)(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def responding(content_type: bytes, body: bytes, status: int = 200, head: bool = False):
    """An ASGI app answering with ``body`` in two pieces, as a file response streams it (to a
    HEAD request: its length and no body)."""

    async def app(scope, receive, send) -> None:
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if head:
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})

    return app


def content_length(start: dict) -> int:
    (length,) = [int(value) for name, value in start["headers"] if name == b"content-length"]
    return length


def test_the_html_page_gains_the_script_at_the_end_of_its_head_and_its_length_is_told_right():
    start, body = serve(responding(b"text/html; charset=utf-8", PAGE))
    head, rest = body.split(b"</head>")
    assert head == b"<html><head><title>app</title>" + preload_script(chart_module_files())
    assert rest == b"<body></body></html>"
    assert content_length(start) == len(body)


def test_a_head_request_is_told_the_length_of_the_page_it_would_get():
    start, body = serve(responding(b"text/html", PAGE, head=True), method="HEAD")
    assert body == b""
    assert content_length(start) == len(serve(responding(b"text/html", PAGE))[1])


def test_other_responses_pass_through_untouched():
    script = b"console.log('</head>')" * 10
    assert serve(responding(b"text/javascript", script))[1] == script
    assert serve(responding(b"text/html", PAGE, status=404))[1] == PAGE
    assert serve(responding(b"text/html", PAGE), method="POST")[1] == PAGE
