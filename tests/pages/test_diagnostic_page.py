"""Diagnostic, as the coordinator lives it: see the figures, import a CAF file, a bad file refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ctg_workshop.drafting.diagnostic import list_lines
from ctg_workshop.storage.db import read_session
from tests.support.pages import demo_workshop_id as workshop_id
from tests.support.pages import logged_in as _logged_in
from tests.support.pages import run, shown

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "diagnostic.py")
DATA = ROOT / "tests" / "data"


def lines(engine: Engine):
    with read_session(engine) as session:
        return list_lines(session=session, workshop_id=workshop_id(engine))


@pytest.fixture
def db(facilitator_db: Engine) -> Engine:
    return facilitator_db


def logged_in(engine: Engine) -> AppTest:
    return _logged_in(engine, PAGE)


def test_the_page_asks_for_the_facilitator_passphrase(db):
    at = run(AppTest.from_file(PAGE, default_timeout=60))
    assert at.text_input(key="login_passphrase")
    assert not at.data_editor


def test_the_figures_are_shown_in_an_editable_table(db):
    at = logged_in(db)
    table = at.data_editor[0].value
    assert list(table.columns) == ["N°", "Rubrique", "Indicateur", "Valeur", "Précision"]
    assert len(table) == 28
    assert table.iloc[0]["Valeur"] == "24 882"


def test_a_caf_file_is_previewed_and_imported_for_the_workshops_commune(db):
    before = len(lines(db))
    at = logged_in(db)
    content = (DATA / "caf-allocataires-communes.csv").read_bytes()
    at = run(at.file_uploader[0].upload("caf.csv", content, "text/csv"))
    assert "CAF — allocataires par commune" in at.success[0].value
    assert at.selectbox(key="diagnostic_commune").value.code == "59017"  # the workshop's territory
    assert at.text_input(key="diagnostic_section").value == "La population allocataire"
    preview = at.dataframe[-1].value
    assert list(preview["Indicateur"])[:2] == [
        "Foyers allocataires",
        "Personnes couvertes par au moins une prestation CAF",
    ]
    at = run(at.button(key="diagnostic_import").click())
    after = lines(db)
    assert len(after) == before + 3
    assert ("Foyers allocataires", "7\u00a0410") in [(line.label, line.value) for line in after]
    assert len(at.data_editor[0].value) == before + 3


def test_a_bad_file_is_refused_and_changes_nothing(db):
    before = lines(db)
    at = logged_in(db)
    at = run(at.file_uploader[0].upload("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "text/csv"))
    assert "Fichier refusé" in shown(at.error[0].value)
    assert "binaire" in shown(at.error[0].value)
    assert not [b for b in at.button if b.key == "diagnostic_import"]
    assert lines(db) == before


def test_an_unknown_file_asks_which_columns_to_read(db):
    at = logged_in(db)
    content = (DATA / "autre-format-communes.csv").read_bytes()
    at = run(at.file_uploader[0].upload("autre.csv", content, "text/csv"))
    assert "Format non reconnu" in at.info[0].value
    assert at.selectbox(key="diagnostic_map_commune").value == "Code INSEE"
    assert at.selectbox(key="diagnostic_commune").value.name == "Armentières"
    preview = at.dataframe[-1].value
    assert list(preview["Valeur"]) == ["9", "34,8\u00a0%"]


def analyses(engine: Engine):
    from ctg_workshop.drafting.narrative import list_narrative

    with read_session(engine) as session:
        return {a.section: a.text for a in list_narrative(session=session, workshop_id=workshop_id(engine))}


def test_the_seed_s_analysis_is_shown_and_saved_when_the_field_is_left(db):
    at = logged_in(db)
    fields = [t for t in at.text_area if t.key and t.key.startswith("narrative_0_")]
    assert fields and fields[0].value.startswith("Armentières est une commune")
    assert "Le territoire" in fields[0].label
    typed = "Premier paragraphe **tel quel**.\n\n\n\nSecond\tparagraphe."
    at = run(fields[0].set_value(typed))
    assert analyses(db)["Le territoire"] == "Premier paragraphe **tel quel**.\n\nSecond paragraphe."
    assert not at.error
    expanders = [e.label for e in at.expander]
    assert any("Versions précédentes" in label and "Le territoire" in label for label in expanders)


def test_a_heading_of_its_own_is_added_below_the_diagnostic_s_sections(db):
    at = logged_in(db)
    at.text_input(key="narrative_new_heading").set_value("Synthèse")
    new_text = next(t for t in at.text_area if t.label == "Son analyse")
    new_text.set_value("Les enjeux transversaux.")
    at = run(next(b for b in at.button if b.label == "Ajouter la rubrique").click())
    assert analyses(db)["Synthèse"] == "Les enjeux transversaux."
    assert [t.label for t in at.text_area if t.key and t.key.startswith("narrative_")][-1].startswith(
        "Synthèse"
    )


def test_an_empty_new_heading_is_refused_in_french(db):
    at = logged_in(db)
    at.text_input(key="narrative_new_heading").set_value("   ")
    next(t for t in at.text_area if t.label == "Son analyse").set_value("Texte.")
    at = run(next(b for b in at.button if b.label == "Ajouter la rubrique").click())
    assert "Non enregistré" in at.error[0].value and "Rubrique" in at.error[0].value


def test_a_caf_file_with_years_fills_an_indicator_of_the_follow_up(db):
    from ctg_workshop.follow_up.overview import follow_up_overview

    content = (
        "numcom;nomcom;annee;txcouv_eaje_com\n59017;Armentières;2023;18,4\n59017;Armentières;2024;19,25\n"
    ).encode()
    at = logged_in(db)
    at = run(at.file_uploader[0].upload("caf.csv", content, "text/csv"))
    column = at.selectbox(key="opendata_fill_column")
    column.set_value(next(o for o in column.options if "txcouv_eaje_com" in o))
    indicator = at.selectbox(key="opendata_fill_indicator")
    indicator.set_value(next(o for o in indicator.options if "Taux de couverture" in o))
    at = run(at)
    at = run(at.button(key="opendata_fill").click())
    assert "2023, 2024 enregistrées" in shown(at.success[0].value)
    with read_session(db) as session:
        rows = [
            i
            for f in follow_up_overview(session=session, workshop_id=workshop_id(db)).fiches
            for i in f.indicators
        ]
    coverage = next(i for i in rows if i.key == "pe-couverture")
    assert (
        coverage.values[2024].value_milli == 19_250 and coverage.values[2024].reported_by == "Open data CAF"
    )
