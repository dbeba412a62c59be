"""Suivre and Saisie, as the chargé de coopération and a partner live them (AppTest)."""

from __future__ import annotations

import io

import docx
import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ctg_workshop.follow_up.overview import follow_up_overview
from ctg_workshop.follow_up.reporting import create_link
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import IndicatorValue
from tests.support.pages import demo_workshop_id, logged_in, page_path, run, shown

SUIVRE = page_path("suivre")
SAISIE = page_path("saisie")


@pytest.fixture
def db(facilitator_db: Engine) -> Engine:
    return facilitator_db


def overview(engine: Engine):
    with read_session(engine) as session:
        return follow_up_overview(session=session, workshop_id=demo_workshop_id(engine))


def suivre(engine: Engine, year: int = 2024) -> AppTest:
    at = logged_in(engine, SUIVRE)
    return run(at.selectbox(key="suivre_year").set_value(year))


def test_the_page_asks_for_the_facilitator_passphrase(db):
    at = run(AppTest.from_file(SUIVRE, default_timeout=60))
    assert at.text_input(key="login_passphrase")


def test_each_fiche_shows_its_statuses_and_indicators_with_a_chart(db):
    at = suivre(db)
    statuses = at.dataframe[0].value
    assert list(statuses.columns) == ["Fiche action", "2023", "2024", "2025", "2026"]
    avs = statuses[statuses["Fiche action"] == "Animation de la Vie Sociale"].iloc[0]
    assert (avs["2023"], avs["2024"]) == ("En cours", "En cours")
    indicators = at.dataframe[1].value
    assert indicators.iloc[0]["Indicateur"] == "Nombre de groupes de travail dédié"
    assert indicators.iloc[0]["2024"] == "2\u00a0groupes" and indicators.iloc[0]["Avancement"] == "75 %"
    assert len(at.get("vega_lite_chart")) == 3  # one per indicator of the fiche shown
    assert any("cible 4\u00a0groupes en 2026" in shown(c.value) for c in at.caption)


def test_a_status_and_a_figure_are_saved_from_the_page(db):
    at = suivre(db, 2025)
    form_status = next(s for s in at.selectbox if s.label == "État en 2025")
    form_status.set_value(list(form_status.options)[2])
    at = run(next(b for b in at.button if b.label == "Enregistrer l'état").click())
    assert not at.error
    figure = next(t for t in at.text_input if t.label.startswith("Valeur (par exemple"))
    figure.set_value("abc")
    at = run(next(b for b in at.button if b.label == "Enregistrer le chiffre").click())
    assert "« abc » n'est pas un chiffre" in shown(at.error[0].value)
    figure = next(t for t in at.text_input if t.label.startswith("Valeur (par exemple"))
    figure.set_value("3,5")
    at = run(next(b for b in at.button if b.label == "Enregistrer le chiffre").click())
    assert not at.error
    groups = next(i for f in overview(db).fiches for i in f.indicators if i.key == "avs-groupes")
    assert groups.values[2025].value_milli == 3500


def test_a_reporting_link_then_the_partner_reports_and_the_checklist_updates(db):
    at = suivre(db, 2026)
    organisation = next(t for t in at.text_input if t.label.startswith("Organisation"))
    organisation.set_value("Caf du Nord")
    next(m for m in at.multiselect if m.label.startswith("Fiches")).set_value(["parentalite"])
    at = run(next(b for b in at.button if b.label == "Créer le lien de saisie").click())
    assert any("Caf du Nord" in shown(w.value) for w in at.warning)  # has not reported for 2026
    link = overview(db).links[0]
    assert link.organisation == "Caf du Nord"
    assert any(link.token in c.value for c in at.code)

    partner = AppTest.from_file(SAISIE, default_timeout=60)
    partner.query_params["lien"] = link.token
    partner = run(partner)
    partner = run(partner.selectbox(key="saisie_year").set_value(2026))
    labels = [t.label for t in partner.text_input]
    assert not any("groupes de travail" in label for label in labels)  # another fiche: not shown
    places = next(t for t in partner.text_input if t.label.startswith("Nombre des places"))
    places.set_value("18,5")
    partner = run(next(b for b in partner.button if b.label == "Enregistrer").click())
    assert "enregistrée" in shown(partner.success[0].value)
    with read_session(db) as session:
        values = session.scalars(select(IndicatorValue).where(IndicatorValue.year == 2026)).all()
    assert [(v.value_milli, v.reported_by) for v in values] == [(18_500, "Caf du Nord")]
    assert overview(db).missing_reports(2026) == []


def test_a_bad_figure_on_the_partner_page_names_the_indicator_and_saves_nothing(db):
    with write_session(db) as session:
        token = create_link(session=session, workshop_id=demo_workshop_id(db), organisation="Caf du Nord", topic_keys=["parentalite"]).token  # fmt: skip
    partner = AppTest.from_file(SAISIE, default_timeout=60)
    partner.query_params["lien"] = token
    partner = run(partner)
    next(t for t in partner.text_input if t.label.startswith("Taux de couverture")).set_value("vingt")
    partner = run(next(b for b in partner.button if b.label == "Enregistrer").click())
    message = shown(partner.error[0].value)
    assert "Rien n'a été enregistré" in message and "« Taux de couverture" in message


def test_an_unknown_link_is_refused_in_french():
    partner = AppTest.from_file(SAISIE, default_timeout=60)
    partner.query_params["lien"] = "inconnu"
    partner = run(partner)
    assert "n'est plus valable" in shown(partner.error[0].value)


def test_the_annual_report_downloads(db):
    at = suivre(db, 2024)
    button = next(d for d in at.get("download_button") if "bilan 2024" in d.proto.label)
    assert button is not None
    with read_session(db) as session:
        from ctg_workshop.documents.bilan import bilan_data, build_bilan

        data = build_bilan(bilan_data(session=session, workshop_id=demo_workshop_id(db), year=2024))
    assert "Synthèse 2024" in [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
