"""The facilitator's login kept across reloads.

`install_session_routes` adds two HTTP routes of ours to Streamlit's Starlette app
(`FacilitatorCookieRoutes`): a page script cannot set an HttpOnly cookie, so after a login the
facilitator's browser posts the session's signed token to `…/_ctg/animation/connexion`, which
answers with the cookie that keeps the facilitator logged in across reloads; `…/deconnexion`
expires it at logout.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

from server.app_factory import wrap_app_factory

SESSION_ROUTE = "_ctg/animation"
# Our page scripts send it; a cross-site form cannot (a custom header needs CORS's consent).
SESSION_HEADER = "X-CTG-Animation"
_CODE = re.compile(r"^[A-Z0-9]{1,16}$")
_SIGNED = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


class FacilitatorCookieRoutes:
    """`POST {base}/_ctg/animation/connexion` (body: the signed session token) sets the HttpOnly
    cookie of the workshop the token opens, until the session expires; `POST …/deconnexion`
    (body: the workshop code) expires it. The database is opened on the first request."""

    def __init__(self, base_url: str = "") -> None:
        self.prefix = "/" + "/".join(part for part in (base_url.strip("/"), SESSION_ROUTE) if part)
        self._engine: Any = None
        self._lock = threading.Lock()

    def routes(self) -> list[Any]:
        from starlette.routing import Route

        return [
            Route(f"{self.prefix}/connexion", self.log_in, methods=["POST"]),
            Route(f"{self.prefix}/deconnexion", self.log_out, methods=["POST"]),
        ]

    def engine(self) -> Any:
        with self._lock:
            if self._engine is None:
                from ctg_workshop.storage.db import open_database

                self._engine = open_database()
            return self._engine

    def lookup(self, signed: str) -> Any:
        """The session the signed token opens (`sessions.CookieSession`), or None."""
        from ctg_workshop.sessions import session_for_cookie
        from ctg_workshop.storage.db import read_session

        with read_session(self.engine()) as session:
            return session_for_cookie(session=session, signed=signed)

    @staticmethod
    def _refused(request: Any) -> bool:
        site = request.headers.get("sec-fetch-site", "same-origin")
        return request.headers.get(SESSION_HEADER.lower()) != "1" or site not in ("same-origin", "none")

    @staticmethod
    def _secure(request: Any) -> bool:
        forwarded = request.headers.get("x-forwarded-proto", "")
        return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"

    async def log_in(self, request: Any) -> Any:
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import Response

        from ctg_workshop.identifiers import utc_now
        from ctg_workshop.sessions import cookie_name

        signed = (await request.body()).decode("ascii", "replace").strip()
        if self._refused(request) or not _SIGNED.match(signed):
            return Response(status_code=403)
        opened = await run_in_threadpool(self.lookup, signed)
        if opened is None:
            return Response(status_code=403)
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        seconds = int((opened.expires_at - utc_now()) / dt.timedelta(seconds=1))
        response.set_cookie(
            cookie_name(opened.code),
            signed,
            max_age=max(seconds, 0),
            path="/",
            secure=self._secure(request),
            httponly=True,
            samesite="lax",
        )
        return response

    async def log_out(self, request: Any) -> Any:
        from starlette.responses import Response

        from ctg_workshop.sessions import cookie_name

        code = (await request.body()).decode("ascii", "replace").strip()
        if self._refused(request) or not _CODE.match(code):
            return Response(status_code=403)
        response = Response(status_code=204, headers={"Cache-Control": "no-store"})
        response.delete_cookie(
            cookie_name(code), path="/", secure=self._secure(request), httponly=True, samesite="lax"
        )
        return response


def install_session_routes() -> bool:
    """Add `FacilitatorCookieRoutes` in front of the routes of the app Streamlit creates."""
    from streamlit import config

    def add_routes(app: Any) -> Any:
        inner = app
        while not hasattr(inner, "router") and hasattr(inner, "app"):
            inner = inner.app  # under another wrapper of ours (e.g. a middleware around the app)
        routes = FacilitatorCookieRoutes(config.get_option("server.baseUrlPath") or "").routes()
        inner.router.routes[:0] = routes
        return app

    return wrap_app_factory(
        "session_routes",
        add_routes,
        unavailable="les sessions d'animation ne survivront pas à un rechargement",
    )
