"""In Chromium: Streamlit's own English words on our pages come out in French (ui/french.py),
typed text is left as typed, and the countdown speaks in a polite live region (ui/countdown.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import update

from ctg_workshop.access import set_facilitator_passphrase
from ctg_workshop.archive.load import import_archive
from ctg_workshop.storage.db import open_database, write_session
from ctg_workshop.storage.models import Workshop
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from tests.e2e.browser import click, new_context, open_page, wait_idle
from tests.support.pages import FACILITATOR_PASSPHRASE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_archive: bytes) -> Iterator[StreamlitServer]:
    database = f"sqlite:///{tmp_path_factory.mktemp('french') / 'ctg.sqlite3'}"
    engine = open_database(database)
    with write_session(engine) as session:
        workshop = import_archive(session=session, data=demo_archive)
        set_facilitator_passphrase(
            session=session, workshop_id=workshop.id, passphrase=FACILITATOR_PASSPHRASE
        )
        ends = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=30)
        session.execute(update(Workshop).values(timer_ends_at=ends))
    engine.dispose()
    with start_streamlit(database) as started:
        yield started


def test_streamlits_words_are_french(browser: Browser, server: StreamlitServer) -> None:
    context = new_context(browser, {"width": 1280, "height": 900})
    page = context.new_page()
    open_page(page, f"{server.url}/diagnostic", shows=page.get_by_role("button", name="Se connecter"))
    assert page.evaluate("document.documentElement.lang") == "fr"
    expect(page.get_by_role("link", name="Aller au contenu principal")).to_have_count(1)
    expect(page.get_by_text("Press Enter to submit form")).to_have_count(0)
    page.get_by_label("Code de l'atelier").fill("ARMDEMO")
    page.get_by_label("Phrase secrète d'animation").fill(FACILITATOR_PASSPHRASE)
    expect(page.get_by_role("button", name="Afficher le mot de passe")).to_have_count(1)
    click(page, "Se connecter", shows=page.get_by_role("heading", name="Importer depuis un fichier CSV"))
    uploader = page.get_by_test_id("stFileUploader")
    # Streamlit 1.67's uploader: « Upload » and « 10MB per file • CSV, TXT ».
    expect(uploader.get_by_role("button", name="Téléverser", exact=True)).to_be_visible()
    expect(uploader).to_contain_text("10 Mo par fichier")
    expect(uploader.get_by_role("button", name="Téléverser un fichier")).to_have_count(1)
    for english in ("Upload", "Drag and drop", "Browse files", "MB per file"):
        expect(uploader).not_to_contain_text(english)
    expect(page.get_by_role("link", name="Skip to main content")).to_have_count(0)
    expect(page.get_by_role("link", name="Link to heading")).to_have_count(0)
    expect(page.get_by_role("link", name="Lien vers ce titre").first).to_be_attached()

    # Animer: the clock ticks, the live region speaks once a minute.
    page.goto(f"{server.url}/animer")
    live = page.locator("[aria-live='polite']").filter(has_text="Il reste")
    expect(live).to_have_text("Il reste 30 minutes.")
    wait_idle(page)
    expect(page.get_by_role("button", name="Augmenter")).to_have_count(1)  # the minutes' +/-
    context.close()
