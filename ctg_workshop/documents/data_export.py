"""The contributions and their votes as a spreadsheet (CSV that Excel opens in French).

One row per visible item: topic, quadrant (French), text, organisation, points, voters, and for
an item merged as a duplicate, the text of the item it was grouped under. Hidden items and
people's names are never exported. Semicolon-separated, UTF-8 with a byte-order mark, CRLF line
ends. (The typed workbook is `workbook.py`: there every text is a text cell, no defusing needed.)

A cell a spreadsheet would run as a formula gets a leading apostrophe; harmless text is left as
typed. The rule (`defused`), on the cell's NFKC form (a full-width ＝＋－＠ is read as = + - @
by some spreadsheets) with its leading spaces, tabs and line breaks set aside:

- it starts with « = »: LibreOffice Calc runs it when it opens the file (checked: `=SUM(1;2)`
  becomes a formula giving 3, `=HYPERLINK(…)` a live link), and so does Excel;
- it starts with « + », « - » or « @ » and holds, after that first character, one of
  `= + - * / ^ & ( ) ; | ! "`: Excel reads a cell starting with + - @ as a formula, and what
  makes a formula do something — an operation, a function call, a DDE link `|`, a reference to
  another sheet `!` — needs one of these. Calc opens such cells as text; Excel would run
  `-2+3+cmd|' /C calc'!A0`. « -5 places », « +33 6 12 34 56 78 », « @Mairie » stay as typed.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ctg_workshop.day.results import rankings
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.wording import QUADRANT_LABELS

HEADER = ("sujet", "quadrant", "texte", "organisation", "points", "votants", "regroupée sous")
_SIGNS = ("+", "-", "@")
_FORMULA_SYNTAX = frozenset('=+-*/^&();|!"')


@dataclass(frozen=True)
class ExportRow:
    topic: str
    quadrant: str
    text: str
    organisation: str
    points: int | None
    voters: int | None
    grouped_under: str


def contribution_rows(*, session: Session, workshop_id: int) -> list[ExportRow]:
    """Topics in order, each ranking in order, merged items right after their representative."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    ranked = rankings(session=session, workshop_id=workshop_id)
    rows = []
    for topic in workshop.topics:
        for item in ranked.get(topic.id, []):
            quadrant = QUADRANT_LABELS[Quadrant(item.quadrant)]
            rows.append(
                ExportRow(
                    topic.title, quadrant, item.text, item.organisation or "", item.dots, item.voters, ""
                )
            )
            rows.extend(
                ExportRow(topic.title, quadrant, m.text, m.organisation or "", None, None, item.text)
                for m in item.members
            )
    return rows


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet opening the CSV would run `text` as a formula (module docstring)."""
    seen = unicodedata.normalize("NFKC", text).lstrip()
    if seen.startswith("="):
        return True
    return seen.startswith(_SIGNS) and not _FORMULA_SYNTAX.isdisjoint(seen[1:])


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if runs_as_formula(text) else text


def rows_to_csv(rows: list[ExportRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(
            [
                _safe(row.topic),
                row.quadrant,
                _safe(row.text),
                _safe(row.organisation),
                "" if row.points is None else row.points,
                "" if row.voters is None else row.voters,
                _safe(row.grouped_under),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def export_contributions_csv(*, session: Session, workshop_id: int) -> bytes:
    """The workshop's contributions and votes as CSV bytes (see the module's docstring)."""
    return rows_to_csv(contribution_rows(session=session, workshop_id=workshop_id))
