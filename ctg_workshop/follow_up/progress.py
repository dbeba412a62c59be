"""Where each fiche action stands each year: non démarrée, en cours, réalisée, abandonnée."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ctg_workshop.errors import InvalidInputError
from ctg_workshop.follow_up.history import COORDINATION, record_progress_change, translate_period_error
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.lookups import topic_by_key, workshop_by_id
from ctg_workshop.storage.models import ActionProgress, ProgressStatus
from ctg_workshop.text import SHEET_TEXT_MAX, clean_optional_text

STATUS_LABELS = {
    ProgressStatus.NOT_STARTED: "Non démarrée",
    ProgressStatus.IN_PROGRESS: "En cours",
    ProgressStatus.DONE: "Réalisée",
    ProgressStatus.DROPPED: "Abandonnée",
}


def parse_status(value: str | ProgressStatus) -> ProgressStatus:
    try:
        return ProgressStatus(value)
    except ValueError:
        known = ", ".join(STATUS_LABELS.values()).lower()
        raise InvalidInputError(f"État inconnu « {value} » : choisissez parmi {known}.") from None


def set_progress(
    *,
    session: Session,
    workshop_id: int,
    topic_key: str,
    year: int,
    status: str | ProgressStatus,
    note: str | None = None,
    changed_by: str = COORDINATION,
) -> ActionProgress:
    """Record where the fiche of `topic_key` stands in `year` (one entry per fiche and year)."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    topic = topic_by_key(session=session, workshop_id=workshop_id, topic_key=topic_key)
    if not workshop.period_start <= year <= workshop.period_end:
        raise InvalidInputError(
            f"L'année {year} est hors de la période de la convention ({workshop.period_start}–{workshop.period_end})."
        )
    state = parse_status(status)
    cleaned = clean_optional_text(note, field=f"Note sur « {topic.title} »", maximum=SHEET_TEXT_MAX)
    row = session.scalar(
        select(ActionProgress).where(ActionProgress.topic_id == topic.id, ActionProgress.year == year)
    )
    now = utc_now()
    if row is None:
        row = ActionProgress(
            workshop_id=workshop_id, topic_id=topic.id, year=year, status=state, note=cleaned, updated_at=now
        )
        session.add(row)
    else:
        row.status, row.note, row.updated_at = state, cleaned, now
    record_progress_change(session, workshop_id, topic.id, year, state.value, cleaned, changed_by, now)
    try:
        session.flush()
    except DBAPIError as error:
        raise translate_period_error(error, year) from error
    return row
