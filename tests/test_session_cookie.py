"""The facilitator's cookie: a signed session token that survives a reload, checked against the
database at each use, set (HttpOnly) and expired through the HTTP routes serve.py adds."""

from __future__ import annotations

import asyncio
import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine
from starlette.requests import Request

import serve
from ctg_workshop.access import log_in_facilitator, set_facilitator_passphrase
from ctg_workshop.archive.load import import_archive
from ctg_workshop.sessions import (
    close_cookie_session,
    cookie_name,
    session_for_cookie,
    sign,
    signing_key,
)
from ctg_workshop.storage.db import read_session, write_session

PASSPHRASE = "trois-mots-secrets"


@pytest.fixture
def demo(engine: Engine, demo_archive: bytes) -> tuple[Engine, int]:
    with write_session(engine) as session:
        workshop = import_archive(session=session, data=demo_archive)
        set_facilitator_passphrase(session=session, workshop_id=workshop.id, passphrase=PASSPHRASE)
        return engine, workshop.id


def _signed_login(engine: Engine, now: dt.datetime | None = None) -> str:
    with write_session(engine) as session:
        login = log_in_facilitator(
            session=session, code="armdemo", passphrase=PASSPHRASE, client="x", now=now
        )
        return sign(login.token, signing_key(session=session))


def _opened(engine: Engine, signed: str, now: dt.datetime | None = None):
    with read_session(engine) as session:
        return session_for_cookie(session=session, signed=signed, now=now)


def test_a_signed_cookie_opens_its_workshop_until_logout(demo) -> None:
    engine, workshop_id = demo
    signed = _signed_login(engine)
    opened = _opened(engine, signed)
    assert (opened.workshop_id, opened.code) == (workshop_id, "ARMDEMO")
    token, _, signature = signed.rpartition(".")
    assert _opened(engine, f"{token}.{signature[:-2]}AA") is None  # a forged signature
    assert _opened(engine, token) is None  # no signature
    assert _opened(engine, "") is None
    with write_session(engine) as session:
        close_cookie_session(session=session, signed=signed)
    assert _opened(engine, signed) is None


def test_a_new_passphrase_or_the_expiry_ends_the_cookie(demo) -> None:
    engine, workshop_id = demo
    signed = _signed_login(engine)
    assert (
        _opened(engine, signed, now=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=13))
        is None
    )
    with write_session(engine) as session:
        set_facilitator_passphrase(session=session, workshop_id=workshop_id, passphrase="une-autre-phrase")
    assert _opened(engine, signed) is None


# --------------------------------------------------------------------------- routes


def _request(path: str, body: str, headers: dict[str, str] | None = None) -> Request:
    sent = {"x-ctg-animation": "1", "sec-fetch-site": "same-origin", **(headers or {})}
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "scheme": "http",
        "server": ("127.0.0.1", 8501),
        "query_string": b"",
        "headers": [(k.encode(), v.encode()) for k, v in sent.items()],
    }
    messages = [{"type": "http.request", "body": body.encode(), "more_body": False}]

    async def receive():
        return messages.pop(0)

    return Request(scope, receive)


@pytest.fixture
def routes(demo, monkeypatch: pytest.MonkeyPatch) -> serve.FacilitatorCookieRoutes:
    engine, _ = demo
    handler = serve.FacilitatorCookieRoutes("")
    handler._engine = engine  # the server opens CTG_DATABASE_URL; here the test's database
    return handler


def test_the_route_sets_an_http_only_expiring_cookie(demo, routes) -> None:
    engine, _ = demo
    signed = _signed_login(engine)
    response = asyncio.run(routes.log_in(_request("/_ctg/animation/connexion", signed)))
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{cookie_name('ARMDEMO')}={signed};")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
    assert 11 * 3600 < max_age <= 12 * 3600
    assert "Secure" not in cookie
    secure = asyncio.run(routes.log_in(_request("/x", signed, {"x-forwarded-proto": "https"}))).headers[
        "set-cookie"
    ]
    assert "Secure" in secure


def test_the_route_refuses_forged_tokens_and_other_sites(demo, routes) -> None:
    engine, _ = demo
    signed = _signed_login(engine)
    token = signed.rpartition(".")[0]
    assert asyncio.run(routes.log_in(_request("/x", token + ".faux"))).status_code == 403
    assert (
        asyncio.run(routes.log_in(_request("/x", signed, {"sec-fetch-site": "cross-site"}))).status_code
        == 403
    )
    assert asyncio.run(routes.log_in(_request("/x", signed, {"x-ctg-animation": ""}))).status_code == 403
    assert "set-cookie" not in asyncio.run(routes.log_in(_request("/x", "a<b>"))).headers


def test_logout_route_expires_the_cookie(routes) -> None:
    response = asyncio.run(routes.log_out(_request("/_ctg/animation/deconnexion", "ARMDEMO")))
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{cookie_name('ARMDEMO')}=") and "Max-Age=0" in cookie and "HttpOnly" in cookie
    assert asyncio.run(routes.log_out(_request("/x", "ARM; x=1"))).status_code == 403


def test_the_routes_come_first_in_streamlits_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.web.server.starlette import starlette_server

    app = SimpleNamespace(router=SimpleNamespace(routes=["streamlit"]))
    monkeypatch.setattr(starlette_server, "create_starlette_app", lambda *args, **kwargs: app)
    assert serve.install_session_routes()
    assert starlette_server.create_starlette_app(None) is app
    assert [route.path for route in app.router.routes[:2]] == [
        "/_ctg/animation/connexion",
        "/_ctg/animation/deconnexion",
    ]
    assert app.router.routes[2:] == ["streamlit"]
