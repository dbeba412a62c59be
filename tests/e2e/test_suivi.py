"""In Chromium, through `python serve.py`: a partner opens its reporting link on a phone
(360 × 740), types « 18,5 » and saves; the coordinator sees the figure on « Suivre » and the
checklist names the organisation that has not reported yet."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from ctg_workshop.access import set_facilitator_passphrase
from ctg_workshop.archive.load import import_archive
from ctg_workshop.follow_up.reporting import create_link
from ctg_workshop.storage.db import open_database, write_session
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from tests.e2e.browser import choose, click, new_context, open_page, screenshot
from tests.support.pages import FACILITATOR_PASSPHRASE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def links(
    tmp_path_factory: pytest.TempPathFactory, demo_archive: bytes
) -> Iterator[tuple[StreamlitServer, str]]:
    database = f"sqlite:///{tmp_path_factory.mktemp('suivi') / 'ctg.sqlite3'}"
    engine = open_database(database)
    with write_session(engine) as session:
        workshop = import_archive(session=session, data=demo_archive)
        set_facilitator_passphrase(
            session=session, workshop_id=workshop.id, passphrase=FACILITATOR_PASSPHRASE
        )
        token = create_link(
            session=session, workshop_id=workshop.id, organisation="Caf du Nord", topic_keys=["parentalite"]
        ).token
        create_link(
            session=session, workshop_id=workshop.id, organisation="Mission Locale", topic_keys=["avs"]
        )
    engine.dispose()
    with start_streamlit(database) as started:
        yield started, token


def test_a_partner_reports_on_a_phone_and_the_coordinator_sees_it(browser: Browser, links) -> None:
    server, token = links
    phone = new_context(browser, {"width": 360, "height": 740}, phone=True)
    page = phone.new_page()
    open_page(page, f"{server.url}/saisie?lien={token}")
    expect(page.get_by_role("heading", name="Suivi de la CTG", level=1)).to_be_visible()
    expect(page.get_by_text("Caf du Nord", exact=True)).to_be_visible()
    choose(page, "Année", "2026", shows=page.get_by_text("Vos chiffres de l'année 2026", exact=False))
    field = page.get_by_role("textbox", name="Nombre des places", exact=False)
    field.fill("18,5")
    click(page, "Enregistrer", shows=page.get_by_text("Merci", exact=False))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    screenshot(page, "saisie-telephone")
    phone.close()

    desk = new_context(browser, {"width": 1280, "height": 900})
    page = desk.new_page()
    open_page(page, f"{server.url}/suivre", shows=page.get_by_role("button", name="Se connecter"))
    page.get_by_label("Code de l'atelier").fill("ARMDEMO")
    page.get_by_label("Phrase secrète d'animation").fill(FACILITATOR_PASSPHRASE)
    click(page, "Se connecter", shows=page.get_by_role("heading", name="Suivre la convention", level=1))
    choose(page, "Année suivie", "2026", shows=page.get_by_role("tab", name="Avant le COPIL (2026)"))
    choose(
        page,
        "Fiche action",
        "Parentalité/Insertion",
        shows=page.get_by_text("2026 : 18,5\u00a0places", exact=False),
    )
    page.get_by_role("tab", name="Avant le COPIL (2026)").click()
    expect(
        page.get_by_text("1 organisation n'a rien transmis pour 2026 : Mission Locale.", exact=False)
    ).to_be_visible()
    screenshot(page, "suivre-checklist")
    desk.close()
