"""The browser cookie (`ui.server.browser_cookie`): set with the page for a browser without one, never
set again once the browser sends it, and never on other answers; ten tabs then share one budget."""

from __future__ import annotations

import asyncio

from ui.core.budgets import BROWSER_COOKIE
from ui.server.browser_cookie import BrowserCookie


async def page_app(scope, receive, send) -> None:
    kind = b"text/html" if scope["path"] == "/" else b"application/javascript"
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", kind)]})
    await send({"type": "http.response.body", "body": b"..."})


def set_cookies(path: str, cookie: str = "") -> list[str]:
    headers = [(b"cookie", cookie.encode())] if cookie else []
    sent = []

    async def send(message) -> None:
        sent.append(message)

    asyncio.run(BrowserCookie(page_app)({"type": "http", "path": path, "headers": headers}, None, send))
    return [value.decode() for name, value in sent[0]["headers"] if name == b"set-cookie"]


def test_a_new_browser_gets_its_cookie_with_the_page_and_keeps_it():
    (cookie,) = set_cookies("/")
    assert cookie.startswith(f"{BROWSER_COOKIE}=") and "Path=/" in cookie and "HttpOnly" in cookie
    assert set_cookies("/", cookie.split(";")[0]) == [], "a browser that has one keeps it"
    assert set_cookies("/", f"other=1; {cookie.split(';')[0]}") == []
    assert set_cookies("/static/js/index.js") == [], "only the page sets it"
    assert set_cookies("/") != [cookie], "each new browser gets its own"
