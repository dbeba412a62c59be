"""Contributions and votes as a CSV that Excel opens in French; no hidden item, no name."""

import csv
import io

from sqlalchemy import func, select

from ctg_workshop.documents.data_export import HEADER, ExportRow, export_contributions_csv, rows_to_csv
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
    row = ExportRow("Sujet", "Forces", '=HYPERLINK("http://x")', "+33 CCAS", 2, 1, "@moi")
    parsed = next(
        csv.reader(io.StringIO(rows_to_csv([row]).decode("utf-8-sig").split("\r\n", 1)[1]), delimiter=";")
    )
    assert parsed == ["Sujet", "Forces", '\'=HYPERLINK("http://x")', "'+33 CCAS", "2", "1", "'@moi"]


def test_semicolons_quotes_and_line_breaks_survive():
    row = ExportRow("Sujet; 1", "Menaces", 'Il a dit "non"\ndeux lignes', "", 0, 0, "")
    parsed = list(csv.reader(io.StringIO(rows_to_csv([row]).decode("utf-8-sig")), delimiter=";"))
    assert parsed[1][:3] == ["Sujet; 1", "Menaces", 'Il a dit "non"\ndeux lignes']
