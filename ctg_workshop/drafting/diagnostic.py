"""The territory's figures (diagnostic), edited line by line.

Lines have a section ("Le territoire"), a label, a value (text, as the convention prints it:
"24 882", "34,8 %") and an optional note. Figures read from open-data files (`opendata.py`)
are added by `import_lines`, in the caller's single transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.errors import InvalidInputError
from ctg_workshop.storage.models import DiagnosticLine
from ctg_workshop.text import clean_optional_text, clean_text

MAX_LINES = 500
COLUMN_LABELS = {
    "position": "N°",
    "section": "Rubrique",
    "label": "Indicateur",
    "value": "Valeur",
    "note": "Précision",
}


@dataclass(frozen=True)
class DiagnosticEntry:
    section: str
    label: str
    value: str
    note: str | None = None
    id: int | None = None


# --------------------------------------------------------------------------- editing


def _entry(line: DiagnosticLine) -> DiagnosticEntry:
    return DiagnosticEntry(line.section, line.label, line.value, line.note, line.id)


def clean_entry(entry: DiagnosticEntry, *, where: str = "") -> DiagnosticEntry:
    """`entry` with its texts normalised; a French error naming the field (and `where`) otherwise."""
    prefix = f"{where} — " if where else ""
    return DiagnosticEntry(
        section=clean_text(entry.section or "", field=f"{prefix}{COLUMN_LABELS['section']}"),
        label=clean_text(entry.label or "", field=f"{prefix}{COLUMN_LABELS['label']}"),
        value=clean_text(entry.value or "", field=f"{prefix}{COLUMN_LABELS['value']}"),
        note=clean_optional_text(entry.note, field=f"{prefix}{COLUMN_LABELS['note']}"),
        id=entry.id,
    )


def _rows(session: Session, workshop_id: int, *, lock: bool = False) -> list[DiagnosticLine]:
    query = (
        select(DiagnosticLine)
        .where(DiagnosticLine.workshop_id == workshop_id)
        .order_by(DiagnosticLine.position)
    )
    if lock:
        query = query.with_for_update()
    return list(session.scalars(query))


def list_lines(*, session: Session, workshop_id: int) -> list[DiagnosticEntry]:
    """The workshop's diagnostic lines, in order."""
    return [_entry(line) for line in _rows(session, workshop_id)]


def _renumber(session: Session, rows: Sequence[DiagnosticLine]) -> None:
    # Two passes: positions are unique, so no row may take a place another still holds.
    for i, row in enumerate(rows):
        row.position = -(i + 1)
    session.flush()
    for i, row in enumerate(rows):
        row.position = i
    session.flush()


def _insert_at(rows: list[DiagnosticLine], new: DiagnosticLine) -> None:
    """Place `new` after the last line of its section (at the end if the section is new)."""
    last = max((i for i, row in enumerate(rows) if row.section == new.section), default=len(rows) - 1)
    rows.insert(last + 1, new)


def _check_count(count: int) -> None:
    if count > MAX_LINES:
        raise InvalidInputError(f"Le diagnostic compterait {count} lignes : {MAX_LINES} au plus.")


def import_lines(
    *, session: Session, workshop_id: int, lines: Sequence[DiagnosticEntry]
) -> list[DiagnosticEntry]:
    """Add `lines`, each after the last line of its section; all or nothing."""
    cleaned = [clean_entry(line, where=f"Ligne {i + 1}") for i, line in enumerate(lines)]
    rows = _rows(session, workshop_id, lock=True)
    _check_count(len(rows) + len(cleaned))
    added = []
    for entry in cleaned:
        row = DiagnosticLine(
            workshop_id=workshop_id,
            position=len(rows) + 10_000,
            section=entry.section,
            label=entry.label,
            value=entry.value,
            note=entry.note,
        )
        session.add(row)
        _insert_at(rows, row)
        added.append(row)
    session.flush()
    _renumber(session, rows)
    return [_entry(row) for row in added]


def replace_lines(
    *, session: Session, workshop_id: int, lines: Sequence[DiagnosticEntry]
) -> list[DiagnosticEntry]:
    """Make the diagnostic exactly `lines`, in that order (the table editor's save)."""
    cleaned = [clean_entry(line, where=f"Ligne {i + 1}") for i, line in enumerate(lines)]
    _check_count(len(cleaned))
    existing = {row.id: row for row in _rows(session, workshop_id, lock=True)}
    kept_ids = {entry.id for entry in cleaned if entry.id in existing}
    for line_id, row in existing.items():
        if line_id not in kept_ids:
            session.delete(row)
    session.flush()
    ordered = []
    for entry in cleaned:
        row = existing.get(entry.id) if entry.id in kept_ids else None
        if row is None:
            row = DiagnosticLine(workshop_id=workshop_id, position=10_000 + len(ordered))
            session.add(row)
        row.section, row.label, row.value, row.note = entry.section, entry.label, entry.value, entry.note
        ordered.append(row)
        kept_ids.discard(entry.id)  # an id listed twice is written once, then added as new
    session.flush()
    _renumber(session, ordered)
    return [_entry(row) for row in ordered]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from a table editor
        return ""
    return str(value)


def apply_table_edits(
    lines: Sequence[DiagnosticEntry],
    *,
    edited: Mapping[int, Mapping[str, object]] | None = None,
    added: Sequence[Mapping[str, object]] = (),
    deleted: Iterable[int] = (),
) -> list[DiagnosticEntry]:
    """The lines after a table editor's changes (keys are `COLUMN_LABELS` values).

    A changed "N°" moves the line to that place; added rows go to the end unless they give a
    number (then they go before the line that held it).
    """
    edited = edited or {}
    by_label = {label: name for name, label in COLUMN_LABELS.items()}
    gone = set(deleted)
    placed: list[tuple[float, int, int, DiagnosticEntry]] = []
    for i, line in enumerate(lines):
        if i in gone:
            continue
        changes = {by_label[k]: v for k, v in (edited.get(i) or {}).items() if k in by_label}
        position = _number_or(changes.pop("position", None), i + 1)
        # Moved up: before the line now at that number; moved down: after it; unmoved: in between.
        moved = 1 if position == i + 1 else (0 if position < i + 1 else 2)
        fields = {k: _cell(v) for k, v in changes.items()}
        if "note" in fields and not fields["note"].strip():
            fields["note"] = None
        placed.append((position, moved, i, replace(line, **fields)))
    for j, row in enumerate(added):
        values = {by_label[k]: v for k, v in row.items() if k in by_label}
        position = _number_or(values.pop("position", None), len(lines) + j + 1)
        note = _cell(values.get("note")).strip() or None
        entry = DiagnosticEntry(
            _cell(values.get("section")), _cell(values.get("label")), _cell(values.get("value")), note
        )
        placed.append((position, 0, len(lines) + j, entry))
    placed.sort(key=lambda p: (p[0], p[1], p[2]))
    return [entry for *_, entry in placed]


def _number_or(value: object, default: float) -> float:
    try:
        return float(value) if value not in (None, "") and float(value) == float(value) else default
    except (TypeError, ValueError):
        return default


def is_blank(entry: DiagnosticEntry) -> bool:
    return not any(_cell(v).strip() for v in (entry.section, entry.label, entry.value, entry.note))


def is_incomplete(entry: DiagnosticEntry) -> bool:
    """A row being typed: something filled, but not yet section, label and value."""
    required = (entry.section, entry.label, entry.value)
    return not is_blank(entry) and not all(_cell(v).strip() for v in required)
