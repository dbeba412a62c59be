"""Contributions and votes as a CSV that Excel opens in French; no hidden item, no name."""

import csv
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ctg_workshop.documents.data_export import (
    HEADER,
    ExportRow,
    export_contributions_csv,
    rows_to_csv,
    runs_as_formula,
)
from ctg_workshop.storage.db import read_session
from ctg_workshop.storage.lookups import workshop_by_code
from ctg_workshop.storage.models import Item, Participant, Vote


def exported(engine) -> tuple[bytes, list[dict[str, str]]]:
    with read_session(engine) as session:
        workshop = workshop_by_code(session=session, code="ARMDEMO")
        data = export_contributions_csv(session=session, workshop_id=workshop.id)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    return data, rows


def test_one_row_per_visible_item_with_french_quadrants_points_and_groups(demo_engine):
    data, rows = exported(demo_engine)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").split("\r\n")[0] == ";".join(HEADER)
    with read_session(demo_engine) as session:
        visible = session.scalar(select(func.count()).select_from(Item).where(Item.hidden.is_(False)))
        merged = session.scalar(
            select(func.count()).select_from(Item).where(Item.merged_into_id.is_not(None))
        )
        dots = session.scalar(select(func.sum(Vote.dots)))
    assert len(rows) == visible == 87
    assert {row["quadrant"] for row in rows} == {"Forces", "Faiblesses", "Opportunités", "Menaces"}
    grouped = [row for row in rows if row["regroupée sous"]]
    assert len(grouped) == merged
    texts = {row["texte"] for row in rows}
    assert all(row["regroupée sous"] in texts and row["points"] == "" for row in grouped)
    assert sum(int(row["points"]) for row in rows if row["points"]) == dots
    assert rows[0]["sujet"] == "Animation de la Vie Sociale"
    first_topic = [int(r["points"]) for r in rows if r["sujet"] == rows[0]["sujet"] and r["points"]]
    assert int(rows[0]["points"]) == max(first_topic)


def test_hidden_items_and_names_are_never_exported(demo_engine):
    data, _ = exported(demo_engine)
    text = data.decode("utf-8-sig")
    assert "parking de la mairie" not in text
    assert "06 12 34 56 78" not in text
    with read_session(demo_engine) as session:
        names = session.scalars(select(Participant.name).where(Participant.name.is_not(None))).all()
    assert names
    assert not any(name in text for name in names)


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused():
    row = ExportRow("Sujet", "Forces", '=HYPERLINK("http://x")', "+33 CCAS", 2, 1, "@SUM(1;2)")
    parsed = next(
        csv.reader(io.StringIO(rows_to_csv([row]).decode("utf-8-sig").split("\r\n", 1)[1]), delimiter=";")
    )
    assert parsed == ["Sujet", "Forces", '\'=HYPERLINK("http://x")', "+33 CCAS", "2", "1", "'@SUM(1;2)"]


# (typed, runs as a formula in a spreadsheet opening the CSV)
FORMULA_CASES = [
    ("=SUM(A1)", True),
    ("=1+1", True),
    ("＝1+1", True),  # full-width: NFKC gives « = »
    ("\t=1+1", True),
    ("\r=1+1", True),
    (" =1+1", True),
    ("-2+3", True),
    ("+2*3", True),
    ("-1+cmd|' /C calc'!A0", True),
    ("@SUM(1;2)", True),
    ("＠SUM(1;2)", True),
    ("－1+1", True),
    ("+33-6-12-34", True),  # Excel would subtract
    ("-5 places", False),
    ("+33 6 12 34 56 78", False),
    ("@cmd", False),
    ("@Mairie", False),
    ("- tiret en tête", False),
    ("-", False),
    ("5 = 5", False),
    ("Crèche (0-3 ans)", False),
    ("", False),
]


@pytest.mark.parametrize(("typed", "formula"), FORMULA_CASES)
def test_only_what_would_run_as_a_formula_is_defused(typed, formula):
    assert runs_as_formula(typed) is formula
    cell = rows_to_csv([ExportRow("S", "Forces", typed, "", 0, 0, "")]).decode("utf-8-sig")
    parsed = next(csv.reader(io.StringIO(cell.split("\r\n", 1)[1]), delimiter=";"))
    assert parsed[2] == ("'" + typed if formula else typed)


def _calc_available() -> bool:
    return shutil.which("soffice") is not None and Path("/usr/lib/libreoffice/program/libsclo.so").exists()


@pytest.mark.skipif(not _calc_available(), reason="LibreOffice Calc absent (libreoffice-calc-nogui)")
def test_libreoffice_opens_the_csv_with_no_formula_and_texts_as_typed(tmp_path):
    """LibreOffice Calc really opens the file (converted headless to its flat XML): no cell is a
    formula; a harmless text is shown as typed, a defused one with its apostrophe."""
    rows = [ExportRow("Sujet", "Forces", typed, "", 1, 1, "") for typed, _ in FORMULA_CASES if typed.strip()]
    source = tmp_path / "contributions.csv"
    source.write_bytes(rows_to_csv(rows))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profil'}",
            "--headless",
            "--infilter=CSV:59,34,76,1",
            "--convert-to",
            "fods",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    xml = (tmp_path / "contributions.fods").read_text(encoding="utf-8")
    assert "table:formula" not in xml
    texts = [html.unescape(t) for t in re.findall(r"<text:p>(.*?)</text:p>", xml, re.S)]
    for typed, formula in FORMULA_CASES:
        if typed.strip() and "\r" not in typed and "\t" not in typed:
            assert ("'" + typed if formula else typed) in texts


def test_semicolons_quotes_and_line_breaks_survive():
    row = ExportRow("Sujet; 1", "Menaces", 'Il a dit "non"\ndeux lignes', "", 0, 0, "")
    parsed = list(csv.reader(io.StringIO(rows_to_csv([row]).decode("utf-8-sig")), delimiter=";"))
    assert parsed[1][:3] == ["Sujet; 1", "Menaces", 'Il a dit "non"\ndeux lignes']
