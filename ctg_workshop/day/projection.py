"""What the room's screen shows: small, frozen aggregates, cheap to cache and to share.

Hidden items are left out of every count and list. Vote totals exist here only once the
workshop is closed: during the vote the projection knows how many people have voted, never
how many dots an item has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctg_workshop.day.results import RankedItem, rankings
from ctg_workshop.errors import NotFoundError
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Item, Participant, Phase, Quadrant, Topic, Vote, Workshop

RESULTS_LIMIT = 10


@dataclass(frozen=True)
class TopicLive:
    """A topic with its visible contributions counted per quadrant (Quadrant order)."""

    id: int
    key: str
    title: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def count(self, quadrant: Quadrant | str) -> int:
        return self.counts[list(Quadrant).index(Quadrant(quadrant))]


@dataclass(frozen=True)
class TopicResult:
    """A closed workshop's ranking of one topic (its top items, best first)."""

    topic_id: int
    title: str
    ranking: tuple[RankedItem, ...]

    @property
    def top3(self) -> tuple[RankedItem, ...]:
        return self.ranking[:3]


@dataclass(frozen=True)
class ProjectionSnapshot:
    workshop_id: int
    code: str
    title: str
    territory: str
    phase: Phase
    show_organisations: bool
    timer_ends_at: dt.datetime | None
    participants: int
    topics: tuple[TopicLive, ...]
    # Distinct participants who placed at least one dot: from the vote on, else None.
    voters: int | None
    # Rankings: only once the workshop is closed, else None.
    results: tuple[TopicResult, ...] | None

    @property
    def items(self) -> int:
        return sum(t.total for t in self.topics)


@dataclass(frozen=True)
class SwotCard:
    text: str
    organisation: str | None
    similar: int  # items merged into this one


@dataclass(frozen=True)
class SwotMatrix:
    topic_id: int
    title: str
    quadrants: tuple[tuple[Quadrant, tuple[SwotCard, ...]], ...]
    # Representatives per quadrant when `quadrants` holds only the newest (see swot_matrix).
    totals: tuple[int, ...] | None = None

    def cards(self, quadrant: Quadrant | str) -> tuple[SwotCard, ...]:
        return dict(self.quadrants)[Quadrant(quadrant)]

    def count(self, quadrant: Quadrant | str) -> int:
        """The quadrant's representatives, all of them (not only the cards kept)."""
        if self.totals is None:
            return len(self.cards(quadrant))
        return self.totals[list(Quadrant).index(Quadrant(quadrant))]


def topic_live_counts(*, session: Session, workshop_id: int) -> tuple[TopicLive, ...]:
    """Each topic with its visible items (hidden ones excluded, grouped ones included) per quadrant."""
    rows = session.execute(
        select(Item.topic_id, Item.quadrant, func.count())
        .where(Item.workshop_id == workshop_id, Item.hidden.is_(False))
        .group_by(Item.topic_id, Item.quadrant)
    )
    counts: dict[tuple[int, str], int] = {(t, q): n for t, q, n in rows}
    topics = session.execute(
        select(Topic.id, Topic.key, Topic.title)
        .where(Topic.workshop_id == workshop_id)
        .order_by(Topic.position)
    )
    return tuple(
        TopicLive(topic_id, key, title, tuple(counts.get((topic_id, q.value), 0) for q in Quadrant))
        for topic_id, key, title in topics
    )


def voter_count(*, session: Session, workshop_id: int) -> int:
    """How many participants have placed at least one dot (on a visible item).

    Counted from the workshop's participants, each probed through the vote's (participant, item)
    key: `vote.workshop_id` has no index, and a count of distinct voters over the vote table
    read every vote of the database (73 ms for 32 000 votes, 1.6 ms this way; docs/benchmarks.md)."""
    voted = (
        select(Vote.id)
        .join(Item, Item.id == Vote.item_id)
        .where(Vote.participant_id == Participant.id, Item.hidden.is_(False))
        .exists()
    )
    return int(
        session.scalar(
            select(func.count()).select_from(Participant).where(Participant.workshop_id == workshop_id, voted)
        )
    )


def _without_organisations(item: RankedItem) -> RankedItem:
    members = tuple(replace(m, organisation=None) for m in item.members)
    return replace(item, organisation=None, members=members)


def topic_results(
    *, session: Session, workshop_id: int, limit: int = RESULTS_LIMIT, organisations: bool = True
) -> tuple[TopicResult, ...]:
    """Every topic's top `limit` items (whatever the phase: callers decide who may see them)."""
    ranked = rankings(session=session, workshop_id=workshop_id)
    topics = session.execute(
        select(Topic.id, Topic.title).where(Topic.workshop_id == workshop_id).order_by(Topic.position)
    )
    results = []
    for topic_id, title in topics:
        items = ranked.get(topic_id, [])[:limit]
        if not organisations:
            items = [_without_organisations(i) for i in items]
        results.append(TopicResult(topic_id, title, tuple(items)))
    return tuple(results)


def projection_snapshot(*, session: Session, workshop_id: int) -> ProjectionSnapshot:
    """Everything the projection shows except the SWOT matrix, in one read."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    phase = Phase(workshop.phase)
    participants = session.scalar(
        select(func.count()).select_from(Participant).where(Participant.workshop_id == workshop_id)
    )
    voting_started = phase in (Phase.VOTE, Phase.CLOSED)
    return ProjectionSnapshot(
        workshop_id=workshop.id,
        code=workshop.code,
        title=workshop.title,
        territory=workshop.territory,
        phase=phase,
        show_organisations=workshop.show_organisations,
        timer_ends_at=workshop.timer_ends_at,
        participants=int(participants),
        topics=topic_live_counts(session=session, workshop_id=workshop_id),
        voters=voter_count(session=session, workshop_id=workshop_id) if voting_started else None,
        results=(
            topic_results(session=session, workshop_id=workshop_id, organisations=workshop.show_organisations)
            if phase == Phase.CLOSED
            else None
        ),
    )


def swot_matrix(
    *, session: Session, workshop_id: int, topic_id: int, newest: int | None = None
) -> SwotMatrix:
    """A topic's representatives in the four quadrants, oldest first; never any vote total.

    With `newest`, only the `newest` most recent representatives of each quadrant are kept (still
    oldest first) and `totals` counts them all: what the projection shows, whatever the topic's
    size (the database ranks and counts; Python builds a few cards, not thousands)."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    topic = session.get(Topic, topic_id)
    if topic is None or topic.workshop_id != workshop_id:
        raise NotFoundError("Ce sujet d'étude n'existe pas dans cet atelier.")
    if newest is not None:
        return _newest_cards(session, workshop, topic, newest)
    rows = session.execute(
        select(Item.id, Item.quadrant, Item.text, Item.merged_into_id, Participant.organisation)
        .outerjoin(Participant, Participant.id == Item.author_id)
        .where(Item.topic_id == topic_id, Item.hidden.is_(False))
        .order_by(Item.created_at, Item.id)
    ).all()
    similar: dict[int, int] = {}
    for row in rows:
        if row.merged_into_id is not None:
            similar[row.merged_into_id] = similar.get(row.merged_into_id, 0) + 1
    cards: dict[str, list[SwotCard]] = {q.value: [] for q in Quadrant}
    for row in rows:
        if row.merged_into_id is None:
            organisation = row.organisation if workshop.show_organisations else None
            cards[row.quadrant].append(SwotCard(row.text, organisation, similar.get(row.id, 0)))
    return SwotMatrix(topic.id, topic.title, tuple((q, tuple(cards[q.value])) for q in Quadrant))


def _newest_cards(session: Session, workshop: Workshop, topic: Topic, newest: int) -> SwotMatrix:
    representative = (Item.topic_id == topic.id, Item.hidden.is_(False), Item.merged_into_id.is_(None))
    age = func.row_number().over(
        partition_by=Item.quadrant, order_by=(Item.created_at.desc(), Item.id.desc())
    )
    ranked = (
        select(Item.id, Item.quadrant, Item.text, Participant.organisation, age.label("age"))
        .outerjoin(Participant, Participant.id == Item.author_id)
        .where(*representative)
        .subquery()
    )
    rows = session.execute(select(ranked).where(ranked.c.age <= newest).order_by(ranked.c.age.desc())).all()
    totals = dict(
        session.execute(
            select(Item.quadrant, func.count()).where(*representative).group_by(Item.quadrant)
        ).all()
    )
    similar = dict(
        session.execute(
            select(Item.merged_into_id, func.count())
            .where(Item.merged_into_id.in_([row.id for row in rows]), Item.hidden.is_(False))
            .group_by(Item.merged_into_id)
        ).all()
    )
    cards: dict[str, list[SwotCard]] = {q.value: [] for q in Quadrant}
    for row in rows:
        organisation = row.organisation if workshop.show_organisations else None
        cards[row.quadrant].append(SwotCard(row.text, organisation, similar.get(row.id, 0)))
    return SwotMatrix(
        topic.id,
        topic.title,
        tuple((q, tuple(cards[q.value])) for q in Quadrant),
        totals=tuple(totals.get(q.value, 0) for q in Quadrant),
    )
