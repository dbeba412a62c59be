"""In Chromium: on Animer › Cartes papier the facilitator types a phoneless partner's card; the
item appears on the projection, and in the convention's annex once the workshop is closed."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
import pytest
from playwright.sync_api import Browser, expect

from ctg_workshop.access import ensure_view_token, set_facilitator_passphrase
from ctg_workshop.archive.load import import_archive
from ctg_workshop.day.phases import change_phase
from ctg_workshop.documents.convention import build_convention, convention_data
from ctg_workshop.storage.db import open_database, read_session, write_session
from ctg_workshop.storage.models import Phase
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from tests.e2e.browser import act, choose, click, new_context, open_page
from tests.support.pages import FACILITATOR_PASSPHRASE

pytestmark = pytest.mark.browser

CARD_TEXT = "Pas de bus le samedi pour venir au centre social"
ORGANISATION = "Club des aînés du Vieux Port"


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, demo_archive: bytes
) -> Iterator[tuple[StreamlitServer, str, str, int]]:
    database = f"sqlite:///{tmp_path_factory.mktemp('paper') / 'ctg.sqlite3'}"
    engine = open_database(database)
    with write_session(engine) as session:
        workshop = import_archive(session=session, data=demo_archive)
        change_phase(session=session, workshop_id=workshop.id, phase=Phase.COLLECT, clear_votes=True)
        set_facilitator_passphrase(
            session=session, workshop_id=workshop.id, passphrase=FACILITATOR_PASSPHRASE
        )
        view = ensure_view_token(session=session, workshop_id=workshop.id)
        workshop_id = workshop.id
    engine.dispose()
    with start_streamlit(database) as server:
        yield server, database, view, workshop_id


def test_a_paper_card_reaches_the_projection_and_the_convention(browser: Browser, seeded) -> None:
    server, database, view, workshop_id = seeded
    context = new_context(browser, {"width": 1366, "height": 900})
    page = context.new_page()
    open_page(page, f"{server.url}/animer", shows=page.get_by_role("button", name="Se connecter"))
    page.get_by_label("Code de l'atelier").fill("ARMDEMO")
    page.get_by_label("Phrase secrète d'animation").fill(FACILITATOR_PASSPHRASE)
    click(page, "Se connecter", shows=page.get_by_role("heading", name="Animer l'atelier ARMDEMO", level=1))
    author = page.get_by_role("combobox", name="Auteur de la carte")
    act(page, page.get_by_role("radio", name="Cartes papier (saisir)").click, author)
    choose(
        page,
        "Auteur de la carte",
        "Nouvelle carte papier…",
        shows=page.get_by_role("textbox", name="Organisation écrite sur la carte"),
    )
    page.get_by_role("textbox", name="Organisation écrite sur la carte").fill(ORGANISATION)
    click(page, "Créer la carte papier", shows=page.get_by_text("Carte papier créée"))
    page.get_by_role("textbox", name="Contribution écrite sur la carte").fill(CARD_TEXT)
    click(
        page,
        "Ajouter la contribution",
        shows=page.get_by_text(f"Contribution ajoutée pour « {ORGANISATION} »."),
    )

    projection = context.new_page()
    open_page(projection, f"{server.url}/projection?vue={view}")
    # The card's topic (the first), not the automatic rotation: its newest items come first.
    topic = projection.get_by_role("radio", name="Animation de la Vie Sociale")
    act(
        projection,
        topic.click,
        projection.get_by_role("heading", name="Animation de la Vie Sociale", level=2),
    )
    expect(projection.get_by_text(CARD_TEXT)).to_be_visible()
    context.close()

    engine = open_database(database)
    with write_session(engine) as session:
        change_phase(session=session, workshop_id=workshop_id, phase=Phase.CLOSED)
    with read_session(engine) as session:
        document = docx.Document(
            io.BytesIO(build_convention(convention_data(session=session, workshop_id=workshop_id)))
        )
    engine.dispose()
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert any(CARD_TEXT in text for text in cells)
    assert any(ORGANISATION in text for text in cells)
