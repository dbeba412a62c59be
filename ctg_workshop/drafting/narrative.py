"""The diagnostic's written analysis: a text per heading (a diagnostic section, or a heading of
its own), paragraphs separated by a blank line, every saved version kept.

The convention prints each analysis under its heading, with the section's figures; a section
with figures and no analysis is flagged « [Analyse à rédiger] » (documents/convention/diagnostic.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctg_workshop.errors import InvalidInputError
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import DiagnosticLine, NarrativeRevision, NarrativeSection
from ctg_workshop.text import clean_text, normalize_text

NARRATIVE_TEXT_MAX = 20_000


@dataclass(frozen=True)
class Analysis:
    """One heading's analysis; `text` is empty when nothing is written yet."""

    section: str
    text: str
    updated_at: dt.datetime | None

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]


@dataclass(frozen=True)
class Revision:
    text: str | None
    saved_at: dt.datetime


def list_narrative(*, session: Session, workshop_id: int) -> list[Analysis]:
    """Every heading that has figures or an analysis, in the order of the diagnostic, then the
    headings of their own in the order they were written."""
    written = {
        n.section: n
        for n in session.scalars(
            select(NarrativeSection)
            .where(NarrativeSection.workshop_id == workshop_id)
            .order_by(NarrativeSection.position)
        )
    }
    sections = list(
        dict.fromkeys(
            session.scalars(
                select(DiagnosticLine.section)
                .where(DiagnosticLine.workshop_id == workshop_id)
                .order_by(DiagnosticLine.position)
            )
        )
    )
    sections += [s for s in written if s not in sections]
    return [
        Analysis(s, written[s].text, written[s].updated_at) if s in written else Analysis(s, "", None)
        for s in sections
    ]


def save_narrative(*, session: Session, workshop_id: int, section: str, text: str) -> Analysis:
    """Write (or, with an empty text, remove) the analysis under `section`; the previous
    version stays in the history. Saving the same text again changes nothing."""
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)  # one writer at a time
    heading = clean_text(section, field="Rubrique")
    cleaned = normalize_text(text)
    if len(cleaned) > NARRATIVE_TEXT_MAX:
        raise InvalidInputError(
            f"Analyse « {heading} » : {len(cleaned)} caractères, {NARRATIVE_TEXT_MAX} au plus."
        )
    row = session.scalar(
        select(NarrativeSection).where(
            NarrativeSection.workshop_id == workshop_id, NarrativeSection.section == heading
        )
    )
    if (row.text if row else "") == cleaned:
        return Analysis(heading, cleaned, row.updated_at if row else None)
    now = utc_now()
    if not cleaned:
        session.delete(row)
    elif row is None:
        session.add(
            NarrativeSection(
                workshop_id=workshop_id,
                section=heading,
                text=cleaned,
                position=_next_position(session, workshop_id),
                updated_at=now,
            )
        )
    else:
        row.text, row.updated_at = cleaned, now
    session.add(
        NarrativeRevision(workshop_id=workshop_id, section=heading, text=cleaned or None, saved_at=now)
    )
    session.flush()
    return Analysis(heading, cleaned, now if cleaned else None)


def _next_position(session: Session, workshop_id: int) -> int:
    last = session.scalar(
        select(func.max(NarrativeSection.position)).where(NarrativeSection.workshop_id == workshop_id)
    )
    return 0 if last is None else last + 1


def narrative_history(*, session: Session, workshop_id: int, section: str) -> list[Revision]:
    """Every saved version of `section`'s analysis, newest first."""
    rows = session.scalars(
        select(NarrativeRevision)
        .where(NarrativeRevision.workshop_id == workshop_id, NarrativeRevision.section == section)
        .order_by(NarrativeRevision.saved_at.desc(), NarrativeRevision.id.desc())
    )
    return [Revision(r.text, r.saved_at) for r in rows]
