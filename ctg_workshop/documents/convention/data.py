"""What the convention prints, read from the database in one go (hidden items and names
excluded): the documents' builders never touch the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ctg_workshop.day.results import RankedItem, rankings
from ctg_workshop.documents.facts import (
    OrganisationCount,
    Participation,
    WorkshopFacts,
    contributing_organisations,
    participation,
    workshop_facts,
)
from ctg_workshop.drafting.diagnostic import DiagnosticEntry, list_lines
from ctg_workshop.drafting.narrative import Analysis, list_narrative
from ctg_workshop.drafting.sheets import SheetData, list_sheets
from ctg_workshop.storage.lookups import workshop_by_id


@dataclass(frozen=True)
class TopicFacts:
    key: str
    title: str
    summary: str | None
    objectives: tuple[str, ...]
    ranking: tuple[RankedItem, ...]
    sheet: SheetData | None


@dataclass(frozen=True)
class ConventionData:
    workshop: WorkshopFacts
    diagnostic: tuple[DiagnosticEntry, ...]
    # The written analysis per heading, in the diagnostic's order (`drafting/narrative.py`).
    narrative: tuple[Analysis, ...]
    topics: tuple[TopicFacts, ...]
    organisations: tuple[OrganisationCount, ...]
    participation: Participation
    generated_on: dt.date


def convention_data(*, session: Session, workshop_id: int, today: dt.date | None = None) -> ConventionData:
    """Everything the convention prints, read in one go (hidden items and names excluded)."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    ranked = rankings(session=session, workshop_id=workshop_id)
    sheets = list_sheets(session=session, workshop_id=workshop_id)
    organisations = contributing_organisations(session=session, workshop_id=workshop_id)
    topics = tuple(
        TopicFacts(
            key=t.key,
            title=t.title,
            summary=t.summary,
            objectives=tuple(t.objectives),
            ranking=tuple(ranked.get(t.id, ())),
            sheet=sheets.get(t.key),
        )
        for t in workshop.topics
    )
    return ConventionData(
        workshop=workshop_facts(workshop),
        diagnostic=tuple(list_lines(session=session, workshop_id=workshop_id)),
        narrative=tuple(list_narrative(session=session, workshop_id=workshop_id)),
        topics=topics,
        organisations=organisations,
        participation=participation(session=session, workshop_id=workshop_id, organisations=organisations),
        generated_on=today or dt.date.today(),
    )
