"""A random id for each browser, given with the first page, for the login throttle.

The throttle counts failed logins per browser (`ui/auth.client_key`), and every process reads
the same counts from the database. Streamlit only sees the cookies the browser sent when its
websocket opened: a cookie set by a script in the page reaches the server at the next load
only, so a new browser's first attempts were counted under another key than its later ones (a
reload gave five free attempts again). `ClientIdCookie` sets the cookie on the HTML page
itself when the browser has none: the websocket that follows already carries it. HttpOnly (no
page script needs it), a year, SameSite=Lax, Secure behind HTTPS.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from server.app_factory import wrap_app_factory

CLIENT_COOKIE = "ctg_poste"
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
ONE_YEAR_S = 365 * 24 * 3600

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def sent_client_id(scope: Scope) -> str | None:
    """The valid `ctg_poste` the request carries, if any."""
    for name, value in scope.get("headers", ()):
        if name != b"cookie":
            continue
        for pair in value.decode("latin-1").split(";"):
            key, _, cookie = pair.strip().partition("=")
            if key == CLIENT_COOKIE and CLIENT_ID.match(cookie):
                return cookie
    return None


def _behind_https(scope: Scope) -> bool:
    headers = dict(scope.get("headers", ()))
    forwarded = headers.get(b"x-forwarded-proto", b"").decode("latin-1")
    return scope.get("scheme") == "https" or forwarded.split(",")[0].strip() == "https"


def client_id_header(scope: Scope) -> tuple[bytes, bytes]:
    """A `Set-Cookie` header giving this browser a new random id."""
    cookie = (
        f"{CLIENT_COOKIE}={secrets.token_urlsafe(24)}; Path=/; Max-Age={ONE_YEAR_S}; HttpOnly; SameSite=Lax"
    )
    if _behind_https(scope):
        cookie += "; Secure"
    return b"set-cookie", cookie.encode("ascii")


def _is_html(message: Message) -> bool:
    content_type = dict(message.get("headers", ())).get(b"content-type", b"")
    return content_type.split(b";")[0].strip() == b"text/html"


class ClientIdCookie:
    """ASGI middleware: an HTML page answered to a browser without a valid `ctg_poste` sets one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or sent_client_id(scope):
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and _is_html(message):
                message = {**message, "headers": [*message.get("headers", ()), client_id_header(scope)]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def install_client_id_cookie() -> bool:
    """Wrap the app Streamlit creates in `ClientIdCookie` (outermost: call it after the other
    `install_…` of the launcher, so the pages they answer themselves get the cookie too)."""
    return wrap_app_factory(
        "client_id",
        ClientIdCookie,
        unavailable="l'identifiant de navigateur sera posé au deuxième chargement",
    )
