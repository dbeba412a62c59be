"""`streamlit run app.py` with Nagle's algorithm off on every connection.

    python serve.py [streamlit run options…]
    python serve.py other_script.py [streamlit run options…]

Streamlit 1.67's server (Starlette on uvicorn) binds its listening socket itself, as
`socket.socket(family)`: protocol 0, not `IPPROTO_TCP`. asyncio sets TCP_NODELAY only on the
connections of sockets whose protocol is `IPPROTO_TCP`, so every accepted connection keeps
Nagle's algorithm: a script run that sends its messages in several writes waits for the
browser's delayed ACK (~40 ms on Linux, up to 200 ms on Windows) — see docs/benchmarks.md.

`install_nodelay` wraps Streamlit's (private) `_bind_socket` so that the listening socket is
re-opened as an explicit TCP socket; accepted connections inherit the protocol and asyncio sets
TCP_NODELAY on each of them. Then Streamlit's own command line runs, as
`streamlit run app.py [options…]`: same options, same `.streamlit/config.toml` (read from the
working directory, as always).

`install_session_routes` adds two HTTP routes of ours to Streamlit's Starlette app
(`FacilitatorCookieRoutes`): a page script cannot set an HttpOnly cookie, so after a login the
facilitator's browser posts the session's signed token to `…/_ctg/animation/connexion`, which
answers with the cookie that keeps the facilitator logged in across reloads; `…/deconnexion`
expires it at logout.

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

It lives next to `app.py`, not in `ctg_workshop/`: the domain package never imports streamlit.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import mimetypes
import os
import re
import socket
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli

ROOT = Path(__file__).resolve().parent
APP = ROOT / "app.py"
FIRST_VISIT_ASSETS = ROOT / "deploy" / "first-visit-assets.txt"
_PATCHED = "_ctg_nodelay"
_COMPRESSING = "_ctg_compressing"


def tcp_listening_socket(sock: socket.socket) -> socket.socket:
    """The same listening socket, re-opened with protocol `IPPROTO_TCP` (the descriptor is
    kept: bound, listening, options unchanged). Non-TCP sockets (a Unix socket) come back as is."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())


def install_nodelay() -> bool:
    """Make Streamlit's server set TCP_NODELAY on the connections it accepts.

    Returns False (with a warning on stderr) if this Streamlit no longer binds its socket the
    way the patch expects: the server then runs as plain `streamlit run`, only slower."""
    try:
        from streamlit.web.server.starlette import starlette_server

        original: Callable[..., socket.socket] = starlette_server._bind_socket
    except (ImportError, AttributeError) as error:
        print(
            f"Attention : TCP_NODELAY n'a pas pu être activé ({error}) ; le serveur démarre "
            "sans, avec ~40 ms de délai réseau sur certaines actions.",
            file=sys.stderr,
        )
        return False
    if getattr(original, _PATCHED, False):
        return True

    def bind_tcp(*args: object, **kwargs: object) -> socket.socket:
        return tcp_listening_socket(original(*args, **kwargs))

    setattr(bind_tcp, _PATCHED, True)
    starlette_server._bind_socket = bind_tcp
    return True


# --------------------------------------------------------------------------- facilitator cookie

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
    try:
        from streamlit import config
        from streamlit.web.server.starlette import starlette_server

        original: Callable[..., Any] = starlette_server.create_starlette_app
    except (ImportError, AttributeError) as error:
        print(
            f"Attention : les sessions d'animation ne survivront pas à un rechargement ({error}).",
            file=sys.stderr,
        )
        return False
    if getattr(original, _PATCHED, False):
        return True

    def create_app(*args: object, **kwargs: object) -> Any:
        app = original(*args, **kwargs)
        inner = app
        while not hasattr(inner, "router") and hasattr(inner, "app"):
            inner = inner.app  # under another wrapper of ours (e.g. a middleware around the app)
        routes = FacilitatorCookieRoutes(config.get_option("server.baseUrlPath") or "").routes()
        inner.router.routes[:0] = routes
        return app

    setattr(create_app, _PATCHED, True)
    starlette_server.create_starlette_app = create_app
    return True


# --------------------------------------------------------------------------- compressed static files

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATIC_PREFIX = "/static/"
# Text formats; woff2, png, gif are compressed already.
COMPRESSIBLE = frozenset(
    {".js", ".mjs", ".css", ".svg", ".json", ".html", ".txt", ".map", ".ttf", ".otf", ".ico"}
)
MIN_SIZE = 512  # below this, the headers weigh more than what compression saves
IMMUTABLE = "public, immutable, max-age=31536000"  # Streamlit's own, for its content-hashed files
# Brotli's best quality costs ~1 s per MB of JavaScript, once: above this size (chart libraries
# the partners' page never loads), quality 9 is ten times faster for 8 % more bytes.
BROTLI_BEST_UP_TO = 1 << 20
ENCODINGS = ("br", "gzip")  # by preference
CACHE_DIR_ENV = "CTG_STATIC_CACHE_DIR"
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*$")
_ACCEPT_ENTRY = re.compile(r"^\s*([A-Za-z0-9*_-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def chosen_encoding(accept_encoding: str) -> str | None:
    """`br` or `gzip` as the browser's `Accept-Encoding` allows (its q-values, `*`), the
    highest q first and Brotli on a tie; None if it accepts neither."""
    weights: dict[str, float] = {}
    for entry in accept_encoding.split(","):
        match = _ACCEPT_ENTRY.match(entry)
        if not match:
            continue
        try:
            weight = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        weights[match.group(1).lower()] = weight
    best: tuple[float, str] | None = None
    for encoding in ENCODINGS:
        weight = weights.get(encoding, weights.get("*", 0.0))
        if weight > 0 and (best is None or weight > best[0]):
            best = (weight, encoding)
    return best[1] if best else None


def compress(data: bytes, encoding: str) -> bytes:
    """The same bytes compressed as `encoding` (`br` or `gzip`), at the best level it affords."""
    if encoding == "br":
        return brotli.compress(data, quality=11 if len(data) <= BROTLI_BEST_UP_TO else 9)
    return gzip.compress(data, compresslevel=9, mtime=0)


def default_cache_dir() -> Path:
    """`CTG_STATIC_CACHE_DIR` if set (empty: no disk cache), else ~/.cache/ctg-atelier/static."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ctg-atelier" / "static"


@dataclass(frozen=True)
class Variant:
    """One compressed copy of a file, ready to send."""

    body: bytes
    encoding: str
    media_type: str
    etag: str


class CompressedFiles:
    """The compressed copies of the files under `root`, each made once and kept.

    `variant` is blocking (it may read or compress a file): call it from a worker thread, or
    use `cached` first, which never blocks. Two requests for the same missing copy wait for
    one compression. With `cache_dir`, copies are also written there (atomically, named after
    the file's size and modification time) and read back by the next process.
    """

    def __init__(
        self,
        root: Path,
        cache_dir: Path | None = None,
        compressor: Callable[[bytes, str], bytes] = compress,
    ) -> None:
        self.root = root.resolve()
        self.cache_dir = cache_dir
        self._compress = compressor
        self._memory: dict[tuple[str, str], Variant | None] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    def source(self, relative: str) -> Path | None:
        """The file `relative` names under the root if it is one this class compresses."""
        if not _SAFE_PATH.match(relative) or ".." in relative.split("/"):
            return None
        if Path(relative).suffix.lower() not in COMPRESSIBLE:
            return None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path

    def cached(self, relative: str, encoding: str) -> Variant | None:
        return self._memory.get((relative, encoding))

    def known(self, relative: str, encoding: str) -> bool:
        """True once `variant` has answered for this file (a copy, or None for a file it skips)."""
        return (relative, encoding) in self._memory

    def variant(self, relative: str, encoding: str) -> Variant | None:
        """The compressed copy of `relative`, None if that file is not served compressed."""
        key = (relative, encoding)
        if key in self._memory:
            return self._memory[key]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memory:
                self._memory[key] = self._make(relative, encoding)
            return self._memory[key]

    def warm(self, relatives: Iterable[str]) -> int:
        """Make the copies of these files in both encodings; the number of copies ready."""
        ready = 0
        for relative in relatives:
            for encoding in ENCODINGS:
                try:
                    ready += self.variant(relative, encoding) is not None
                except OSError:
                    continue
        return ready

    def _make(self, relative: str, encoding: str) -> Variant | None:
        path = self.source(relative)
        if path is None:
            return None
        stat = path.stat()
        if stat.st_size < MIN_SIZE:
            return None
        stamp = f"{stat.st_size}-{stat.st_mtime_ns}"
        body = self._read_cache(relative, stamp, encoding)
        if body is None:
            body = self._compress(path.read_bytes(), encoding)
            self._write_cache(relative, stamp, encoding, body)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8"
        tag = hashlib.md5(f"{relative}-{stamp}".encode(), usedforsecurity=False).hexdigest()
        return Variant(body=body, encoding=encoding, media_type=media_type, etag=f'"{tag}-{encoding}"')

    def _cache_path(self, relative: str, stamp: str, encoding: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{relative}.{stamp}.{encoding}"

    def _read_cache(self, relative: str, stamp: str, encoding: str) -> bytes | None:
        path = self._cache_path(relative, stamp, encoding)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _write_cache(self, relative: str, stamp: str, encoding: str, body: bytes) -> None:
        """Best effort: a cache that cannot be written only costs a compression next time."""
        path = self._cache_path(relative, stamp, encoding)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
            temporary.write_bytes(body)
            temporary.replace(path)
        except OSError:
            pass


def first_visit_assets(static_dir: Path, listing: Path = FIRST_VISIT_ASSETS) -> list[str]:
    """What a first visit downloads, relative to the static directory: the files `index.html`
    names, then those of the recorded list (one URL path a line, `#` comments)."""
    names: list[str] = []
    try:
        index = (static_dir / "index.html").read_text(encoding="utf-8")
        names += [match.lstrip("./") for match in re.findall(r"""["'](\.?/?static/[^"'?#]+)""", index)]
    except OSError:
        pass
    try:
        for line in listing.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith(STATIC_PREFIX):
                names.append(line.lstrip("/"))
    except OSError:
        pass
    return list(dict.fromkeys(names))


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


class CompressedStatic:
    """ASGI middleware in front of Streamlit's application: its static files, compressed.

    A `GET`/`HEAD` of `/static/<file>` (after `root_path` and the base URL) whose file is
    compressible and whose browser accepts `br` or `gzip` is answered here, from
    `CompressedFiles`; every other request goes to `app` unchanged, except that the
    uncompressed answer of a compressible static file also says `Vary: Accept-Encoding`.

    With `drop_font_preload` (the theme's font is not Streamlit's), the page document
    (index.html, under any page's path) loses its preload of Source Sans, and is compressed
    here (each rewritten document compressed once, kept by its content).
    """

    def __init__(
        self, app: ASGIApp, files: CompressedFiles, base_url: str = "", *, drop_font_preload: bool = False
    ) -> None:
        self.app = app
        self.files = files
        self.base = "/" + base_url.strip("/") if base_url.strip("/") else ""
        self.drop_font_preload = drop_font_preload
        self._documents: dict[tuple[bytes, str | None], bytes] = {}

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
            if self.drop_font_preload and not path.startswith(_NOT_DOCUMENTS):
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
        """Streamlit's answer, uncompressed; an HTML page comes back without the font preload,
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
        key = (hashlib.sha256(document).digest(), encoding)
        body = self._documents.get(key)
        if body is None:
            rewritten = without_font_preload(document)
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
    try:
        from streamlit import config, file_util
        from streamlit.web.server.starlette import starlette_server

        original: Callable[..., ASGIApp] = starlette_server.create_starlette_app
    except (ImportError, AttributeError) as error:
        print(
            f"Attention : la compression des fichiers statiques n'a pas pu être activée ({error}) ; "
            "le serveur démarre sans, et la première visite d'un téléphone est plus lourde.",
            file=sys.stderr,
        )
        return False
    if getattr(original, _COMPRESSING, False):
        return True
    if cache_dir is None:
        configured = os.environ.get(CACHE_DIR_ENV)
        cache_dir = default_cache_dir() if configured is None else (Path(configured) if configured else None)

    def create_compressed_app(*args: object, **kwargs: object) -> ASGIApp:
        static_dir = Path(file_util.get_static_dir())
        files = CompressedFiles(static_dir, cache_dir)
        threading.Thread(
            target=files.warm, args=(first_visit_assets(static_dir),), name="ctg-warm-static", daemon=True
        ).start()
        base_url = config.get_option("server.baseUrlPath") or ""
        drop = not theme_font_is_streamlits(config.get_option("theme.font"))
        return CompressedStatic(original(*args, **kwargs), files, base_url, drop_font_preload=drop)

    setattr(create_compressed_app, _COMPRESSING, True)
    starlette_server.create_starlette_app = create_compressed_app
    return True


# --------------------------------------------------------------------------- command line


def streamlit_argv(args: Sequence[str]) -> list[str]:
    """`streamlit run SCRIPT [options…]`: SCRIPT is the first argument if it names a `.py`
    file, the project's `app.py` otherwise."""
    rest = list(args)
    script = str(APP)
    if rest and not rest[0].startswith("-") and rest[0].endswith(".py"):
        script = rest.pop(0)
    return ["streamlit", "run", script, *rest]


def main(argv: Sequence[str] | None = None) -> None:
    """Install the fixes, then hand over to Streamlit's command line (which exits the process)."""
    install_nodelay()
    install_session_routes()
    install_compression()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = streamlit_argv(sys.argv[1:] if argv is None else argv)
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
