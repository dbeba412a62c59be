"""What a phone downloads before the page speaks the websocket: the document and its static files.

A browser opening `/participer?atelier=…` for the first time fetches the page, then ~95 files
(Streamlit's JavaScript, CSS, the icon font) over up to six HTTP/1.1 connections, asking for
compressed copies (`Accept-Encoding: gzip, br`). `download_first_visit` does the same from the
list `measure.first_visit --record` wrote (deploy/first-visit-assets.txt) and counts what came
over the wire (status line, headers and body as sent: compressed bytes stay compressed).

A minimal HTTP/1.1 client on asyncio streams (keep-alive, `Content-Length` or chunked bodies),
loopback only like the rest of the driver: the standard library has no asynchronous one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from measure import PROJECT_ROOT
from measure.loadtest.limits import LoadTestError, ensure_loopback

RECORDED_ASSETS = PROJECT_ROOT / "deploy" / "first-visit-assets.txt"
ACCEPT_ENCODING = "gzip, br"
CONNECTIONS = 6  # a browser's HTTP/1.1 connections to one host
MAX_ASSETS = 1000
MAX_HEADER_BYTES = 64 * 1024


class DownloadError(LoadTestError):
    """A static file did not come (status other than 200/304, connection cut, malformed answer)."""


def read_asset_list(path: Path = RECORDED_ASSETS) -> tuple[str, ...]:
    """The recorded paths (one a line, `#` comments), in order, without duplicates."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise LoadTestError(
            f"Liste des fichiers de la première visite illisible ({path}) : {error}"
        ) from error
    paths = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    paths = list(dict.fromkeys(p for p in paths if p.startswith("/")))
    if not paths:
        raise LoadTestError(f"Liste des fichiers de la première visite vide : {path}.")
    if len(paths) > MAX_ASSETS:
        raise LoadTestError(f"Plus de {MAX_ASSETS} fichiers dans {path}.")
    return tuple(paths)


@dataclass
class DownloadTally:
    """What every simulated phone downloaded, shared by all sessions of a run."""

    requests: int = 0
    wire_bytes: int = 0
    body_bytes: int = 0
    visits: int = 0
    encodings: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)

    def summary(self) -> dict[str, object]:
        per_visit = self.wire_bytes / self.visits if self.visits else 0.0
        return {
            "premières visites téléchargées": self.visits,
            "requêtes HTTP": self.requests,
            "octets servis (Mo)": round(self.wire_bytes / 1e6, 1),
            "octets par visite (Kio)": round(per_visit / 1024),
            "encodages": dict(self.encodings),
            "statuts": {str(k): v for k, v in sorted(self.statuses.items())},
        }


@dataclass(frozen=True)
class Answer:
    status: int
    wire_bytes: int
    body_bytes: int
    encoding: str


class _Connection:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict[str, str]) -> Answer:
        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile: once more
            if self.writer is None:
                self.reader, self.writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), self.timeout
                )
            try:
                return await asyncio.wait_for(self._exchange(path, headers), self.timeout)
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                await self.close()
                if attempt == 2:
                    raise DownloadError(f"{path} : connexion coupée ({type(error).__name__}).") from error
        raise AssertionError("unreachable")

    async def _exchange(self, path: str, headers: dict[str, str]) -> Answer:
        assert self.reader is not None and self.writer is not None
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEADER_BYTES:
            raise DownloadError(f"{path} : en-têtes trop longs.")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(status_line.split(" ", 2)[1])
        except (IndexError, ValueError) as error:
            raise DownloadError(f"{path} : réponse illisible ({status_line[:80]}).") from error
        fields: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            if name:
                fields[name.strip().lower()] = value.strip()
        wire = len(head)
        body = 0
        if status in (204, 304) or 100 <= status < 200:
            pass
        elif "chunked" in fields.get("transfer-encoding", "").lower():
            while True:
                size_line = await self.reader.readuntil(b"\r\n")
                wire += len(size_line)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                chunk = await self.reader.readexactly(size + 2)
                wire += len(chunk)
                body += size
                if size == 0:
                    break
        elif "content-length" in fields:
            body = int(fields["content-length"])
            await self.reader.readexactly(body)
            wire += body
        else:  # the body ends with the connection
            rest = await self.reader.read()
            body = len(rest)
            wire += body
            await self.close()
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return Answer(status, wire, body, fields.get("content-encoding", ""))

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def download_first_visit(
    base_url: str,
    page: str,
    assets: tuple[str, ...],
    tally: DownloadTally,
    *,
    timeout: float = 60.0,
    connections: int = CONNECTIONS,
) -> int:
    """The page, then every recorded file over `connections` connections, as a first visit
    does; returns the bytes received. Raises `DownloadError` on a failed file."""
    ensure_loopback(base_url)
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    headers = {"Accept-Encoding": ACCEPT_ENCODING, "User-Agent": "ctg-loadtest", "Accept": "*/*"}
    pool = [_Connection(host, port, timeout) for _ in range(max(1, connections))]
    received = 0

    def count(path: str, answer: Answer) -> None:
        nonlocal received
        tally.requests += 1
        tally.wire_bytes += answer.wire_bytes
        tally.body_bytes += answer.body_bytes
        tally.statuses[answer.status] += 1
        tally.encodings[answer.encoding or "aucun"] += 1
        received += answer.wire_bytes
        if answer.status not in (200, 304):
            raise DownloadError(f"{path} : statut {answer.status}.")

    try:
        count(page, await pool[0].get(page, {**headers, "Accept": "text/html"}))
        queue: asyncio.Queue[str] = asyncio.Queue()
        for path in assets:
            queue.put_nowait(path)

        async def worker(connection: _Connection) -> None:
            while not queue.empty():
                path = queue.get_nowait()
                count(path, await connection.get(path, headers))

        await asyncio.gather(*(worker(connection) for connection in pool))
    finally:
        for connection in pool:
            await connection.close()
    tally.visits += 1
    return received
