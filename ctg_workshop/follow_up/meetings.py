"""The steering committee (COPIL) and technical committee (COTECH): when they met, who was
there — organisations or roles, never a person's name — and what they decided."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctg_workshop.errors import InvalidInputError, NotFoundError
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Meeting, MeetingKind, Participant
from ctg_workshop.text import SHEET_TEXT_MAX, clean_text, normalize_text

KIND_LABELS = {
    MeetingKind.COPIL: "Comité de pilotage (COPIL)",
    MeetingKind.COTECH: "Comité technique (COTECH)",
}
MAX_LINES = 60


def _lines(text: str) -> list[str]:
    return [line.strip() for line in normalize_text(text).split("\n") if line.strip()]


def _attendees(session: Session, workshop_id: int, typed: str) -> list[str]:
    attendees = [clean_text(line, field="Participants à la réunion") for line in _lines(typed)]
    if not attendees:
        raise InvalidInputError("Indiquez au moins une organisation ou un rôle présent.")
    # Documents list organisations, not people: a participant's own name is refused.
    names = {
        (name or "").casefold()
        for name in session.scalars(select(Participant.name).where(Participant.workshop_id == workshop_id))
    }
    for attendee in attendees:
        if attendee.casefold() in names:
            raise InvalidInputError(
                f"« {attendee} » est le nom d'une personne : indiquez son organisation ou son rôle "
                "(par exemple « Caf du Nord » ou « Adjointe à la famille »)."
            )
    return attendees[:MAX_LINES]


def save_meeting(
    *,
    session: Session,
    workshop_id: int,
    kind: str | MeetingKind,
    held_on: dt.date,
    attendees: str,
    decisions: str,
    meeting_id: int | None = None,
) -> Meeting:
    """Record a meeting (or change it, with `meeting_id`): attendees and decisions one per line."""
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    try:
        meeting_kind = MeetingKind(kind)
    except ValueError:
        raise InvalidInputError("Type de réunion inconnu : COPIL ou COTECH.") from None
    meeting = _meeting(session, workshop_id, meeting_id) if meeting_id else None
    if meeting is None:
        meeting = Meeting(workshop_id=workshop_id, key=_new_key(session, workshop_id, meeting_kind, held_on))
        session.add(meeting)
    meeting.kind, meeting.held_on = meeting_kind, held_on
    meeting.attendees = _attendees(session, workshop_id, attendees)
    meeting.decisions = [
        clean_text(line, field="Décision", maximum=SHEET_TEXT_MAX) for line in _lines(decisions)
    ][:MAX_LINES]
    session.flush()
    return meeting


def delete_meeting(*, session: Session, workshop_id: int, meeting_id: int) -> None:
    session.delete(_meeting(session, workshop_id, meeting_id))
    session.flush()


def _meeting(session: Session, workshop_id: int, meeting_id: int) -> Meeting:
    meeting = session.scalar(
        select(Meeting).where(Meeting.id == meeting_id, Meeting.workshop_id == workshop_id)
    )
    if meeting is None:
        raise NotFoundError("Cette réunion n'existe pas (ou plus).")
    return meeting


def _new_key(session: Session, workshop_id: int, kind: MeetingKind, held_on: dt.date) -> str:
    base = f"{kind.value}-{held_on.isoformat()}"
    taken = session.scalar(
        select(func.count()).where(Meeting.workshop_id == workshop_id, Meeting.key.like(f"{base}%"))
    )
    return base if not taken else f"{base}-{taken + 1}"
