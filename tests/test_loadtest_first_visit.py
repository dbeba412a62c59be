"""The burst scenario's first visit: the page and its recorded static files over HTTP/1.1.

A small HTTP server of the test (asyncio) answers with a length, in chunks, with a 404 or by
closing the connection, and counts what it was asked: the driver's client reads each answer
whole, keeps its connections alive, asks for compressed copies, counts the bytes as sent, and
fails on a file that does not come. The scenario itself runs against the real app in the
capacity measurements (docs/capacity.md).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from measure.loadtest.first_visit import (
    RECORDED_ASSETS,
    DownloadError,
    DownloadTally,
    download_first_visit,
    read_asset_list,
)
from measure.loadtest.limits import LoadTestError, LoopbackOnlyError

BODY = b"x" * 3000


async def _serve(seen: list[tuple[str, str]], connections: list[int]) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                path = lines[0].split(" ")[1]
                accept = next(
                    (
                        line.split(":", 1)[1].strip()
                        for line in lines
                        if line.lower().startswith("accept-encoding")
                    ),
                    "",
                )
                seen.append((path, accept))
                if path == "/missing.js":
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")
                elif path == "/chunked.json":
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n"
                    )
                elif path == "/closing.css":
                    writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbody")
                    await writer.drain()
                    break
                else:
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: %d\r\n\r\n" % len(BODY)
                        + BODY
                    )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def _run(assets: tuple[str, ...], tally: DownloadTally) -> tuple[int, list[tuple[str, str]], int]:
    async def scenario() -> tuple[int, list[tuple[str, str]], int]:
        seen: list[tuple[str, str]] = []
        connections: list[int] = []
        server = await _serve(seen, connections)
        port = server.sockets[0].getsockname()[1]
        async with server:
            received = await download_first_visit(
                f"http://127.0.0.1:{port}", "/page?atelier=X", assets, tally, timeout=10
            )
        return received, seen, len(connections)

    return asyncio.run(scenario())


def test_a_first_visit_downloads_the_page_then_every_file_compressed() -> None:
    tally = DownloadTally()
    assets = (*(f"/static/js/{n}.js" for n in range(20)), "/chunked.json", "/closing.css")
    received, seen, connections = _run(assets, tally)
    assert seen[0] == ("/page?atelier=X", "gzip, br")
    assert sorted(path for path, _ in seen[1:]) == sorted(assets)
    assert {accept for _, accept in seen} == {"gzip, br"}
    assert 2 <= connections <= 7  # six kept alive, one more after the server closed one
    assert tally.requests == 23 and tally.visits == 1
    assert tally.body_bytes == 21 * len(BODY) + 8 + 4
    assert received == tally.wire_bytes > tally.body_bytes
    assert tally.encodings["br"] == 21 and tally.statuses[200] == 23


def test_a_file_that_does_not_come_fails_the_visit() -> None:
    tally = DownloadTally()
    with pytest.raises(DownloadError, match=r"missing\.js : statut 404"):
        _run(("/a.js", "/missing.js"), tally)
    assert tally.visits == 0


def test_the_first_visit_targets_this_machine_only() -> None:
    with pytest.raises(LoopbackOnlyError):
        asyncio.run(download_first_visit("http://example.org", "/", ("/a.js",), DownloadTally()))


def test_the_recorded_list_is_read_in_order_without_comments(tmp_path: Path) -> None:
    listing = tmp_path / "assets.txt"
    listing.write_text(
        "# a comment\n/static/js/a.js\n\n/static/js/b.js  # why\n/static/js/a.js\nnot-a-path\n"
    )
    assert read_asset_list(listing) == ("/static/js/a.js", "/static/js/b.js")
    listing.write_text("# nothing\n")
    with pytest.raises(LoadTestError):
        read_asset_list(listing)
    with pytest.raises(LoadTestError):
        read_asset_list(tmp_path / "absent.txt")


def test_the_shipped_list_names_files_streamlit_has() -> None:
    from streamlit import file_util

    static = Path(file_util.get_static_dir())
    paths = read_asset_list(RECORDED_ASSETS)
    files = [path for path in paths if path.startswith("/static/")]
    assert len(files) > 50
    missing = [path for path in files if not (static / path.lstrip("/")).is_file()]
    assert not missing, f"deploy/first-visit-assets.txt ne correspond plus à ce Streamlit : {missing[:3]}"
