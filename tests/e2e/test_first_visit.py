"""In Chromium: what the rewritten page document (server/compression.py) does on a first visit.

The page tells Streamlit where its server is (`backend_hint`): under `/participer` it no longer
asks `/participer/_stcore/health` first (a 404, a timer, then `/_stcore/health`), and behind a
proxy that adds a prefix the base stays the one the browser shows. The scripts the join form
needs are asked for while the main script runs, before the websocket draws the form.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Request

from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from server.compression import backend_hint
from tests.e2e.browser import new_context, open_page, wait_idle
from tests.support.workshops import demo_with_passphrase

pytestmark = pytest.mark.browser

JOIN_BUTTON = "Rejoindre l'atelier"


@pytest.mark.parametrize(
    ("route_path", "address", "expected"),
    [
        ("/participer", "http://ctg.test/participer?atelier=ARMDEMO", "http://ctg.test/"),
        ("/participer", "http://ctg.test/ctg/participer?atelier=ARMDEMO", "http://ctg.test/ctg/"),
        ("/participer/", "http://ctg.test/participer/", "http://ctg.test/"),
        ("/", "http://ctg.test/", "http://ctg.test/"),
        ("/", "http://ctg.test/ctg/", "http://ctg.test/ctg/"),
        ("/participer", "http://ctg.test/autre", None),  # not what the server saw: Streamlit probes
    ],
)
def test_the_hint_names_the_base_the_browser_shows(
    browser: Browser, route_path: str, address: str, expected: str | None
) -> None:
    context = new_context(browser, {"width": 360, "height": 740}, phone=True)
    page = context.new_page()
    document = b"<!DOCTYPE html><html><head>" + backend_hint(route_path) + b"</head><body></body></html>"
    page.route("http://ctg.test/**", lambda route: route.fulfill(body=document, content_type="text/html"))
    page.goto(address)
    found = page.evaluate("window.__streamlit ? window.__streamlit.BACKEND_BASE_URL : null")
    assert found == expected
    context.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_archive: bytes) -> Iterator[StreamlitServer]:
    database = f"sqlite:///{tmp_path_factory.mktemp('first-visit') / 'ctg.sqlite3'}"
    demo_with_passphrase(database, demo_archive, "une phrase secrète de démonstration")
    with start_streamlit(database) as started:
        yield started


def test_a_first_visit_asks_for_the_server_once_and_for_the_forms_scripts_early(
    browser: Browser, server: StreamlitServer
) -> None:
    context = new_context(browser, {"width": 360, "height": 740}, phone=True)
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(_path(request)))
    page.on("websocket", lambda _: asked.append("websocket"))
    open_page(
        page,
        f"{server.url}/participer?atelier=ARMDEMO",
        shows=page.get_by_role("button", name=JOIN_BUTTON),
    )
    wait_idle(page)
    health = [path for path in asked if path.endswith("/_stcore/health")]
    assert health == ["/_stcore/health"], asked
    opened = asked.index("websocket")
    early = [path.rsplit("/", 1)[-1].split(".")[0] for path in asked[:opened]]
    assert "TextInput" in early and "Html" in early, asked
    context.close()


def _path(request: Request) -> str:
    return urlsplit(request.url).path
