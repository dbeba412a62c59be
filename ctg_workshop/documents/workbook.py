"""The workshop's data as an Excel workbook (.xlsx): one sheet per table, typed cells.

Sheets come from `SHEET_BUILDERS`, a list of functions `(session, workshop_id) -> Sheet`: the
contributions, the votes per contribution, the ranking per topic, the fiches action (append a
builder to add a sheet, e.g. the follow-up's indicators and their yearly values). Each sheet
has French headers, its header row frozen and filtered, columns sized to their content.

Cells are typed: a text is a string cell exactly as typed — never a formula, even when it
starts with « = » (openpyxl would otherwise store it as one), never prefixed with an
apostrophe; a count is a number; a date is a date. No hidden contribution, no participant's
name: organisations only.

`workbook_sheets` reads (in the caller's session); `build_workbook` is pure (sheets to bytes):
a page reads the sheets in its read transaction, then builds the file.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ctg_workshop.day.ranks import display_ranks
from ctg_workshop.day.results import rankings
from ctg_workshop.drafting.sheets import FIELD_LABELS, LIST_FIELDS, TEXT_FIELDS, list_sheets
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Item, Participant, Quadrant
from ctg_workshop.wording import QUADRANT_LABELS

WIDEST_COLUMN = 80  # characters; longer texts wrap
DATE_TIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
QUADRANT_ORDER = {quadrant: position for position, quadrant in enumerate(Quadrant)}


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DATE_TIME = "datetime"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT


Value = str | int | float | dt.date | dt.datetime | None


@dataclass(frozen=True)
class Sheet:
    """One table: a title (31 characters at most, Excel's limit), columns, rows of values."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]


SheetBuilder = Callable[[Session, int], Sheet | None]  # None: a sheet with nothing to show yet


# --------------------------------------------------------------------------- the sheets


def contributions_sheet(session: Session, workshop_id: int) -> Sheet:
    """Every visible contribution, in the order of topics, quadrants and time."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    topics = {topic.id: (topic.position, topic.title) for topic in workshop.topics}
    group = aliased(Item)
    rows = session.execute(
        select(Item.topic_id, Item.quadrant, Item.text, Participant.organisation, Item.created_at, group.text)
        .outerjoin(Participant, Participant.id == Item.author_id)
        .outerjoin(group, group.id == Item.merged_into_id)
        .where(Item.workshop_id == workshop_id, Item.hidden.is_(False))
        .order_by(Item.created_at, Item.key)
    ).all()
    rows.sort(key=lambda row: (topics[row[0]][0], QUADRANT_ORDER[Quadrant(row[1])]))
    return Sheet(
        "Contributions",
        (
            Column("Sujet d'étude"),
            Column("Quadrant"),
            Column("Contribution"),
            Column("Organisation"),
            Column("Ajoutée le", Kind.DATE_TIME),
            Column("Regroupée sous"),
        ),
        tuple(
            (
                topics[topic_id][1],
                QUADRANT_LABELS[Quadrant(quadrant)],
                text,
                organisation,
                created_at,
                grouped_under,
            )
            for topic_id, quadrant, text, organisation, created_at, grouped_under in rows
        ),
    )


def votes_sheet(session: Session, workshop_id: int) -> Sheet:
    """The contributions open to dots (groups counted once), with their points and voters."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    ranked = rankings(session=session, workshop_id=workshop_id)
    rows = []
    for topic in workshop.topics:
        items = sorted(
            ranked.get(topic.id, []), key=lambda r: (QUADRANT_ORDER[Quadrant(r.quadrant)], r.created_at)
        )
        rows.extend(
            (
                topic.title,
                QUADRANT_LABELS[Quadrant(item.quadrant)],
                item.text,
                item.organisation,
                item.dots,
                item.voters,
                len(item.members),
            )
            for item in items
        )
    return Sheet(
        "Votes par contribution",
        (
            Column("Sujet d'étude"),
            Column("Quadrant"),
            Column("Contribution"),
            Column("Organisation"),
            Column("Points", Kind.NUMBER),
            Column("Votants", Kind.NUMBER),
            Column("Contributions regroupées", Kind.NUMBER),
        ),
        tuple(rows),
    )


def ranking_sheet(session: Session, workshop_id: int) -> Sheet:
    """Each topic's ranking: tied contributions share a rank, those without points have none."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    ranked = rankings(session=session, workshop_id=workshop_id)
    rows = []
    for topic in workshop.topics:
        ranking = ranked.get(topic.id, [])
        for rank, item in zip(display_ranks(ranking), ranking, strict=True):
            rows.append(
                (
                    topic.title,
                    rank.number,
                    "ex æquo" if rank.tied else None,
                    QUADRANT_LABELS[Quadrant(item.quadrant)],
                    item.text,
                    item.dots,
                    item.voters,
                )
            )
    return Sheet(
        "Classement par sujet",
        (
            Column("Sujet d'étude"),
            Column("Rang", Kind.NUMBER),
            Column("Égalité"),
            Column("Quadrant"),
            Column("Contribution"),
            Column("Points", Kind.NUMBER),
            Column("Votants", Kind.NUMBER),
        ),
        tuple(rows),
    )


def _objectives_text(objectives) -> str:
    return "\n".join(
        "\n".join([objective.heading, *(f"– {point}" for point in objective.points)])
        for objective in objectives
    )


def action_sheets_sheet(session: Session, workshop_id: int) -> Sheet:
    """One row per fiche action; a list's lines are the cell's lines."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    sheets = list_sheets(session=session, workshop_id=workshop_id)
    fields = (
        *TEXT_FIELDS[:2],
        "operational_objectives",
        "implementation",
        *TEXT_FIELDS[2:],
        *LIST_FIELDS[1:],
    )
    rows = []
    for topic in workshop.topics:
        sheet = sheets.get(topic.key)
        if sheet is None:
            continue
        values = {name: getattr(sheet, name) for name in (*TEXT_FIELDS, *LIST_FIELDS)}
        values = {
            name: "\n".join(value) if isinstance(value, tuple) else value for name, value in values.items()
        }
        values["operational_objectives"] = _objectives_text(sheet.operational_objectives)
        rows.append((topic.title, *(values[name] for name in fields)))
    return Sheet(
        "Fiches action",
        (Column("Sujet d'étude"), *(Column(FIELD_LABELS[name]) for name in fields)),
        tuple(rows),
    )


def _number(milli: int | None) -> int | float | None:
    if milli is None:
        return None
    return milli // 1000 if milli % 1000 == 0 else milli / 1000


def indicators_sheet(session: Session, workshop_id: int) -> Sheet | None:
    """The follow-up's indicators, one row each with its baseline, a column per year of the
    period and its target, figures as numbers; None before any indicator exists."""
    from ctg_workshop.follow_up.overview import follow_up_overview

    overview = follow_up_overview(session=session, workshop_id=workshop_id)
    indicators = [(f, i) for f in overview.fiches for i in f.indicators]
    if not indicators:
        return None
    rows = tuple(
        (
            fiche.title,
            indicator.label,
            indicator.unit,
            indicator.baseline_year,
            _number(indicator.baseline_milli),
            *(
                _number(indicator.values[y].value_milli) if y in indicator.values else None
                for y in overview.years
            ),
            indicator.target_year,
            _number(indicator.target_milli),
        )
        for fiche, indicator in indicators
    )
    return Sheet(
        "Indicateurs",
        (
            Column("Fiche action"),
            Column("Indicateur"),
            Column("Unité"),
            Column("Année de départ", Kind.NUMBER),
            Column("Valeur de départ", Kind.NUMBER),
            *(Column(str(year), Kind.NUMBER) for year in overview.years),
            Column("Année de la cible", Kind.NUMBER),
            Column("Cible", Kind.NUMBER),
        ),
        rows,
    )


SHEET_BUILDERS: list[SheetBuilder] = [
    contributions_sheet,
    votes_sheet,
    ranking_sheet,
    action_sheets_sheet,
    indicators_sheet,
]


def workbook_sheets(
    *, session: Session, workshop_id: int, builders: Sequence[SheetBuilder] = SHEET_BUILDERS
) -> list[Sheet]:
    """Every sheet of the workbook, read in the caller's session."""
    sheets = (build(session, workshop_id) for build in builders)
    return [sheet for sheet in sheets if sheet is not None]


# --------------------------------------------------------------------------- writing


def _text(value: str) -> str:
    # Normalised texts hold no control character but the line break; a stray one would make
    # openpyxl refuse the whole file.
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _write_cell(sheet: Worksheet, row: int, column: int, value: Value, kind: Kind) -> None:
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return
    if kind is Kind.TEXT:
        cell.value = _text(str(value))
        cell.data_type = "s"  # a string, even if it starts with « = »: never a formula
        if "\n" in cell.value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return
    cell.value = value
    if kind is Kind.DATE_TIME:
        cell.number_format = DATE_TIME_FORMAT
    elif kind is Kind.DATE:
        cell.number_format = DATE_FORMAT


def _width(column: Column, values: list[Value]) -> float:
    if column.kind is Kind.DATE_TIME:
        longest = len("31/12/2026 23:59")
    elif column.kind is Kind.DATE:
        longest = len("31/12/2026")
    else:
        longest = max((len(line) for v in values if v is not None for line in str(v).split("\n")), default=0)
    return min(max(longest, len(column.header)) + 2, WIDEST_COLUMN)


def _write_sheet(worksheet: Worksheet, sheet: Sheet) -> None:
    worksheet.title = sheet.title[:31]
    for index, column in enumerate(sheet.columns, start=1):
        header = worksheet.cell(row=1, column=index, value=column.header)
        header.data_type = "s"
        header.font = Font(bold=True)
    for row_index, row in enumerate(sheet.rows, start=2):
        for index, (column, value) in enumerate(zip(sheet.columns, row, strict=True), start=1):
            _write_cell(worksheet, row_index, index, value, column.kind)
    for index, column in enumerate(sheet.columns, start=1):
        values = [row[index - 1] for row in sheet.rows]
        worksheet.column_dimensions[get_column_letter(index)].width = _width(column, values)
    worksheet.freeze_panes = "A2"
    last = get_column_letter(len(sheet.columns))
    worksheet.auto_filter.ref = f"A1:{last}{max(len(sheet.rows) + 1, 2)}"


def build_workbook(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx bytes of `sheets` (pure: no database)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_workbook(*, session: Session, workshop_id: int) -> bytes:
    """The workshop's workbook (see the module's docstring)."""
    return build_workbook(workbook_sheets(session=session, workshop_id=workshop_id))
