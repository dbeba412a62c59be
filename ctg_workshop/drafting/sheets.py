"""Action sheets (fiches action): read them, and change them one field at a time.

Every change is one small function that the page calls on each edit, in its own
transaction: nothing typed is lost on a reload. Text goes through `text.normalize_text` and
is 0 to 2 000 characters. A sheet's `provenance` says which items each drafted line came
from (`{"operational_objectives[0]": ["i12"], "implementation[2]": ["i40"]}`); when lines
are edited, reordered or deleted, the provenance follows the lines it describes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.day.results import RankedItem, topic_ranking
from ctg_workshop.drafting.sheet_lines import (
    FIELD_LABELS,
    LIST_FIELDS,
    MAX_LINES,
    OBJECTIVES,
    TEXT_FIELDS,
    clean_lines,
    clean_objective,
    clean_text,
    line_mapping,
    remap_lines,
    remap_points,
    split_lines,
)
from ctg_workshop.errors import ConflictError, InvalidInputError, NotFoundError
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.lookups import topic_by_key
from ctg_workshop.storage.models import ActionSheet, Topic
from ctg_workshop.text import SHEET_TEXT_MAX

__all__ = [
    "FIELD_LABELS",
    "LIST_FIELDS",
    "MAX_LINES",
    "OBJECTIVES",
    "TEXT_FIELDS",
    "Objective",
    "SheetData",
    "SourceItem",
    "add_objective",
    "create_sheet",
    "delete_objective",
    "delete_sheet",
    "get_sheet",
    "list_sheets",
    "move_objective",
    "provenance_sources",
    "sheet_data",
    "sheet_sources",
    "split_lines",
    "update_lines",
    "update_objective",
    "update_text",
    "write_sheet",
]


@dataclass(frozen=True)
class Objective:
    heading: str
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetData:
    """A fiche action as plain values (what pages and documents read)."""

    topic_key: str
    title: str = ""
    target_public: str = ""
    operational_objectives: tuple[Objective, ...] = ()
    implementation: tuple[str, ...] = ()
    schedule: str = ""
    lead: str = ""
    services: tuple[str, ...] = ()
    expected_results: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    provenance: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    updated_at: dt.datetime | None = None

    def sources(self, path: str) -> tuple[str, ...]:
        """The item keys the line at `path` (e.g. `implementation[2]`) was drafted from."""
        return self.provenance.get(path, ())


@dataclass(frozen=True)
class SourceItem:
    """An item a drafted line came from, as the coordinator sees it."""

    key: str
    quadrant: str
    text: str
    organisation: str | None
    dots: int
    voters: int
    merged: bool


# --------------------------------------------------------------------------- reading


def sheet_data(sheet: ActionSheet, topic_key: str) -> SheetData:
    return SheetData(
        topic_key=topic_key,
        title=sheet.title or "",
        target_public=sheet.target_public or "",
        operational_objectives=tuple(
            Objective(o.get("heading", ""), tuple(o.get("points", ())))
            for o in sheet.operational_objectives or ()
        ),
        implementation=tuple(sheet.implementation or ()),
        schedule=sheet.schedule or "",
        lead=sheet.lead or "",
        services=tuple(sheet.services or ()),
        expected_results=tuple(sheet.expected_results or ()),
        partners=tuple(sheet.partners or ()),
        indicators=tuple(sheet.indicators or ()),
        provenance={k: tuple(v) for k, v in (sheet.provenance or {}).items()},
        updated_at=sheet.updated_at,
    )


def _sheet_row(session: Session, topic: Topic, *, lock: bool = False) -> ActionSheet | None:
    query = select(ActionSheet).where(ActionSheet.topic_id == topic.id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def _locked_sheet(session: Session, workshop_id: int, topic_key: str) -> ActionSheet:
    topic = topic_by_key(session=session, workshop_id=workshop_id, topic_key=topic_key)
    sheet = _sheet_row(session, topic, lock=True)
    if sheet is None:
        raise NotFoundError(f"Aucune fiche action pour le sujet « {topic.title} » : rédigez-la d'abord.")
    return sheet


def get_sheet(*, session: Session, workshop_id: int, topic_key: str) -> SheetData | None:
    """The sheet of topic `topic_key`, or None if it has not been written yet."""
    topic = topic_by_key(session=session, workshop_id=workshop_id, topic_key=topic_key)
    sheet = _sheet_row(session, topic)
    return sheet_data(sheet, topic.key) if sheet else None


def list_sheets(*, session: Session, workshop_id: int) -> dict[str, SheetData]:
    """Every written sheet of the workshop, keyed by topic key."""
    rows = session.execute(
        select(ActionSheet, Topic.key)
        .join(Topic, Topic.id == ActionSheet.topic_id)
        .where(ActionSheet.workshop_id == workshop_id)
        .order_by(Topic.position)
    ).all()
    return {key: sheet_data(sheet, key) for sheet, key in rows}


def provenance_sources(sheet: SheetData, ranking: Sequence[RankedItem]) -> dict[str, tuple[SourceItem, ...]]:
    """Each drafted line's source items, resolved against the topic's current ranking.

    Items hidden since the draft are left out (hidden items appear nowhere).
    """
    known: dict[str, SourceItem] = {}
    for item in ranking:
        known[item.key] = SourceItem(
            item.key, item.quadrant, item.text, item.organisation, item.dots, item.voters, False
        )
        for member in item.members:
            known[member.key] = SourceItem(
                member.key, item.quadrant, member.text, member.organisation, 0, 0, True
            )
    return {
        path: tuple(known[key] for key in keys if key in known) for path, keys in sheet.provenance.items()
    }


def sheet_sources(*, session: Session, workshop_id: int, topic_key: str) -> dict[str, tuple[SourceItem, ...]]:
    """`provenance_sources` of the topic's sheet (empty if there is no sheet)."""
    topic = topic_by_key(session=session, workshop_id=workshop_id, topic_key=topic_key)
    sheet = get_sheet(session=session, workshop_id=workshop_id, topic_key=topic_key)
    if sheet is None:
        return {}
    ranking = topic_ranking(session=session, workshop_id=workshop_id, topic_id=topic.id)
    return provenance_sources(sheet, ranking)


def _touch(sheet: ActionSheet) -> None:
    sheet.updated_at = utc_now()


# --------------------------------------------------------------------------- writing


def create_sheet(*, session: Session, workshop_id: int, topic_key: str) -> SheetData:
    """An empty sheet titled after its topic; refused if the topic already has one."""
    topic = topic_by_key(session=session, workshop_id=workshop_id, topic_key=topic_key)
    if _sheet_row(session, topic, lock=True) is not None:
        raise ConflictError(f"Le sujet « {topic.title} » a déjà sa fiche action.")
    sheet = ActionSheet(
        workshop_id=workshop_id,
        topic_id=topic.id,
        title=topic.title[:SHEET_TEXT_MAX],
        target_public="",
        operational_objectives=[],
        implementation=[],
        schedule="",
        lead="",
        services=[],
        expected_results=[],
        partners=[],
        indicators=[],
        provenance={},
        updated_at=utc_now(),
    )
    session.add(sheet)
    session.flush()
    return sheet_data(sheet, topic.key)


def write_sheet(
    *, session: Session, workshop_id: int, content: SheetData, replace: bool = False
) -> SheetData:
    """Store a whole sheet (a draft); an existing sheet is replaced only if `replace` is set."""
    topic = topic_by_key(session=session, workshop_id=workshop_id, topic_key=content.topic_key)
    sheet = _sheet_row(session, topic, lock=True)
    if sheet is not None and not replace:
        raise ConflictError(
            f"Le sujet « {topic.title} » a déjà sa fiche action : elle n'est remplacée que si vous "
            "le demandez explicitement."
        )
    if sheet is None:
        sheet = ActionSheet(workshop_id=workshop_id, topic_id=topic.id)
        session.add(sheet)
    for name in TEXT_FIELDS:
        setattr(sheet, name, clean_text(getattr(content, name), FIELD_LABELS[name]))
    for name in LIST_FIELDS:
        setattr(sheet, name, clean_lines(getattr(content, name), FIELD_LABELS[name]))
    sheet.operational_objectives = [
        clean_objective(o.heading, o.points) for o in content.operational_objectives
    ]
    sheet.provenance = {path: list(keys) for path, keys in content.provenance.items()}
    _touch(sheet)
    session.flush()
    return sheet_data(sheet, topic.key)


def delete_sheet(*, session: Session, workshop_id: int, topic_key: str) -> None:
    sheet = _locked_sheet(session, workshop_id, topic_key)
    session.delete(sheet)
    session.flush()


def update_text(*, session: Session, workshop_id: int, topic_key: str, field: str, value: str) -> SheetData:
    """Set one text part (title, target public, schedule, lead)."""
    if field not in TEXT_FIELDS:
        raise InvalidInputError(f"Champ de fiche action inconnu : « {field} ».")
    sheet = _locked_sheet(session, workshop_id, topic_key)
    setattr(sheet, field, clean_text(value, FIELD_LABELS[field]))
    _touch(sheet)
    session.flush()
    return sheet_data(sheet, topic_key)


def update_lines(
    *, session: Session, workshop_id: int, topic_key: str, field: str, lines: Sequence[str]
) -> SheetData:
    """Set one list part (modalities, services, results, partners, indicators); blank lines dropped."""
    if field not in LIST_FIELDS:
        raise InvalidInputError(f"Champ de fiche action inconnu : « {field} ».")
    sheet = _locked_sheet(session, workshop_id, topic_key)
    new = clean_lines(lines, FIELD_LABELS[field])
    mapping = line_mapping(list(getattr(sheet, field) or ()), new)
    sheet.provenance = remap_lines(sheet.provenance or {}, field, mapping)
    setattr(sheet, field, new)
    _touch(sheet)
    session.flush()
    return sheet_data(sheet, topic_key)


def _objectives(sheet: ActionSheet) -> list[dict]:
    return [
        {"heading": o["heading"], "points": list(o["points"])} for o in sheet.operational_objectives or ()
    ]


def _check_index(objectives: list, index: int) -> None:
    if not 0 <= index < len(objectives):
        raise NotFoundError("Cet objectif n'existe plus : rechargez la page.")


def update_objective(
    *,
    session: Session,
    workshop_id: int,
    topic_key: str,
    index: int,
    heading: str,
    points: Sequence[str],
) -> SheetData:
    """Set the heading and points of objective `index` (0-based)."""
    sheet = _locked_sheet(session, workshop_id, topic_key)
    objectives = _objectives(sheet)
    _check_index(objectives, index)
    cleaned = clean_objective(heading, points)
    mapping = line_mapping(objectives[index]["points"], cleaned["points"])
    sheet.provenance = remap_points(sheet.provenance or {}, index, mapping)
    objectives[index] = cleaned
    sheet.operational_objectives = objectives
    _touch(sheet)
    session.flush()
    return sheet_data(sheet, topic_key)


def add_objective(
    *, session: Session, workshop_id: int, topic_key: str, heading: str = "", points: Sequence[str] = ()
) -> SheetData:
    """Append an objective (empty by default, for the coordinator to fill)."""
    sheet = _locked_sheet(session, workshop_id, topic_key)
    objectives = _objectives(sheet)
    if len(objectives) >= MAX_LINES:
        raise InvalidInputError(f"{FIELD_LABELS[OBJECTIVES]} : {MAX_LINES} au plus.")
    sheet.operational_objectives = [*objectives, clean_objective(heading, points)]
    _touch(sheet)
    session.flush()
    return sheet_data(sheet, topic_key)


def delete_objective(*, session: Session, workshop_id: int, topic_key: str, index: int) -> SheetData:
    sheet = _locked_sheet(session, workshop_id, topic_key)
    objectives = _objectives(sheet)
    _check_index(objectives, index)
    mapping = {i: i if i < index else i - 1 for i in range(len(objectives)) if i != index}
    sheet.provenance = remap_lines(sheet.provenance or {}, OBJECTIVES, mapping)
    sheet.operational_objectives = [o for i, o in enumerate(objectives) if i != index]
    _touch(sheet)
    session.flush()
    return sheet_data(sheet, topic_key)


def move_objective(
    *, session: Session, workshop_id: int, topic_key: str, index: int, offset: int
) -> SheetData:
    """Move objective `index` up (offset -1) or down (+1); at either end nothing moves."""
    sheet = _locked_sheet(session, workshop_id, topic_key)
    objectives = _objectives(sheet)
    _check_index(objectives, index)
    target = min(max(index + offset, 0), len(objectives) - 1)
    order = list(range(len(objectives)))
    order.insert(target, order.pop(index))
    mapping = {old: new for new, old in enumerate(order)}
    sheet.provenance = remap_lines(sheet.provenance or {}, OBJECTIVES, mapping)
    sheet.operational_objectives = [objectives[old] for old in order]
    _touch(sheet)
    session.flush()
    return sheet_data(sheet, topic_key)
