"""In Chromium, two app processes behind nginx on one PostgreSQL database: the failed logins one
process counts are counted by the other too, for that browser only.

Two front doors, each the shipped deploy/nginx.conf in front of one of the two processes: the
browser's cookies are shared across the ports of 127.0.0.1, so one browser reaches process A
through the first door and process B through the second, as a reconnection or a process
restart sends a facilitator's browser from one process to the other behind one nginx.
(Skipped, with the reason, where nginx is not installed.)
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from measure.harness.nginx import NginxServer, NginxUnavailableError, start_nginx
from measure.harness.streamlit_server import start_streamlit
from tests.e2e.browser import click, new_context, open_page
from tests.support.pages import FACILITATOR_PASSPHRASE
from tests.support.workshops import demo_with_passphrase

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

WRONG = "pas-la-bonne-phrase-secrete"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def doors(
    tmp_path_factory: pytest.TempPathFactory, postgres_server, demo_archive: bytes
) -> Iterator[tuple[str, str]]:
    """The addresses of two nginx front doors, one per app process, on one database."""
    database = postgres_server.create_database("deux_processus")
    demo_with_passphrase(database, demo_archive, FACILITATOR_PASSPHRASE)
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    started: list[object] = []
    try:
        with start_streamlit(database, env=env) as one, start_streamlit(database, env=env) as two:
            try:
                first: NginxServer = start_nginx([one.port])
            except NginxUnavailableError as reason:
                pytest.skip(f"nginx indisponible : {reason}")
            started.append(first)
            second = start_nginx([two.port])
            started.append(second)
            yield first.url, second.url
    finally:
        for balancer in started:
            balancer.stop()  # type: ignore[attr-defined]
        postgres_server.drop_database(database)


def attempt(page: Page, door: str, passphrase: str, shows: str) -> None:
    """Open Animer through `door`, try `passphrase`, wait for `shows`."""
    open_page(page, f"{door}/animer", shows=page.get_by_role("button", name="Se connecter"))
    page.get_by_label("Code de l'atelier").fill("ARMDEMO")
    page.get_by_label("Phrase secrète d'animation").fill(passphrase)
    click(page, "Se connecter", shows=page.get_by_text(shows))


def test_a_second_process_counts_the_same_failed_attempts(browser: Browser, doors: tuple[str, str]) -> None:
    door_a, door_b = doors
    context = new_context(browser, DESKTOP)
    page = context.new_page()
    attempt(page, door_a, WRONG, "Encore 4 essais avant un délai d'attente.")
    attempt(page, door_a, WRONG, "Encore 3 essais avant un délai d'attente.")
    # The same browser on the other process: the count goes on from where process A left it.
    attempt(page, door_b, WRONG, "Encore 2 essais avant un délai d'attente.")
    attempt(page, door_a, WRONG, "Encore 1 essai avant un délai d'attente.")
    attempt(page, door_b, WRONG, "Trop d'essais infructueux")
    # Now even the right passphrase waits, on either process, for this browser…
    attempt(page, door_a, FACILITATOR_PASSPHRASE, "Trop d'essais infructueux")
    context.close()

    # …and only for it: another browser logs in at once through process B.
    other = new_context(browser, DESKTOP)
    page = other.new_page()
    open_page(page, f"{door_b}/animer", shows=page.get_by_role("button", name="Se connecter"))
    page.get_by_label("Code de l'atelier").fill("ARMDEMO")
    page.get_by_label("Phrase secrète d'animation").fill(FACILITATOR_PASSPHRASE)
    heading = page.get_by_role("heading", name="Animer l'atelier ARMDEMO", level=1)
    click(page, "Se connecter", shows=heading)
    expect(page.get_by_text("Trop d'essais infructueux")).to_have_count(0)
    other.close()
