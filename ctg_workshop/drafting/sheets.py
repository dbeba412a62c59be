"""Action sheets (fiches action): read them, and change them one field at a time.

Every change is one small function that the page calls on each edit, in its own
transaction: nothing typed is lost on a reload. Text goes through `text.normalize_text` and
is 0 to 2 000 characters. A sheet's `provenance` says which items each drafted line came
from (`{"operational_objectives[0]": ["i12"], "implementation[2]": ["i40"]}`); when lines
are edited, reordered or deleted, the provenance follows the lines it describes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.day.results import RankedItem, topic_ranking
from ctg_workshop.errors import ConflictError, InvalidInputError, NotFoundError
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.lookups import topic_by_key
from ctg_workshop.storage.models import ActionSheet, Topic
from ctg_workshop.text import SHEET_TEXT_MAX, normalize_text

TEXT_FIELDS = ("title", "target_public", "schedule", "lead")
LIST_FIELDS = ("implementation", "services", "expected_results", "partners", "indicators")
OBJECTIVES = "operational_objectives"
MAX_LINES = 60

FIELD_LABELS = {
    "title": "Titre action",
    "target_public": "Public cible",
    OBJECTIVES: "Objectifs opérationnels",
    "implementation": "Modalités de mise en œuvre",
    "schedule": "Échéances de réalisation",
    "lead": "Responsable de l'action",
    "services": "Services mobilisés",
    "expected_results": "Résultats attendus",
    "partners": "Partenaires sollicités",
    "indicators": "Indicateurs d'évaluation",
}


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


# --------------------------------------------------------------------------- cleaning


def _clean(text: str, label: str) -> str:
    value = normalize_text(text or "")
    if len(value) > SHEET_TEXT_MAX:
        raise InvalidInputError(f"{label} : {len(value)} caractères, {SHEET_TEXT_MAX} au plus.")
    return value


def split_lines(text: str) -> list[str]:
    """A text area's content as lines: one entry per line, list markers and blank lines dropped."""
    lines = normalize_text(text or "").split("\n")
    return [re.sub(r"^\s*(?:[-•➤*↳]\s+)?", "", line).strip() for line in lines if line.strip()]


def _clean_lines(lines: Sequence[str], label: str) -> list[str]:
    cleaned = [_clean(line, label) for line in lines]
    cleaned = [line for line in cleaned if line]
    if len(cleaned) > MAX_LINES:
        raise InvalidInputError(f"{label} : {len(cleaned)} lignes, {MAX_LINES} au plus.")
    return cleaned


def _clean_objective(heading: str, points: Sequence[str]) -> dict[str, object]:
    label = FIELD_LABELS[OBJECTIVES]
    return {"heading": _clean(heading, label), "points": _clean_lines(points, label)}


# --------------------------------------------------------------------------- provenance


def _line_mapping(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """Which old line each new line continues: same text first, else same place if the count held."""
    mapping: dict[int, int] = {}
    used: set[int] = set()
    for j, line in enumerate(new):
        for i, previous in enumerate(old):
            if i not in used and previous == line:
                mapping[i] = j
                used.add(i)
                break
    if len(old) == len(new):
        taken = set(mapping.values())
        for j in range(len(new)):
            if j not in taken and j not in used:
                mapping[j] = j
                used.add(j)
    return mapping


_PATH = re.compile(r"^(?P<field>[a-z_]+)\[(?P<index>\d+)\](?P<rest>.*)$")


def _remap(provenance: Mapping[str, Sequence[str]], field_name: str, mapping: Mapping[int, int]) -> dict:
    """`provenance` with the lines of `field_name` renumbered by `mapping` (unmapped lines dropped)."""
    result: dict[str, list[str]] = {}
    for path, keys in provenance.items():
        match = _PATH.match(path)
        if match is None or match["field"] != field_name:
            result[path] = list(keys)
            continue
        old = int(match["index"])
        if old in mapping:
            result[f"{field_name}[{mapping[old]}]{match['rest']}"] = list(keys)
    return result


def _remap_points(provenance: Mapping[str, Sequence[str]], index: int, mapping: Mapping[int, int]) -> dict:
    prefix = f"{OBJECTIVES}[{index}].points"
    result: dict[str, list[str]] = {}
    for path, keys in provenance.items():
        match = _PATH.match(path[len(f"{OBJECTIVES}[{index}].") :]) if path.startswith(prefix) else None
        if match is None:
            result[path] = list(keys)
        elif int(match["index"]) in mapping:
            result[f"{prefix}[{mapping[int(match['index'])]}]"] = list(keys)
    return result


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
        setattr(sheet, name, _clean(getattr(content, name), FIELD_LABELS[name]))
    for name in LIST_FIELDS:
        setattr(sheet, name, _clean_lines(getattr(content, name), FIELD_LABELS[name]))
    sheet.operational_objectives = [
        _clean_objective(o.heading, o.points) for o in content.operational_objectives
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
    setattr(sheet, field, _clean(value, FIELD_LABELS[field]))
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
    new = _clean_lines(lines, FIELD_LABELS[field])
    mapping = _line_mapping(list(getattr(sheet, field) or ()), new)
    sheet.provenance = _remap(sheet.provenance or {}, field, mapping)
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
    cleaned = _clean_objective(heading, points)
    mapping = _line_mapping(objectives[index]["points"], cleaned["points"])
    sheet.provenance = _remap_points(sheet.provenance or {}, index, mapping)
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
    sheet.operational_objectives = [*objectives, _clean_objective(heading, points)]
    _touch(sheet)
    session.flush()
    return sheet_data(sheet, topic_key)


def delete_objective(*, session: Session, workshop_id: int, topic_key: str, index: int) -> SheetData:
    sheet = _locked_sheet(session, workshop_id, topic_key)
    objectives = _objectives(sheet)
    _check_index(objectives, index)
    mapping = {i: i if i < index else i - 1 for i in range(len(objectives)) if i != index}
    sheet.provenance = _remap(sheet.provenance or {}, OBJECTIVES, mapping)
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
    sheet.provenance = _remap(sheet.provenance or {}, OBJECTIVES, mapping)
    sheet.operational_objectives = [objectives[old] for old in order]
    _touch(sheet)
    session.flush()
    return sheet_data(sheet, topic_key)
