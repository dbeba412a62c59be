"""The annual report (bilan) the COPIL reviews: reopened and read as its reader would."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from ctg_workshop.archive.load import import_archive
from ctg_workshop.documents.bilan import bilan_data, build_bilan
from ctg_workshop.documents.typography import french_typography as typeset
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.follow_up.reporting import create_link
from ctg_workshop.storage.db import read_session, write_session

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def workshop_id(sqlite_engine, follow_up_archive) -> int:
    with write_session(sqlite_engine) as session:
        workshop = import_archive(session=session, data=follow_up_archive)
        create_link(
            session=session, workshop_id=workshop.id, organisation="Mission Locale", topic_keys=["avs"]
        )
        return workshop.id


def _bilan(engine, workshop_id, year) -> bytes:
    with read_session(engine) as session:
        return build_bilan(bilan_data(session=session, workshop_id=workshop_id, year=year, today=TODAY))


@pytest.fixture
def report_2024(sqlite_engine, workshop_id) -> docx.Document:
    return docx.Document(io.BytesIO(_bilan(sqlite_engine, workshop_id, 2024)))


def _text(document) -> str:
    cells = [p.text for t in document.tables for c in t._cells for p in c.paragraphs]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_every_indicator_and_the_year_s_figures_in_french(report_2024):
    text = _text(report_2024)
    for label in (
        "Nombre de groupes de travail dédié",
        "Nombre d'actions ciblées sur zones blanches",
        "Présence d'un projet écrit de territoire partagé",
        "Taux de couverture (places pour 100 enfants de moins de 3 ans)",
    ):
        assert typeset(label) in text
    assert "190\u00a0places" in text  # 2024's figure, unit kept on its line
    assert "16,7\u00a0% (2022)" in text  # the baseline, decimal comma
    assert typeset("Un groupe « aller vers » en plus.") in text  # the partner's comment, as typed


def test_statuses_notes_meetings_and_what_is_missing(report_2024):
    text = _text(report_2024)
    assert "Action reprise dans le Projet Éducatif de Territoire." in text
    assert "Le bilan 2023 est validé." in text
    assert "Comité de pilotage (COPIL) du 12 janvier 2024" in text
    assert "Mission Locale n'a rien transmis pour 2024" in text
    headings = [p.text for p in report_2024.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Synthèse 2024", "Animation de la Vie Sociale"]
    assert "Ce qui manque encore" in headings


def test_a_chart_per_fiche_with_its_text_alternative(report_2024):
    descriptions = [shape.get("descr") for shape in report_2024.element.body.iter("{*}docPr")]
    assert len(descriptions) == 2  # the two fiches with indicators
    assert descriptions[0].startswith(
        "Avancement des indicateurs de la fiche « Animation de la Vie Sociale » fin 2024"
    )
    assert "Nombre de groupes de travail dédié : 50\u00a0% du chemin vers la cible" in descriptions[0]


def test_core_properties_and_language(report_2024):
    assert report_2024.core_properties.title == "Bilan annuel 2024 de la Convention Territoriale Globale"
    assert report_2024.core_properties.language == "fr-FR"


def test_a_year_outside_the_period_is_refused(sqlite_engine, workshop_id):
    with pytest.raises(InvalidInputError, match="hors de la période"):
        _bilan(sqlite_engine, workshop_id, 2030)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent (libreoffice-writer-nogui)")
def test_libreoffice_renders_the_report(sqlite_engine, workshop_id, tmp_path: Path):
    source = tmp_path / "bilan.docx"
    source.write_bytes(_bilan(sqlite_engine, workshop_id, 2024))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = (tmp_path / "bilan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2
