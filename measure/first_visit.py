"""A phone's first visit to the partners' page, in Chromium: bytes on the wire, time to the join form.

    .venv/bin/python -m measure.first_visit                       # both links, 3 visits each
    .venv/bin/python -m measure.first_visit --link lent --visits 5
    .venv/bin/python -m measure.first_visit --record deploy/first-visit-assets.txt
    .venv/bin/python -m measure.first_visit --app-dir /path/to/older/copy   # a « before »
    .venv/bin/python -m measure.first_visit --link 4g --visits 10 --alternate-with /path/to/older/copy

Debian's Chromium (`/usr/bin/chromium`) driven by Playwright, a fresh profile per visit (empty
cache, no cookie), a phone's screen (360 × 740), and Chromium's own emulation through the
DevTools protocol: `Network.emulateNetworkConditions` (the link: throughput and latency) and
`Emulation.setCPUThrottlingRate` 4 (a mid-range phone's CPU, four times slower than this one).
A visit is timed from the navigation to the join form (the button « Rejoindre l'atelier »
visible); its bytes are what Chromium counts on the wire (`encodedDataLength`: headers and
compressed bodies) until the network is idle after the form, plus the websocket's frames.

Against the floor: the same measurement of a bare Streamlit page (`floor_first_visit.py`, one
`st.write`, the same server settings), timed to its text. The app's server is started as
deployed (`python serve.py`, the demo workshop ARMDEMO in a fresh SQLite file); the floor's too.

`--record FILE` writes the list of what one visit downloads (the static files and Streamlit's
`/_stcore/` requests, the page itself left out), which the load driver's burst scenario replays
(`python -m measure.loadtest --scenario burst`) and which `serve.py` compresses at startup.
Loopback only; run it on a quiet machine (the load average is printed).
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ctg_workshop.cli.french import FrenchArgumentParser
from measure import PROJECT_ROOT
from measure.harness.demo import load_demo
from measure.harness.streamlit_server import StreamlitServer, default_runner, start_streamlit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
CPU_SLOWDOWN = 4
FLOOR_APP = Path(__file__).resolve().parent / "floor_first_visit.py"
FLOOR_TEXT = "Bonjour"
JOIN_BUTTON = "Rejoindre l'atelier"
READY_TIMEOUT_MS = 90_000
IDLE_TIMEOUT_MS = 60_000
RECORDED = PROJECT_ROOT / "deploy" / "first-visit-assets.txt"
APP_PAGE = "Page des partenaires"
FLOOR_PAGE = "Page Streamlit nue (plancher)"


@dataclass(frozen=True)
class Link:
    """A network as Chromium emulates it."""

    name: str
    download_bits_s: float
    latency_ms: float
    upload_bits_s: float

    def conditions(self) -> dict[str, object]:
        return {
            "offline": False,
            "latency": self.latency_ms,
            "downloadThroughput": self.download_bits_s / 8,
            "uploadThroughput": self.upload_bits_s / 8,
        }

    def describe(self) -> str:
        return f"{self.name} ({self.download_bits_s / 1e6:g} Mbit/s, {self.latency_ms:g} ms)"


SLOW = Link("lent", 1.6e6, 150, 0.75e6)  # a crowded venue Wi-Fi, a weak 3G/4G
FOUR_G = Link("4G", 9e6, 70, 4e6)
LINKS = {"lent": SLOW, "4g": FOUR_G}


@dataclass(frozen=True)
class Download:
    path: str  # path and query on the server
    resource: str  # Chromium's type: Document, Script, Stylesheet, Font, Image, Fetch…
    wire_bytes: int
    encoding: str
    status: int = 200


@dataclass
class Visit:
    ready_s: float
    downloads: list[Download] = field(default_factory=list)
    websocket_bytes: int = 0

    @property
    def http_bytes(self) -> int:
        return sum(download.wire_bytes for download in self.downloads)

    @property
    def wire_bytes(self) -> int:
        return self.http_bytes + self.websocket_bytes


def _frame_bytes(frame: dict[str, object]) -> int:
    payload = str(frame.get("payloadData", ""))
    if frame.get("opcode") == 2:  # binary, base64 in the protocol
        return len(base64.b64decode(payload))
    return len(payload.encode())


def visit(browser: object, url: str, link: Link, ready: Callable[[object], object]) -> Visit:
    """One first visit of `url` in a fresh profile under `link` and a CPU 4× slower; `ready(page)`
    gives the locator whose visibility ends the timing."""
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="fr-FR"
    )
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        responses: dict[str, tuple[str, str, str, int]] = {}
        finished: dict[str, int] = {}
        frames: list[int] = []

        def on_response(event: dict) -> None:
            response = event["response"]
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            responses[event["requestId"]] = (
                response["url"],
                event.get("type", ""),
                headers.get("content-encoding", ""),
                int(response.get("status", 0)),
            )

        cdp.on("Network.responseReceived", on_response)
        cdp.on(
            "Network.loadingFinished",
            lambda event: finished.__setitem__(event["requestId"], int(event["encodedDataLength"])),
        )
        cdp.on("Network.webSocketFrameReceived", lambda event: frames.append(_frame_bytes(event["response"])))
        cdp.on("Network.webSocketFrameSent", lambda event: frames.append(_frame_bytes(event["response"])))
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        cdp.send("Network.emulateNetworkConditions", link.conditions())
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        started = time.monotonic()
        page.goto(url, wait_until="commit", timeout=READY_TIMEOUT_MS)
        ready(page).wait_for(state="visible", timeout=READY_TIMEOUT_MS)  # type: ignore[attr-defined]
        ready_s = time.monotonic() - started
        page.wait_for_load_state("networkidle", timeout=IDLE_TIMEOUT_MS)
        downloads = []
        for request_id, size in finished.items():
            if request_id not in responses:
                continue
            address, resource, encoding, status = responses[request_id]
            if not address.startswith(origin):
                continue
            parts = urlsplit(address)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            downloads.append(Download(path, resource, size, encoding, status))
        return Visit(ready_s=ready_s, downloads=downloads, websocket_bytes=sum(frames))
    finally:
        context.close()


def partner_ready(page: object) -> object:
    return page.get_by_role("button", name=JOIN_BUTTON)  # type: ignore[attr-defined]


def floor_ready(page: object) -> object:
    return page.get_by_text(FLOOR_TEXT, exact=True)  # type: ignore[attr-defined]


@dataclass
class Series:
    """Several visits of one page under one link."""

    page: str
    link: Link
    visits: list[Visit]

    @property
    def median_ready_s(self) -> float:
        return statistics.median(v.ready_s for v in self.visits)

    @property
    def median_wire_bytes(self) -> float:
        return statistics.median(v.wire_bytes for v in self.visits)


def measure_series(
    browser: object, url: str, page: str, link: Link, ready: Callable[[object], object], visits: int
) -> Series:
    return Series(page, link, [visit(browser, url, link, ready) for _ in range(visits)])


def recorded_list(visit_: Visit, page_path: str) -> str:
    """What `--record` writes: one path a line, the page itself left out, and the requests
    Streamlit makes first under the page's path and expects to fail (404) left out too."""
    lines = [
        "# What a phone downloads on its first visit to the partners' page, in order of arrival",
        "# (recorded by `python -m measure.first_visit --record`, Streamlit's version as in",
        "# requirements.txt). Read by serve.py (compressed at startup; the scripts index.html does not",
        "# name are announced in the page, modulepreload) and by the load driver's",
        "# burst scenario (downloaded by each simulated phone before it joins).",
    ]
    seen: set[str] = set()
    for download in visit_.downloads:
        if download.path.split("?")[0] == page_path.split("?")[0] or download.path in seen:
            continue
        if download.status not in (200, 304):
            continue
        seen.add(download.path)
        lines.append(download.path)
    return "\n".join(lines) + "\n"


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def _mib(value: float) -> str:
    return f"{value / 1024 / 1024:.2f} Mio".replace(".", ",")


def _seconds(value: float) -> str:
    return f"{value:.2f} s".replace(".", ",")


def describe(series: Series) -> list[str]:
    last = series.visits[-1]
    encodings = sorted(
        {d.encoding or "aucune" for d in last.downloads if d.resource in ("Script", "Stylesheet")}
    )
    by_type: dict[str, int] = {}
    for download in last.downloads:
        by_type[download.resource] = by_type.get(download.resource, 0) + download.wire_bytes
    kinds = ", ".join(
        f"{kind} {size / 1024:.0f} Kio" for kind, size in sorted(by_type.items(), key=lambda kv: -kv[1])
    )
    return [
        f"{series.page} — {series.link.describe()} — {len(series.visits)} visite(s) :",
        f"  prêt en {_seconds(series.median_ready_s)} (médiane ; "
        + ", ".join(_seconds(v.ready_s) for v in series.visits)
        + ")",
        f"  sur le fil : {_mib(series.median_wire_bytes)} (médiane), dont websocket "
        f"{last.websocket_bytes / 1024:.0f} Kio ; {len(last.downloads)} requêtes HTTP ; "
        f"compression des scripts : {', '.join(encodings)}",
        f"  par type : {kinds}",
    ]


def _start_app(cwd: Path, workdir: Path) -> tuple[StreamlitServer, str]:
    database_url = f"sqlite:///{workdir / 'first-visit.sqlite3'}"
    demo = load_demo(database_url)
    env = {"CTG_STATIC_CACHE_DIR": str(workdir / "static-cache")}
    server = start_streamlit(database_url, env=env, cwd=cwd, app=cwd / "app.py", runner=default_runner(cwd))
    return server, f"/participer?atelier={demo.code}"


def _start_floor(cwd: Path, workdir: Path) -> StreamlitServer:
    database_url = f"sqlite:///{workdir / 'floor.sqlite3'}"
    env = {"CTG_STATIC_CACHE_DIR": str(workdir / "static-cache")}
    return start_streamlit(database_url, env=env, cwd=cwd, app=FLOOR_APP, runner=default_runner(cwd))


def _warm(url: str) -> None:
    """One plain request for the page before measuring (the server's first run, its imports)."""
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()


def run(
    *,
    links: Sequence[Link],
    visits: int,
    app_dir: Path,
    floor: bool,
    record: Path | None,
    log: Callable[[str], None] = print,
) -> list[Series]:
    """Start the servers, measure the partners' page (and the floor) under each link."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium absent ({CHROMIUM}) : installez le paquet Debian chromium.")
    workdir = Path(tempfile.mkdtemp(prefix="ctg-first-visit-"))
    results: list[Series] = []
    servers: list[StreamlitServer] = []
    try:
        app, page_path = _start_app(app_dir, workdir)
        servers.append(app)
        targets = [(APP_PAGE, f"{app.url}{page_path}", partner_ready)]
        if floor:
            floor_server = _start_floor(app_dir, workdir)
            servers.append(floor_server)
            targets.append((FLOOR_PAGE, f"{floor_server.url}/", floor_ready))
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for name, url, ready in targets:
                    _warm(url)
                    # One visit unmeasured: the server's first script run and compressed copies.
                    visit(browser, url, FOUR_G, ready)
                    for link in links:
                        series = measure_series(browser, url, name, link, ready, visits)
                        results.append(series)
                        for line in describe(series):
                            log(line)
                        if record is not None and ready is partner_ready and link is links[0]:
                            record.write_text(recorded_list(series.visits[-1], page_path), encoding="utf-8")
                            log(f"  liste enregistrée : {record}")
            finally:
                browser.close()
    finally:
        for server in servers:
            server.stop()
    return results


def alternate(
    *, links: Sequence[Link], visits: int, dirs: tuple[Path, Path], log: Callable[[str], None] = print
) -> list[tuple[Series, Series]]:
    """Two copies of the app served side by side, their visits alternated (A B, then B A…): on a
    machine whose speed varies from one visit to the next, only such pairs compare two versions."""
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="ctg-first-visit-"))
    servers: list[StreamlitServer] = []
    pairs: list[tuple[Series, Series]] = []
    try:
        urls = []
        for index, app_dir in enumerate(dirs):
            place = workdir / str(index)
            place.mkdir()
            server, page_path = _start_app(app_dir, place)
            servers.append(server)
            urls.append(f"{server.url}{page_path}")
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for url in urls:
                    _warm(url)
                    visit(browser, url, FOUR_G, partner_ready)
                for link in links:
                    series = [
                        Series(f"{name} ({path})", link, []) for name, path in zip("AB", dirs, strict=True)
                    ]
                    for round_ in range(visits):
                        for index in (0, 1) if round_ % 2 == 0 else (1, 0):
                            series[index].visits.append(visit(browser, urls[index], link, partner_ready))
                    faster = sum(
                        b.ready_s < a.ready_s for a, b in zip(series[0].visits, series[1].visits, strict=True)
                    )
                    for one in series:
                        log(describe(one)[0])
                        log(describe(one)[1])
                    log(f"  B plus rapide que A dans {faster} paires sur {visits}")
                    pairs.append((series[0], series[1]))
            finally:
                browser.close()
    finally:
        for server in servers:
            server.stop()
    return pairs


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = FrenchArgumentParser(
        prog="python -m measure.first_visit",
        description="La première visite d'un téléphone sur la page des partenaires, dans Chromium.",
    )
    parser.add_argument("--link", choices=["lent", "4g", "tous"], default="tous", help="réseau émulé")
    parser.add_argument("--visits", type=int, default=3, metavar="N", help="visites mesurées par réseau")
    parser.add_argument("--no-floor", action="store_true", help="sans la page Streamlit nue")
    parser.add_argument(
        "--record", type=Path, default=None, metavar="FICHIER", help="écrire la liste téléchargée"
    )
    parser.add_argument("--app-dir", type=Path, default=PROJECT_ROOT, help="copie du projet à servir")
    parser.add_argument(
        "--alternate-with",
        type=Path,
        default=None,
        metavar="DOSSIER",
        help="une autre copie (« avant ») servie à côté : visites alternées, l'une puis l'autre",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    links = [SLOW, FOUR_G] if args.link == "tous" else [LINKS[args.link]]
    before = load_average()
    print(f"Charge de la machine avant : {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}")
    visits = max(1, min(args.visits, 20))
    if args.alternate_with is not None:
        alternate(links=links, visits=visits, dirs=(args.alternate_with.resolve(), args.app_dir.resolve()))
    else:
        run(
            links=links,
            visits=visits,
            app_dir=args.app_dir.resolve(),
            floor=not args.no_floor,
            record=args.record,
        )
    after = load_average()
    print(f"Charge de la machine après : {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
