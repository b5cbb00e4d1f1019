"""Which browser a session comes from: a cookie of its own, so ten tabs count as one student.

Streamlit gives every tab its own session, and the classroom's nginx cookie (`rnnp_replica`) names a
replica, not a browser. `BrowserCookie`, ASGI middleware for `st.App` (app.py), gives a browser that
has no ``rnnp_browser`` cookie a random one with Streamlit's HTML page; every tab it opens then sends
it with its websocket, where `ui.core.budgets` reads it (`st.context.cookies`) to share one training
budget among the browser's tabs. It says nothing about who the student is and is not a security
boundary: a browser that drops its cookies is a new browser.
"""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie

from ui.core.budgets import BROWSER_COOKIE
from ui.server.chart_code_preload import ASGIApp, Message, Receive, Scope, Send

COOKIE_DAYS = 1  # a class's day


def _has_cookie(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"cookie" and BROWSER_COOKIE in SimpleCookie(value.decode("latin-1")):
            return True
    return False


class BrowserCookie:
    """ASGI middleware: the HTML page's answer sets ``rnnp_browser`` for a browser without it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _has_cookie(scope):
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and _is_page(message):
                cookie = (
                    f"{BROWSER_COOKIE}={secrets.token_hex(16)}; Path=/; Max-Age={COOKIE_DAYS * 86400}; "
                    "SameSite=Lax; HttpOnly"
                )
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _is_page(start: Message) -> bool:
    headers = {name.lower(): value for name, value in start.get("headers", [])}
    return headers.get(b"content-type", b"").startswith(b"text/html")
