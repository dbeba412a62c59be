"""The Excel workbook: reopened with openpyxl, every visible contribution is there exactly as
typed, as a text cell — never a formula — with numbers as numbers, dates as dates, a frozen and
filtered header; no hidden contribution, no participant's name."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter

import openpyxl
import pytest
from sqlalchemy import Engine, func, select

from ctg_workshop.archive.load import import_archive
from ctg_workshop.cli.main import main
from ctg_workshop.documents.workbook import (
    SHEET_BUILDERS,
    Column,
    Kind,
    Sheet,
    build_workbook,
    export_workbook,
    workbook_sheets,
)
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Vote

# What partners type that a spreadsheet would otherwise read as a formula, an error or a number.
TRICKY = [
    "=SUM(A1)",
    "=1+1",
    "-5 places",
    "＝1+1",
    "@cmd",
    "+33 6 12 34 56 78",
    "-2+3+cmd|' /C calc'!A0",
    "#N/A",
    "0612345678",
    "1/2",
    "2022-11-15",
    "'apostrophe devant",
    "Deux lignes\nla seconde",
    "**gras** <b>balise</b>",
]
ITEMS = 1200
TOPICS = ("avs", "enfance", "jeunesse", "parentalite")
HIDDEN_TEXT = "Contribution masquée {n}"
NAME = "Prénom-Secret {n}"


def big_archive() -> bytes:
    """A closed workshop of 1,200 items (the tricky texts among them), some hidden, some grouped,
    votes within the budget (5 per topic, 3 per item)."""
    participants = [
        {"key": f"p{n}", "name": NAME.format(n=n), "organisation": f"Structure {n % 40}"} for n in range(120)
    ]
    items, votes = [], []
    start = dt.datetime(2026, 11, 15, 9, 0)
    for n in range(ITEMS):
        text = TRICKY[n] if n < len(TRICKY) else f"Contribution numéro {n}"
        hidden = n % 97 == 50
        if hidden:
            text = HIDDEN_TEXT.format(n=n)
        items.append(
            {
                "key": f"i{n}",
                "topic": TOPICS[n % 4],
                "quadrant": ("strength", "weakness", "opportunity", "threat")[(n // 4) % 4],
                "text": text,
                "author": f"p{n % 120}",
                "created_at": (start + dt.timedelta(seconds=7 * n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "hidden": hidden,
                # Item n+16 has the same topic and quadrant as item n: a group of two.
                "merged_into": f"i{n - 16}" if n % 50 == 17 and (n - 16) % 97 != 50 else None,
            }
        )
    merged = {item["key"] for item in items if item["merged_into"]}
    votable = [i for i in items if not i["hidden"] and i["key"] not in merged]
    for p in range(120):
        for t, topic in enumerate(TOPICS):
            choices = [i for i in votable if i["topic"] == topic]
            first, second = choices[(p * 7 + t) % len(choices)], choices[(p * 11 + t + 1) % len(choices)]
            votes.append({"item": first["key"], "participant": f"p{p}", "dots": 3})
            if second is not first:
                votes.append({"item": second["key"], "participant": f"p{p}", "dots": 2})
    document = {
        "format": "ctg-workshop-archive",
        "version": 1,
        "exported_at": "2026-11-15T18:00:00Z",
        "workshop": {
            "code": "GRAND1",
            "title": "Atelier de 1 200 contributions",
            "territory": "Armentières",
            "partner_body": "Caf du Nord",
            "period_start": 2027,
            "period_end": 2030,
            "held_on": "2026-11-15",
            "phase": "closed",
            "vote_budget": 5,
            "max_dots_per_item": 3,
            "themes": [],
            "diagnostic": [],
            "topics": [{"key": k, "title": f"Sujet {k}", "summary": None, "objectives": []} for k in TOPICS],
            "participants": participants,
            "items": items,
            "votes": votes,
            "action_sheets": [
                {
                    "topic": "avs",
                    "title": "=Fiche",
                    "target_public": "Tous",
                    "operational_objectives": [{"heading": "Objectif", "points": ["un", "-deux"]}],
                    "implementation": ["Groupe de travail", "@réunion"],
                    "schedule": "2027",
                    "lead": "Chargé de coopération",
                    "services": [],
                    "expected_results": [],
                    "partners": ["La CAF"],
                    "indicators": ["+10 % de familles"],
                }
            ],
        },
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Engine, int, bytes]:
    from ctg_workshop.storage.db import open_database

    url = f"sqlite:///{tmp_path_factory.mktemp('classeur') / 'ctg.sqlite3'}"
    engine = open_database(url)
    with write_session(engine) as session:
        workshop_id = import_archive(session=session, data=big_archive()).id
    with read_session(engine) as session:
        data = export_workbook(session=session, workshop_id=workshop_id)
    yield engine, workshop_id, data
    engine.dispose()


def _visible_texts() -> Counter[str]:
    items = json.loads(big_archive())["workshop"]["items"]
    return Counter(item["text"] for item in items if not item["hidden"])


def _column(sheet, header: str) -> list:
    headers = [cell.value for cell in sheet[1]]
    index = headers.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_every_visible_contribution_exactly_as_typed(big) -> None:
    _, _, data = big
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Contributions",
        "Votes par contribution",
        "Classement par sujet",
        "Fiches action",
    ]
    contributions = book["Contributions"]
    assert Counter(_column(contributions, "Contribution")) == _visible_texts()
    for text in TRICKY:
        assert text in _column(contributions, "Contribution")


def test_no_formula_anywhere(big) -> None:
    _, _, data = big
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert cell.data_type != "e", (sheet.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml
                # No apostrophe put in front of a text: only the one typed with it has one.
                assert set(re.findall(r"<t[^>]*>('[^<]*)</t>", xml)) <= {
                    "&apos;apostrophe devant",
                    "'apostrophe devant",
                }


def test_no_hidden_contribution_nor_name(big) -> None:
    _, _, data = big
    book = openpyxl.load_workbook(io.BytesIO(data))
    everything = " ".join(
        str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row
    )
    assert "Contribution masquée" not in everything
    assert "Prénom-Secret" not in everything
    assert "Structure 7" in everything  # organisations are there


def test_figures_are_numbers_and_dates_are_dates(big) -> None:
    engine, _, data = big
    book = openpyxl.load_workbook(io.BytesIO(data))
    points = _column(book["Votes par contribution"], "Points")
    assert all(isinstance(value, int) for value in points)
    with read_session(engine) as session:
        assert sum(points) == session.scalar(select(func.sum(Vote.dots)))
    assert all(isinstance(value, int) for value in _column(book["Votes par contribution"], "Votants"))
    added = _column(book["Contributions"], "Ajoutée le")
    assert all(isinstance(value, dt.datetime) for value in added)
    assert min(added) == dt.datetime(2026, 11, 15, 9, 0)
    assert book["Contributions"]["E2"].number_format == "dd/mm/yyyy hh:mm"
    ranks = _column(book["Classement par sujet"], "Rang")
    assert all(rank is None or isinstance(rank, int) for rank in ranks)


def test_ranking_shares_ranks_and_leaves_unvoted_unnumbered(big) -> None:
    _, _, data = big
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Classement par sujet"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    first_topic = [row for row in rows if row[0] == "Sujet avs"]
    assert first_topic[0][1] == 1
    assert all(row[1] is None for row in first_topic if row[5] == 0)
    tied = [row for row in first_topic if row[2] == "ex æquo"]
    assert tied and all(Counter((r[5], r[6]) for r in first_topic)[(row[5], row[6])] > 1 for row in tied)


def test_header_frozen_filtered_and_columns_sized(big) -> None:
    _, _, data = big
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.font.b for cell in sheet[1])
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            assert len(cell.value) < width <= 80
    contributions = book["Contributions"]
    assert contributions.column_dimensions["C"].width > contributions.column_dimensions["B"].width


def test_action_sheet_lines_are_cell_lines(big) -> None:
    _, _, data = big
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Fiches action"]
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["Titre action"] == "=Fiche"
    assert row["Modalités de mise en œuvre"] == "Groupe de travail\n@réunion"
    assert row["Objectifs opérationnels"] == "Objectif\n– un\n– -deux"
    assert row["Indicateurs d'évaluation"] == "+10 % de familles"


def test_builders_are_a_list_a_sheet_can_be_appended_to(big) -> None:
    engine, workshop_id, _ = big

    def indicators(_session, _workshop_id) -> Sheet:
        return Sheet("Indicateurs", (Column("Indicateur"), Column("2027", Kind.NUMBER)), (("Places", 12.5),))

    with read_session(engine) as session:
        sheets = workbook_sheets(
            session=session, workshop_id=workshop_id, builders=[*SHEET_BUILDERS, indicators]
        )
    book = openpyxl.load_workbook(io.BytesIO(build_workbook(sheets)))
    assert book.sheetnames[-1] == "Indicateurs" and book["Indicateurs"]["B2"].value == 12.5


def test_export_data_command_chooses_the_format_by_extension(demo_engine, tmp_path, capsys) -> None:
    url = demo_engine.url.render_as_string(hide_password=False)
    output = tmp_path / "atelier.xlsx"
    assert main(["--database-url", url, "export-data", "ARMDEMO", "-o", str(output)]) == 0
    assert "classeur Excel" in capsys.readouterr().out
    assert openpyxl.load_workbook(output).sheetnames[0] == "Contributions"
    assert main(["--database-url", url, "export-data", "ARMDEMO", "-o", str(tmp_path / "x.xls")]) == 2
    assert "doit finir par .xlsx" in capsys.readouterr().err
    assert not (tmp_path / "x.xls").exists()


def test_the_follow_up_s_indicators_get_their_sheet_with_figures_as_numbers(
    sqlite_engine, follow_up_archive
) -> None:
    with write_session(sqlite_engine) as session:
        workshop_id = import_archive(session=session, data=follow_up_archive).id
    with read_session(sqlite_engine) as session:
        data = export_workbook(session=session, workshop_id=workshop_id)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[-1] == "Indicateurs"
    sheet = book["Indicateurs"]
    assert [c.value for c in sheet[1]][:5] == [
        "Fiche action",
        "Indicateur",
        "Unité",
        "Année de départ",
        "Valeur de départ",
    ]
    places = next(
        row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1].startswith("Nombre des places")
    )
    assert places[3:9] == (2022, 175, 175, 190, 202.5, None)
    assert sheet.freeze_panes == "A2"
