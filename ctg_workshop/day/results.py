"""Ranking per topic, as the spec says.

Within a topic, representative items (neither hidden nor merged) rank by total dots
(descending), then number of distinct voters (descending), then `created_at` (oldest
first), then `key`. Merged items are listed under their representative; votes count only
on representatives; hidden items appear nowhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctg_workshop.storage.models import Item, Participant, Vote


@dataclass(frozen=True)
class GroupMember:
    item_id: int
    key: str
    text: str
    organisation: str | None


@dataclass(frozen=True)
class RankedItem:
    item_id: int
    key: str
    topic_id: int
    quadrant: str
    text: str
    organisation: str | None
    created_at: dt.datetime
    dots: int
    voters: int
    members: tuple[GroupMember, ...]

    @property
    def sort_key(self) -> tuple:
        return (-self.dots, -self.voters, self.created_at, self.key)


def rankings(*, session: Session, workshop_id: int) -> dict[int, list[RankedItem]]:
    """Every topic's ranking, keyed by topic id; topics without items are absent."""
    rows = session.execute(
        select(Item, Participant.organisation)
        .outerjoin(Participant, Participant.id == Item.author_id)
        .where(Item.workshop_id == workshop_id, Item.hidden.is_(False))
        .order_by(Item.created_at, Item.key)
    ).all()
    totals = {
        item_id: (int(dots), int(voters))
        for item_id, dots, voters in session.execute(
            select(Vote.item_id, func.sum(Vote.dots), func.count(Vote.participant_id.distinct()))
            .where(Vote.workshop_id == workshop_id)
            .group_by(Vote.item_id)
        )
    }
    members: dict[int, list[GroupMember]] = {}
    for item, organisation in rows:
        if item.merged_into_id is not None:
            member = GroupMember(item.id, item.key, item.text, organisation)
            members.setdefault(item.merged_into_id, []).append(member)
    ranked: dict[int, list[RankedItem]] = {}
    for item, organisation in rows:
        if item.merged_into_id is None:
            dots, voters = totals.get(item.id, (0, 0))
            ranked.setdefault(item.topic_id, []).append(
                RankedItem(
                    item.id,
                    item.key,
                    item.topic_id,
                    item.quadrant,
                    item.text,
                    organisation,
                    item.created_at,
                    dots,
                    voters,
                    tuple(members.get(item.id, ())),
                )
            )
    for items in ranked.values():
        items.sort(key=lambda r: r.sort_key)
    return ranked


def topic_ranking(*, session: Session, workshop_id: int, topic_id: int) -> list[RankedItem]:
    return rankings(session=session, workshop_id=workshop_id).get(topic_id, [])
