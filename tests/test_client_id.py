"""The browser id cookie (`server/client_id.py`): given with an HTML page to a browser that has
none, so the websocket that follows carries it and the login throttle counts one browser as one."""

from __future__ import annotations

import asyncio

from server.client_id import CLIENT_COOKIE, CLIENT_ID, ClientIdCookie, sent_client_id
from ui.auth import CLIENT_COOKIE as READ_BY_THE_PAGES


def answer(
    content_type: bytes, headers: list[tuple[bytes, bytes]], method: str = "GET", scheme: str = "http"
):
    """Run the middleware around an app answering `content_type`; return the response headers."""

    async def app(scope, receive, send) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type)]}
        )
        await send({"type": "http.response.body", "body": b"<html></html>"})

    sent: list[dict] = []

    async def send(message) -> None:
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": method, "scheme": scheme, "headers": headers, "path": "/animer"}
    asyncio.run(ClientIdCookie(app)(scope, receive, send))
    return sent[0]["headers"]


def cookies_set(headers: list[tuple[bytes, bytes]]) -> list[str]:
    return [value.decode() for name, value in headers if name == b"set-cookie"]


def test_a_page_gives_a_new_browser_its_id() -> None:
    (cookie,) = cookies_set(answer(b"text/html; charset=utf-8", []))
    name, _, rest = cookie.partition("=")
    value = rest.split(";")[0]
    assert name == CLIENT_COOKIE == READ_BY_THE_PAGES
    assert CLIENT_ID.match(value)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    assert "Secure" not in cookie


def test_two_new_browsers_get_different_ids() -> None:
    first = cookies_set(answer(b"text/html", []))[0].split(";")[0]
    second = cookies_set(answer(b"text/html", []))[0].split(";")[0]
    assert first != second


def test_a_browser_keeps_the_id_it_has() -> None:
    sent = [(b"cookie", b"ctg_route=abc; ctg_poste=AbCdEfGhIjKlMnOpQrStUv12; autre=1")]
    assert cookies_set(answer(b"text/html", sent)) == []
    assert sent_client_id({"headers": sent}) == "AbCdEfGhIjKlMnOpQrStUv12"


def test_an_invalid_id_is_replaced() -> None:
    sent = [(b"cookie", b"ctg_poste=<script>")]
    assert sent_client_id({"headers": sent}) is None
    assert len(cookies_set(answer(b"text/html", sent))) == 1


def test_only_pages_carry_it() -> None:
    assert cookies_set(answer(b"application/javascript", [])) == []
    assert cookies_set(answer(b"text/html", [], method="POST")) == []


def test_secure_behind_https() -> None:
    assert "Secure" in cookies_set(answer(b"text/html", [], scheme="https"))[0]
    forwarded = [(b"x-forwarded-proto", b"https")]
    assert "Secure" in cookies_set(answer(b"text/html", forwarded))[0]
