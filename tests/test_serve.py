"""`python serve.py`: `streamlit run app.py` with TCP_NODELAY on every connection.

Streamlit 1.67 leaves Nagle's algorithm on for the connections it accepts (docs/benchmarks.md):
a script run then waits for the browser's delayed ACK, ~40 ms. The launcher re-opens the
listening socket as an explicit TCP socket so that asyncio sets TCP_NODELAY. Checked here on
the hook itself (an asyncio server on the socket Streamlit binds) and on the real app started
through the launcher: the server's end of a connection the test opened carries TCP_NODELAY.

The launcher also serves Streamlit's static files compressed (Brotli or gzip, as the browser
accepts), each copy made once: checked on `CompressedFiles` and on the real app, with and
without `Accept-Encoding`, the bytes identical once decompressed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import gzip
import http.client
import os
import re
import socket
import sys
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import pytest

import serve
from measure import PROJECT_ROOT
from measure.harness.processes import HOST
from measure.harness.streamlit_server import SERVE, StreamlitServer, start_streamlit
from server import compression

_SYS_PIDFD_GETFD = 438  # Linux >= 5.6, the same number on every architecture


@pytest.fixture
def restored_bind() -> Iterator[None]:
    """Streamlit's `_bind_socket` as it was before the test (the hook patches the module)."""
    from streamlit.web.server.starlette import starlette_server

    original = starlette_server._bind_socket
    yield
    starlette_server._bind_socket = original


def _nodelay_of_accepted_connection(listening: socket.socket) -> int:
    """Serve `listening` with asyncio (as uvicorn does), connect once, and return the
    TCP_NODELAY option of the server's end of that connection."""

    async def scenario() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def on_connection(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted: socket.socket = writer.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connection, sock=listening)
        async with server:
            _reader, writer = await asyncio.open_connection(*listening.getsockname()[:2])
            try:
                return await asyncio.wait_for(seen, timeout=10)
            finally:
                writer.close()

    return asyncio.run(scenario())


def test_streamlit_binds_without_tcp_so_asyncio_leaves_nagle_on(restored_bind: None) -> None:
    """The reason for the launcher. If this fails, Streamlit sets TCP_NODELAY itself now: the
    launcher is no longer needed (it stays harmless)."""
    from streamlit.web.server.starlette import starlette_server

    listening = starlette_server._bind_socket(HOST, 0, 8)
    assert _nodelay_of_accepted_connection(listening) == 0


def test_the_hook_makes_every_accepted_connection_tcp_nodelay(restored_bind: None) -> None:
    from streamlit.web.server.starlette import starlette_server

    assert serve.install_nodelay()
    assert serve.install_nodelay()  # twice: wrapped once
    listening = starlette_server._bind_socket(HOST, 0, 8)
    assert listening.proto == socket.IPPROTO_TCP
    assert _nodelay_of_accepted_connection(listening) == 1


def test_the_hook_leaves_unix_sockets_alone() -> None:
    first, second = socket.socketpair(socket.AF_UNIX)
    with first, second:
        assert serve.tcp_listening_socket(first) is first


def test_the_command_line_is_streamlit_run_app_with_the_same_options() -> None:
    app = str(PROJECT_ROOT / "app.py")
    assert serve.streamlit_argv([]) == ["streamlit", "run", app]
    assert serve.streamlit_argv(["--server.port", "8502", "--server.headless", "true"]) == [
        "streamlit",
        "run",
        app,
        "--server.port",
        "8502",
        "--server.headless",
        "true",
    ]
    assert serve.streamlit_argv(["other.py", "--server.port", "1"]) == [
        "streamlit",
        "run",
        "other.py",
        "--server.port",
        "1",
    ]


def _socket_of(pid: int, fd: int) -> socket.socket:
    """A duplicate of another process's descriptor (pidfd_getfd; our own child process)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        duplicate = libc.syscall(_SYS_PIDFD_GETFD, pidfd, fd, 0)
        if duplicate < 0:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
        return socket.socket(fileno=duplicate)
    finally:
        os.close(pidfd)


def _server_end(pid: int, client: socket.socket) -> socket.socket:
    """The server process's socket whose peer is `client`."""
    wanted = client.getsockname()
    for name in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                continue
        try:
            candidate = _socket_of(pid, int(name))
        except OSError as error:
            if error.errno in (errno.ENOSYS, errno.EPERM, errno.EACCES):
                pytest.skip(f"descripteurs d'un autre processus illisibles ici (pidfd_getfd : {error})")
            continue  # closed in between
        try:
            if (
                candidate.family in (socket.AF_INET, socket.AF_INET6)
                and candidate.getpeername()[:2] == wanted
            ):
                return candidate
        except OSError:
            pass
        candidate.close()
    raise AssertionError(f"aucune socket du serveur (PID {pid}) n'a pour pair {wanted}")


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"), reason="Linux (pidfd) seulement"
)
def test_the_app_started_by_the_launcher_sets_tcp_nodelay_on_its_connections(tmp_path: Path) -> None:
    server: StreamlitServer = start_streamlit(f"sqlite:///{tmp_path / 'serve.sqlite3'}", runner=SERVE)
    try:
        with socket.create_connection((HOST, server.port), timeout=10) as client:
            # An HTTP exchange on this connection: once answered, the server has accepted it.
            client.sendall(f"GET /_stcore/health HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n\r\n".encode())
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
            with _server_end(server.pid, client) as accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        server.stop()


# --------------------------------------------------------------------------- compressed static files


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("gzip, deflate, br, zstd", "br"),  # Chromium
        ("gzip, deflate", "gzip"),
        ("", None),
        ("identity", None),
        ("br;q=0, gzip;q=0.5", "gzip"),
        ("gzip;q=1.0, br;q=0.8", "gzip"),
        ("*", "br"),
        ("*;q=0", None),
        ("GZIP", "gzip"),
        ("br;q=bad, gzip", "gzip"),
    ],
)
def test_the_encoding_follows_accept_encoding(accept: str, expected: str | None) -> None:
    assert serve.chosen_encoding(accept) == expected


def _static_tree(root: Path) -> Path:
    (root / "static" / "js").mkdir(parents=True)
    (root / "static" / "media").mkdir()
    (root / "static" / "js" / "app.abc123.js").write_text("const greeting = 'bonjour';\n" * 400)
    (root / "static" / "js" / "tiny.js").write_text("1;")
    (root / "static" / "media" / "font.woff2").write_bytes(os.urandom(4000))
    return root


def test_each_copy_is_compressed_once_however_many_ask(tmp_path: Path) -> None:
    root = _static_tree(tmp_path / "site")
    calls: list[tuple[int, str]] = []

    def counting(data: bytes, encoding: str) -> bytes:
        calls.append((len(data), encoding))
        return serve.compress(data, encoding)

    files = serve.CompressedFiles(root, cache_dir=None, compressor=counting)
    with ThreadPoolExecutor(max_workers=8) as pool:
        variants = list(pool.map(lambda _: files.variant("static/js/app.abc123.js", "br"), range(32)))
    assert len(calls) == 1
    assert len({id(v) for v in variants}) == 1
    original = (root / "static" / "js" / "app.abc123.js").read_bytes()
    assert brotli.decompress(variants[0].body) == original
    gzipped = files.variant("static/js/app.abc123.js", "gzip")
    assert gzip.decompress(gzipped.body) == original
    assert len(calls) == 2
    assert files.cached("static/js/app.abc123.js", "gzip") is gzipped


def test_the_disk_cache_spares_the_next_process_a_compression(tmp_path: Path) -> None:
    root = _static_tree(tmp_path / "site")
    cache = tmp_path / "cache"
    first = serve.CompressedFiles(root, cache_dir=cache)
    made = first.variant("static/js/app.abc123.js", "br")

    def refusing(data: bytes, encoding: str) -> bytes:
        raise AssertionError("compressed again")

    second = serve.CompressedFiles(root, cache_dir=cache, compressor=refusing)
    assert second.variant("static/js/app.abc123.js", "br") == made
    # The file changes (a Streamlit upgrade keeps a name): its old copy is not served.
    (root / "static" / "js" / "app.abc123.js").write_text("changed();\n" * 200)
    third = serve.CompressedFiles(root, cache_dir=cache)
    assert brotli.decompress(third.variant("static/js/app.abc123.js", "br").body) == b"changed();\n" * 200


@pytest.mark.parametrize(
    "relative",
    [
        "static/js/tiny.js",  # too small to gain anything
        "static/media/font.woff2",  # compressed already
        "static/js/missing.js",
        "static/../static/js/app.abc123.js",
        "static/js/../../outside.js",
        "/etc/passwd",
        "static/js/.hidden.js",
    ],
)
def test_only_compressible_files_inside_the_root_are_compressed(tmp_path: Path, relative: str) -> None:
    root = _static_tree(tmp_path / "site")
    (tmp_path / "outside.js").write_text("secret();\n" * 200)
    files = serve.CompressedFiles(root, cache_dir=None)
    assert files.variant(relative, "gzip") is None


def test_the_first_visit_list_names_the_files_index_html_loads(tmp_path: Path) -> None:
    root = _static_tree(tmp_path / "site")
    (root / "index.html").write_text(
        '<script type="module" src="./static/js/app.abc123.js"></script>'
        '<link rel="stylesheet" href="./static/css/index.css">'
    )
    listing = tmp_path / "assets.txt"
    listing.write_text("# recorded\n/static/js/chunk.js\n/static/js/app.abc123.js\n/_stcore/health\n")
    assert serve.first_visit_assets(root, listing) == [
        "static/js/app.abc123.js",
        "static/css/index.css",
        "static/js/chunk.js",
    ]


def _get(
    port: int, path: str, headers: dict[str, str], method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_the_app_serves_its_static_files_compressed_once_and_identical(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    server = start_streamlit(
        f"sqlite:///{tmp_path / 'serve.sqlite3'}", runner=SERVE, env={serve.CACHE_DIR_ENV: str(cache)}
    )
    try:
        _status, _headers, index = _get(server.port, "/", {})
        scripts = re.findall(r'src="\./(static/js/index\.[^"]+\.js)"', index.decode())
        styles = re.findall(r'href="\./(static/css/index\.[^"]+\.css)"', index.decode())
        assert scripts and styles
        for path in (f"/{scripts[0]}", f"/{styles[0]}"):
            status, plain_headers, plain_body = _get(server.port, path, {})
            assert status == 200
            assert "content-encoding" not in plain_headers
            assert plain_headers["vary"] == "Accept-Encoding"
            assert plain_headers["cache-control"] == "public, immutable, max-age=31536000"
            assert int(plain_headers["content-length"]) == len(plain_body)
            on_disk = (Path(streamlit_static_dir()) / path.lstrip("/")).read_bytes()
            assert plain_body == on_disk
            for accept, encoding, decompress in (
                ("gzip, deflate, br, zstd", "br", brotli.decompress),
                ("gzip, deflate", "gzip", gzip.decompress),
            ):
                status, headers, body = _get(server.port, path, {"Accept-Encoding": accept})
                assert status == 200
                assert headers["content-encoding"] == encoding
                assert headers["vary"] == "Accept-Encoding"
                assert headers["cache-control"] == "public, immutable, max-age=31536000"
                assert headers["content-type"] == plain_headers["content-type"]
                assert int(headers["content-length"]) == len(body) < len(plain_body) / 2
                assert decompress(body) == plain_body
                # Asked again: the very same bytes, and a revalidation is a 304.
                assert _get(server.port, path, {"Accept-Encoding": accept})[2] == body
                revalidated = _get(
                    server.port, path, {"Accept-Encoding": accept, "If-None-Match": headers["etag"]}
                )
                assert revalidated[0] == 304 and revalidated[2] == b""
                head = _get(server.port, path, {"Accept-Encoding": accept}, method="HEAD")
                assert head[1]["content-length"] == headers["content-length"] and head[2] == b""
        # The copies were made once and kept on disk for the next process.
        assert any(cache.rglob(f"{Path(scripts[0]).name}.*.br"))
        # Fonts (woff2, compressed already) and the rest of the app are Streamlit's, unchanged.
        font = re.findall(r'href="\./(static/media/[^"]+\.woff2)"', index.decode())
        if font:
            font_headers = _get(server.port, f"/{font[0]}", {"Accept-Encoding": "br, gzip"})[1]
            assert "content-encoding" not in font_headers
        assert _get(server.port, "/_stcore/health", {"Accept-Encoding": "br"})[2] == b"ok"
        # The page itself (any page's path): without Streamlit's font, compressed as accepted.
        status, headers, page = _get(server.port, "/participer?atelier=X", {})
        assert status == 200 and "content-encoding" not in headers
        assert int(headers["content-length"]) == len(page) and headers["cache-control"] == "no-cache"
        assert b"SourceSansVF" not in page and b'font-family:"Source Sans"' in page
        assert b'<div id="root">' in page
        for accept, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
            status, headers, body = _get(server.port, "/participer", {"Accept-Encoding": accept})
            assert headers["content-encoding"] == accept and headers["vary"] == "Accept-Encoding"
            assert int(headers["content-length"]) == len(body)
            assert decompress(body) == page
    finally:
        server.stop()


def test_the_theme_font_decides_whether_source_sans_goes() -> None:
    assert serve.theme_font_is_streamlits(None)
    assert serve.theme_font_is_streamlits("sans-serif")
    assert serve.theme_font_is_streamlits("Source Sans, sans-serif")
    assert not serve.theme_font_is_streamlits("system-ui, Roboto, sans-serif")
    shipped = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())["theme"]["font"]
    assert not serve.theme_font_is_streamlits(shipped)


def test_the_page_loses_the_preload_of_source_sans_and_nothing_else() -> None:
    document = (Path(streamlit_static_dir()) / "index.html").read_bytes()
    assert b"SourceSansVF-Upright" in document  # what Streamlit ships
    rewritten = serve.without_font_preload(document)
    assert b"SourceSansVF" not in rewritten
    assert rewritten.count(b"<link") == document.count(b"<link") - 1
    assert rewritten.count(b'rel="modulepreload"') == document.count(b'rel="modulepreload"')
    assert rewritten.index(b'font-family:"Source Sans"') > rewritten.index(b'rel="stylesheet"')


def test_the_page_is_french_whatever_the_font() -> None:
    document = (Path(streamlit_static_dir()) / "index.html").read_bytes()
    assert b'<html lang="en">' in document  # what Streamlit ships
    for drop_font in (True, False):
        rewritten = serve.page_document(document, drop_font=drop_font)
        assert b'<html lang="fr">' in rewritten and b'lang="en"' not in rewritten
        assert (b"SourceSansVF" in rewritten) is not drop_font
        assert rewritten.count(b'rel="modulepreload"') == document.count(b'rel="modulepreload"')


def streamlit_static_dir() -> str:
    from streamlit import file_util

    return file_util.get_static_dir()


def test_the_page_tells_streamlit_where_its_server_is() -> None:
    document = (Path(streamlit_static_dir()) / "index.html").read_bytes()
    rewritten = compression.page_document(document, drop_font=False, route_path="/participer")
    hint = compression.backend_hint("/participer")
    assert hint.startswith(b"<script>") and b'"/participer"' in hint and b"__streamlit" in hint
    # Before Streamlit's scripts, which read `window.__streamlit` once as they start.
    assert rewritten.index(hint) < rewritten.index(b'type="module"')
    assert compression.backend_hint("/") and compression.backend_hint("/saisie/")


@pytest.mark.parametrize("route", ["/a</script><script>alert(1)", '/a"b', "/a/../b", "/a b", "relative"])
def test_an_unusual_address_gets_no_hint_so_nothing_it_holds_reaches_a_script(route: str) -> None:
    assert compression.backend_hint(route) == b""
    document = b'<html lang="en"><head><script type="module" src="./static/js/index.js"></script></head>'
    assert b"alert" not in compression.page_document(document, drop_font=False, route_path=route)


def test_the_scripts_drawn_later_are_preloaded_at_low_priority_after_streamlits_own() -> None:
    document = (
        b'<html lang="en"><head><script type="module" src="./static/js/index.A1.js"></script>'
        b'<link rel="modulepreload" crossorigin href="./static/js/react.B2.js"></head><body></body></html>'
    )
    first_visit = [
        "static/js/index.A1.js",
        "static/js/react.B2.js",
        "static/css/index.C3.css",
        "static/js/TextInput.D4.js",
        "static/media/font.E5.woff2",
        "static/js/Html.F6.js",
    ]
    rewritten = compression.page_document(document, drop_font=False, first_visit=first_visit)
    added = rewritten.count(b'rel="modulepreload"') - document.count(b'rel="modulepreload"')
    assert added == 2  # the two scripts the document does not name; no CSS, no font
    text_input = rewritten.index(b'fetchpriority="low" href="./static/js/TextInput.D4.js"')
    assert rewritten.index(b"react.B2.js") < text_input < rewritten.index(b"</head>")
    assert b'href="./static/js/Html.F6.js"' in rewritten


def test_the_recorded_first_visit_preloads_only_the_join_forms_scripts() -> None:
    static_dir = Path(streamlit_static_dir())
    document = (static_dir / "index.html").read_bytes()
    listed = [name for name in compression.first_visit_assets(static_dir) if (static_dir / name).is_file()]
    rewritten = compression.page_document(document, drop_font=False, first_visit=listed)
    preloaded = re.findall(rb'fetchpriority="low" href="\./static/js/([^"]+)"', rewritten)
    names = {name.split(b".")[0] for name in preloaded}
    assert {b"TextInput", b"Html"} <= names, names
    assert b"Selectbox" not in names  # the join form has one text field, no select box
    assert len(preloaded) < 30
