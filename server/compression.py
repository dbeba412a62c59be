"""Streamlit's static files compressed once, and a lighter page document.

Streamlit also serves its own static files (the JavaScript, CSS and fonts of the page, 2.8 MB
on a phone's first visit) uncompressed, on purpose: its gzip layer would compress them again
on every request. `install_compression` wraps the server's application in `CompressedStatic`,
which answers a `GET`/`HEAD` of a compressible file under `/static/` with a Brotli or gzip
copy, made **once** per file (kept in memory, and on disk in `CTG_STATIC_CACHE_DIR`, by default
`~/.cache/ctg-atelier/static`, so that a restart or a second process does not compress again),
with `Content-Encoding`, `Vary: Accept-Encoding` and Streamlit's immutable one-year cache. The
files a first visit needs (`deploy/first-visit-assets.txt`, and those `index.html` names) are
compressed in a background thread as the server starts. Everything else (other paths, a
browser that accepts neither encoding, a `Range` request) goes to Streamlit unchanged.

When `.streamlit/config.toml` gives the theme another font than Streamlit's Source Sans (the
shipped one: the phone's own fonts), the page document (`index.html`, whatever the page's path)
is also rewritten: its preload of Source Sans is dropped and the family is mapped to local
fonts, so that a first visit downloads no text font at all (170 kB less); it is compressed here.
The page document also says it is in French (`lang="fr"`), whatever the font, tells Streamlit
where its server is (no probe of `/participer/_stcore/health` first) and asks early, at low
priority, for the scripts the join form draws later (`page_document`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from server.app_factory import wrap_app_factory
from server.compressed_files import (  # noqa: F401 - re-exported: the launcher's names
    CACHE_DIR_ENV,
    COMPRESSIBLE,
    ENCODINGS,
    FIRST_VISIT_ASSETS,
    IMMUTABLE,
    STATIC_PREFIX,
    CompressedFiles,
    Variant,
    chosen_encoding,
    compress,
    default_cache_dir,
    first_visit_assets,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


# Requests that never return the page document (index.html): left to Streamlit as they are.
_NOT_DOCUMENTS = ("/_stcore/", "/media/", "/component/", "/_components/", "/app/static/", "/bidi-components/")
# Streamlit's page preloads its body font; useless (170 kB) when the theme names another font.
_FONT_PRELOAD = re.compile(rb"""<link\s+rel="preload"\s+href="[^"]*SourceSans[^"]*"[^>]*>\s*""", re.S)
# Streamlit still draws its first screen (before the theme arrives over the websocket) in
# "Source Sans": declared again, after its stylesheet, as the phone's own fonts.
_LOCAL_SOURCE_SANS = b"".join(
    b'@font-face{font-family:"Source Sans";font-style:%s;font-weight:100 900;src:%s}' % (style, sources)
    for style, sources in (
        (
            b"normal",
            b'local("Roboto"),local("Helvetica Neue"),local("Arial"),local("Noto Sans"),local("DejaVu Sans")',
        ),
        (
            b"italic",
            b'local("Roboto Italic"),local("Helvetica Neue Italic"),local("Arial Italic"),local("Noto Sans Italic")',
        ),
    )
)
_STREAMLIT_FONTS = ("", "sans-serif", "serif", "monospace")


def theme_font_is_streamlits(font: object) -> bool:
    """True when `theme.font` leaves Streamlit's Source Sans as the body font."""
    text = str(font or "").strip().lower()
    return text in _STREAMLIT_FONTS or "source sans" in text


def without_font_preload(document: bytes) -> bytes:
    """The page without Streamlit's Source Sans: no preload, the family mapped to local fonts."""
    document = _FONT_PRELOAD.sub(b"", document)
    return document.replace(b"</head>", b"<style>" + _LOCAL_SOURCE_SANS + b"</style></head>", 1)


# A page's path as the server routes it, safe to quote in a script (anything else: no hint).
_PLAIN_ROUTE = re.compile(r"^/[A-Za-z0-9_-]*/?$")


def backend_hint(route_path: str) -> bytes:
    """A script telling Streamlit's page where its server is, so that it does not probe for it.

    Without it, a page under a path (`/participer`) first asks `/participer/_stcore/health`,
    gets a 404, waits and asks `/_stcore/health`: two round trips and a timer (0.25 s on an
    emulated 4G phone) before the websocket opens. Streamlit reads `window.__streamlit` (its
    embedding settings) once at startup. The base is worked out in the browser, from the address
    it shows minus the route the server saw, so that a proxy adding a prefix stays right."""
    if not _PLAIN_ROUTE.match(route_path):
        return b""
    route = json.dumps(route_path.rstrip("/"))
    return (
        b"<script>(function(){var p=location.pathname.replace(/\\/+$/,''),r=%s;"
        b"if(r===''||p.slice(-r.length)===r){window.__streamlit={BACKEND_BASE_URL:"
        b"location.origin+p.slice(0,p.length-r.length)+'/'}}})()</script>" % route.encode()
    )


def lazy_script_preloads(document: bytes, first_visit: list[str]) -> bytes:
    """`modulepreload` links for the scripts a first visit loads only once the websocket has
    drawn the page (the join form's text inputs, st.html), which the document does not name.

    The phone's link is idle while its slow CPU runs the main script (~1 s on an emulated 4G
    phone): these ~20 small files (20 kB) arrive then, instead of in two more round trips after
    the first drawing. Listed after Streamlit's own, they do not delay them. (Asking for all the
    ~90 scripts of a first visit this way was measured slower: 3.7 -> 3.9-4.1 s.)"""
    links = [
        b'<link rel="modulepreload" crossorigin fetchpriority="low" href="./%s">' % name.encode()
        for name in first_visit
        if name.endswith(".js") and name.encode() not in document
    ]
    return b"".join(links)


def page_document(
    document: bytes, *, drop_font: bool, route_path: str = "", first_visit: list[str] | None = None
) -> bytes:
    """The page document as the phones get it: in French from its first byte (`lang`, which
    screen readers read before any script runs; ui/french.py sets it too), telling Streamlit
    where its server is (`backend_hint`), asking early for the scripts drawn later
    (`lazy_script_preloads`), and without Source Sans when the theme uses another font."""
    document = document.replace(b'<html lang="en">', b'<html lang="fr">', 1)
    hint = backend_hint(route_path)
    preloads = lazy_script_preloads(document, first_visit or [])
    document = document.replace(b"<head>", b"<head>" + hint, 1).replace(b"</head>", preloads + b"</head>", 1)
    return without_font_preload(document) if drop_font else document


class CompressedStatic:
    """ASGI middleware in front of Streamlit's application: its static files, compressed.

    A `GET`/`HEAD` of `/static/<file>` (after `root_path` and the base URL) whose file is
    compressible and whose browser accepts `br` or `gzip` is answered here, from
    `CompressedFiles`; every other request goes to `app` unchanged, except that the
    uncompressed answer of a compressible static file also says `Vary: Accept-Encoding`.

    The page document (index.html, under any page's path) is rewritten (`page_document`: in
    French, without Source Sans with `drop_font_preload`) and compressed here (each rewritten
    document compressed once, kept by its content).
    """

    def __init__(
        self,
        app: ASGIApp,
        files: CompressedFiles,
        base_url: str = "",
        *,
        drop_font_preload: bool = False,
        first_visit: list[str] | None = None,
    ) -> None:
        self.app = app
        self.files = files
        self.base = "/" + base_url.strip("/") if base_url.strip("/") else ""
        self.drop_font_preload = drop_font_preload
        self.first_visit = first_visit or []
        self._documents: dict[tuple[bytes, str | None, str], bytes] = {}

    def _route_path(self, scope: Scope) -> str:
        path: str = scope.get("path", "")
        for prefix in (scope.get("root_path", ""), self.base):
            if prefix and (path == prefix or path.startswith(prefix + "/")):
                path = path[len(prefix) :]
        return path or "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path = self._route_path(scope)
        if not path.startswith(STATIC_PREFIX):
            if not path.startswith(_NOT_DOCUMENTS):
                await self._document(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        relative = path.lstrip("/")
        if self.files.source(relative) is None:
            await self.app(scope, receive, send)
            return
        encoding = chosen_encoding(_header(scope, b"accept-encoding"))
        variant = None
        if encoding is not None and not _header(scope, b"range"):
            variant = self.files.cached(relative, encoding)
            if variant is None and not self.files.known(relative, encoding):
                import anyio.to_thread

                variant = await anyio.to_thread.run_sync(self.files.variant, relative, encoding)
        if variant is None:
            await self.app(scope, receive, _with_vary(send))
            return
        await _send_variant(variant, scope, send)

    async def _document(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Streamlit's answer, uncompressed; an HTML page comes back rewritten (`page_document`),
        compressed as the browser accepts; anything else passes unchanged."""
        encoding = chosen_encoding(_header(scope, b"accept-encoding"))
        plain_scope = dict(scope)
        plain_scope["headers"] = [
            (k, v) for k, v in scope.get("headers", ()) if k.lower() != b"accept-encoding"
        ]
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict((k.lower(), v) for k, v in message.get("headers", ()))
                if message.get("status") == 200 and headers.get(b"content-type", b"").startswith(
                    b"text/html"
                ):
                    start = message
                    return
                await send(message)
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._send_document(start, b"".join(chunks), encoding, scope, send)
            else:
                await send(message)

        await self.app(plain_scope, receive, capture)

    async def _send_document(
        self, start: Message, document: bytes, encoding: str | None, scope: Scope, send: Send
    ) -> None:
        route = self._route_path(scope)
        key = (hashlib.sha256(document).digest(), encoding, route)
        body = self._documents.get(key)
        if body is None:
            rewritten = page_document(
                document, drop_font=self.drop_font_preload, route_path=route, first_visit=self.first_visit
            )
            body = compress(rewritten, encoding) if encoding else rewritten
            if len(self._documents) < 64:  # a handful of distinct documents, never grows unbounded
                self._documents[key] = body
        dropped = {b"content-length", b"content-encoding", b"vary", b"etag", b"last-modified"}
        headers = [(k, v) for k, v in start.get("headers", ()) if k.lower() not in dropped]
        headers += [(b"content-length", str(len(body)).encode()), (b"vary", b"Accept-Encoding")]
        if encoding:
            headers.append((b"content-encoding", encoding.encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body})


def _with_vary(send: Send) -> Send:
    async def send_with_vary(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"vary"]
            message["headers"] = [*headers, (b"vary", b"Accept-Encoding")]
        await send(message)

    return send_with_vary


async def _send_variant(variant: Variant, scope: Scope, send: Send) -> None:
    not_modified = variant.etag in [tag.strip() for tag in _header(scope, b"if-none-match").split(",")]
    headers = [
        (b"content-type", variant.media_type.encode()),
        (b"content-encoding", variant.encoding.encode()),
        (b"vary", b"Accept-Encoding"),
        (b"cache-control", IMMUTABLE.encode()),
        (b"etag", variant.etag.encode()),
    ]
    if not_modified:
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers.append((b"content-length", str(len(variant.body)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    body = b"" if scope.get("method") == "HEAD" else variant.body
    await send({"type": "http.response.body", "body": body})


def install_compression(cache_dir: Path | None = None) -> bool:
    """Serve Streamlit's static files compressed (`CompressedStatic` around its application)
    and start compressing what a first visit needs in a background thread.

    Returns False (with a warning on stderr) if this Streamlit no longer builds its server the
    way the patch expects: its files are then served uncompressed, as by `streamlit run`."""
    from streamlit import config, file_util

    if cache_dir is None:
        configured = os.environ.get(CACHE_DIR_ENV)
        cache_dir = default_cache_dir() if configured is None else (Path(configured) if configured else None)

    def compressed(app: ASGIApp) -> ASGIApp:
        static_dir = Path(file_util.get_static_dir())
        files = CompressedFiles(static_dir, cache_dir)
        # Only files this Streamlit has: a list recorded for another version preloads nothing wrong.
        first_visit = [name for name in first_visit_assets(static_dir) if (static_dir / name).is_file()]
        threading.Thread(target=files.warm, args=(first_visit,), name="ctg-warm-static", daemon=True).start()
        base_url = config.get_option("server.baseUrlPath") or ""
        drop = not theme_font_is_streamlits(config.get_option("theme.font"))
        return CompressedStatic(app, files, base_url, drop_font_preload=drop, first_visit=first_visit)

    return wrap_app_factory(
        "compression",
        compressed,
        unavailable="la compression des fichiers statiques n'a pas pu être activée ; le serveur démarre "
        "sans, et la première visite d'un téléphone est plus lourde",
    )
