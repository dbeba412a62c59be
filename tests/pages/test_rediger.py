"""Rédiger, as the coordinator lives it: log in, draft a fiche from the votes, edit it (each change
saved at once, still there after a reload), download the documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ctg_workshop.documents.office import available as office_available
from ctg_workshop.drafting import sheets
from ctg_workshop.storage.db import read_session, write_session
from tests.support.pages import demo_workshop_id as workshop_id
from tests.support.pages import logged_in as _logged_in
from tests.support.pages import run, shown

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "rediger.py")


def stored(engine: Engine, topic: str = "avs") -> sheets.SheetData | None:
    with read_session(engine) as session:
        return sheets.get_sheet(session=session, workshop_id=workshop_id(engine), topic_key=topic)


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button « {label} » in {[b.label for b in at.button]}"
    return matches[0]


@pytest.fixture
def db(facilitator_db: Engine) -> Engine:
    return facilitator_db


def logged_in(engine: Engine) -> AppTest:
    return _logged_in(engine, PAGE)


def test_the_page_asks_for_the_facilitator_passphrase(db):
    at = run(AppTest.from_file(PAGE, default_timeout=60))
    assert at.text_input(key="login_passphrase")
    assert not [t for t in at.text_input if t.key and t.key.startswith("sheet_")]


def test_the_demo_sheet_is_shown_and_each_edit_is_saved_at_once(db):
    at = logged_in(db)
    assert at.selectbox(key="rediger_topic").value == "avs"
    assert at.text_input(key="sheet_avs_0_title").value == "Animation de la Vie Sociale"
    run(at.text_input(key="sheet_avs_0_title").input("Vivre ensemble à Armentières"))
    assert stored(db).title == "Vivre ensemble à Armentières"
    run(at.text_area(key="sheet_avs_0_partners").input("- La CAF\n\nLe CCAS\n"))
    assert stored(db).partners == ("La CAF", "Le CCAS")
    run(at.text_input(key="sheet_avs_0_objective_1_heading").input("Communiquer"))
    assert stored(db).operational_objectives[1].heading == "Communiquer"
    # A reload (a new browser session) shows what was saved: no work lost.
    again = logged_in(db)
    assert again.text_input(key="sheet_avs_0_title").value == "Vivre ensemble à Armentières"
    assert again.text_area(key="sheet_avs_0_partners").value == "La CAF\nLe CCAS"


def test_too_long_a_text_is_refused_with_a_french_message(db):
    at = logged_in(db)
    at = run(at.text_area(key="sheet_avs_0_services").input("x" * 2001))
    assert "2000 au plus" in shown(at.error[0].value)
    assert stored(db).services == (
        "Services Petite enfance, Enfance et Jeunesse",
        "Seniors",
        "SPSH",
        "la CAF",
    )


def test_drafting_a_missing_sheet_from_the_results(db):
    with write_session(db) as session:
        sheets.delete_sheet(session=session, workshop_id=workshop_id(db), topic_key="avs")
    at = logged_in(db)
    assert "pas encore de fiche action" in at.info[0].value
    at = run(button(at, "Rédiger un premier jet à partir des résultats").click())
    draft = stored(db)
    assert draft.operational_objectives[0].heading.startswith("Remédier au constat : Des disparités")
    assert draft.sources("operational_objectives[0]")
    assert (
        at.text_input(key="sheet_avs_1_objective_0_heading").value == draft.operational_objectives[0].heading
    )
    captions = " ".join(c.value for c in at.caption)
    assert "issu de « Des disparités d" in captions


def test_redrafting_needs_an_explicit_choice(db):
    before = stored(db)
    at = logged_in(db)
    redraft = button(at, "Remplacer par un nouveau premier jet")
    assert redraft.disabled
    at = run(at.checkbox(key="replace_ok_avs").check())
    assert stored(db) == before
    at = run(button(at, "Remplacer par un nouveau premier jet").click())
    assert stored(db).implementation[0] == "Mise en place d'un groupe de travail dédié"
    assert stored(db).provenance
    assert at.text_area(key="sheet_avs_1_implementation").value.startswith("Mise en place d'un groupe")
    assert not at.checkbox(key="replace_ok_avs").value  # a second replacement needs a new confirmation
    assert button(at, "Remplacer par un nouveau premier jet").disabled


def test_objectives_are_added_and_moved(db):
    at = logged_in(db)
    headings = [o.heading for o in stored(db).operational_objectives]
    at = run(button(at, "Ajouter un objectif").click())
    assert len(stored(db).operational_objectives) == 5
    at = run(at.button(key="sheet_avs_1_objective_1_up").click())
    assert [o.heading for o in stored(db).operational_objectives][:2] == [headings[1], headings[0]]


def test_documents_can_be_downloaded(db):
    at = logged_in(db)
    labels = [b.label for b in at.get("download_button")]
    pdf = ["Télécharger en PDF"] if office_available() else []
    assert labels == [
        "Télécharger le projet de convention (.docx)",
        *pdf,
        "Télécharger le projet de délibération (.docx)",
        *pdf,
        "Télécharger les contributions (.csv)",
        "Télécharger le classeur Excel (.xlsx)",
    ]
    at.text_input(key="delib_bonus").input("beaucoup")
    at = run(
        next(b for b in at.button if b.label == "Enregistrer les informations de la délibération").click()
    )
    assert "nombre d'euros" in shown(at.error[0].value)


def test_the_deliberation_s_details_are_saved_from_the_form(db):
    from ctg_workshop.drafting.deliberation_settings import get_details

    at = logged_in(db)
    at.text_input(key="delib_number").input("DE23.027")
    at.text_input(key="delib_bonus").input("618 000")
    at = run(
        next(b for b in at.button if b.label == "Enregistrer les informations de la délibération").click()
    )
    assert not at.error and "enregistrées" in at.success[0].value
    with read_session(db) as session:
        details = get_details(session=session, workshop_id=workshop_id(db))
    assert (details.number, details.bonus_cents, details.recruitment) == ("DE23.027", 61_800_000, True)
