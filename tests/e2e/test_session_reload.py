"""In Chromium, through `python serve.py`: a facilitator who logs in on Animer is still logged in
after a reload (the HttpOnly cookie the route set), and no longer after « Se déconnecter »."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from ctg_workshop.sessions import cookie_name
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from tests.e2e.browser import click, new_context, open_page, wait_idle
from tests.support.pages import FACILITATOR_PASSPHRASE
from tests.support.workshops import demo_with_passphrase

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_archive: bytes) -> Iterator[StreamlitServer]:
    database = f"sqlite:///{tmp_path_factory.mktemp('session') / 'ctg.sqlite3'}"
    demo_with_passphrase(database, demo_archive, FACILITATOR_PASSPHRASE)
    with start_streamlit(database) as started:
        yield started


def test_reload_keeps_the_facilitator_logged_in(browser: Browser, server: StreamlitServer) -> None:
    context = new_context(browser, {"width": 1280, "height": 900})
    page = context.new_page()
    url = f"{server.url}/animer"
    open_page(page, url, shows=page.get_by_role("button", name="Se connecter"))
    page.get_by_label("Code de l'atelier").fill("ARMDEMO")
    page.get_by_label("Phrase secrète d'animation").fill(FACILITATOR_PASSPHRASE)
    heading = page.get_by_role("heading", name="Animer l'atelier ARMDEMO", level=1)
    # The run that shows the page posts the session's token to the cookie route.
    with page.expect_response(lambda response: "/_ctg/animation/connexion" in response.url) as answer:
        click(page, "Se connecter", shows=heading)
    assert answer.value.status == 204
    name = cookie_name("ARMDEMO")
    cookie = next((c for c in context.cookies() if c["name"] == name), None)
    assert cookie is not None, context.cookies()
    assert cookie["httpOnly"] and cookie["expires"] > 0
    assert page.evaluate("document.cookie").find(name) == -1  # page scripts cannot read it

    page.reload()
    expect(heading).to_be_visible()
    wait_idle(page)
    expect(page.get_by_role("button", name="Se connecter")).to_have_count(0)

    click(page, "Se déconnecter de l'animation", shows=page.get_by_role("button", name="Se connecter"))
    page.reload()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    context.close()
