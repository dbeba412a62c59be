"""Finding workshops and counting what they hold."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Item, Participant, Quadrant, Topic, Vote, Workshop


@dataclass(frozen=True)
class WorkshopSummary:
    id: int
    code: str
    title: str
    territory: str
    phase: str
    participants: int
    items: int
    votes: int


def _count_by_workshop(session: Session, model: type) -> dict[int, int]:
    rows = session.execute(select(model.workshop_id, func.count()).group_by(model.workshop_id))
    return {workshop_id: count for workshop_id, count in rows}


def list_workshops(*, session: Session) -> list[WorkshopSummary]:
    """Every workshop with its counts, most recent first."""
    participants = _count_by_workshop(session, Participant)
    items = _count_by_workshop(session, Item)
    votes = _count_by_workshop(session, Vote)
    workshops = session.scalars(select(Workshop).order_by(Workshop.created_at.desc(), Workshop.id))
    return [
        WorkshopSummary(
            id=w.id,
            code=w.code,
            title=w.title,
            territory=w.territory,
            phase=w.phase,
            participants=participants.get(w.id, 0),
            items=items.get(w.id, 0),
            votes=votes.get(w.id, 0),
        )
        for w in workshops
    ]


@dataclass(frozen=True)
class TopicCounts:
    key: str
    title: str
    summary: str | None
    objectives: list[str]
    items_by_quadrant: dict[str, int]

    @property
    def items(self) -> int:
        return sum(self.items_by_quadrant.values())


def topic_counts(*, session: Session, workshop_id: int) -> list[TopicCounts]:
    """Each topic of the workshop with its visible items (not hidden) counted per quadrant."""
    rows = session.execute(
        select(Item.topic_id, Item.quadrant, func.count())
        .where(Item.workshop_id == workshop_id, Item.hidden.is_(False))
        .group_by(Item.topic_id, Item.quadrant)
    )
    counts: dict[int, dict[str, int]] = {}
    for topic_id, quadrant, count in rows:
        counts.setdefault(topic_id, {})[quadrant] = count
    topics = session.scalars(select(Topic).where(Topic.workshop_id == workshop_id).order_by(Topic.position))
    return [
        TopicCounts(
            key=t.key,
            title=t.title,
            summary=t.summary,
            objectives=list(t.objectives),
            items_by_quadrant={q.value: counts.get(t.id, {}).get(q.value, 0) for q in Quadrant},
        )
        for t in topics
    ]


@dataclass(frozen=True)
class WorkshopOverview:
    summary: WorkshopSummary
    themes: list[str]
    topics: list[TopicCounts]


def workshop_overviews(*, session: Session) -> list[WorkshopOverview]:
    """Every workshop with its themes and per-topic counts (the home page)."""
    return [
        WorkshopOverview(
            summary=summary,
            themes=[t.label for t in workshop_by_id(session=session, workshop_id=summary.id).themes],
            topics=topic_counts(session=session, workshop_id=summary.id),
        )
        for summary in list_workshops(session=session)
    ]
