"""Moderation: hide an item (off-topic, personal data), show it again, correct a typo.

- Hiding removes the item from every view, count, ranking and document. The dots placed on it
  are deleted (given back to the participants, who can place them elsewhere); showing the item
  again does not bring them back.
- An item that represents a group cannot be hidden until its group is undone: hiding it would
  silently hide what the others wrote.
- A correction keeps the previous text in `ItemRevision` (changed_by = "facilitator").

Hiding locks the workshop row like a phase change, so a vote in flight on the item either
lands before (and is deleted with the others) or is refused after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ctg_workshop.errors import ConflictError, NotFoundError
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Item, ItemRevision, Participant, Vote
from ctg_workshop.text import clean_item_text


@dataclass(frozen=True)
class ModerationItem:
    """One item as the facilitator sees it (hidden ones included)."""

    id: int
    key: str
    topic_id: int
    quadrant: str
    text: str
    organisation: str | None
    created_at: dt.datetime
    hidden: bool
    merged_into_id: int | None
    members: int
    dots: int
    revisions: int


@dataclass(frozen=True)
class Revision:
    previous_text: str
    changed_by: str
    changed_at: dt.datetime


def workshop_item(session: Session, workshop_id: int, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None or item.workshop_id != workshop_id:
        raise NotFoundError("Cette contribution n'existe pas dans cet atelier.")
    return item


def hide_item(*, session: Session, workshop_id: int, item_id: int) -> int:
    """Hide an item from everyone; its votes are deleted. Returns the number of dots given back."""
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    item = workshop_item(session, workshop_id, item_id)
    if item.hidden:
        return 0
    members = session.scalar(
        select(func.count()).select_from(Item).where(Item.merged_into_id == item.id, Item.hidden.is_(False))
    )
    if members:
        raise ConflictError(
            "Cette contribution représente un groupe : défaites d'abord le groupe (onglet « Doublons »), "
            "puis masquez la contribution."
        )
    # Members hidden earlier leave the group, so that showing them again never lands in a hidden group.
    session.execute(update(Item).where(Item.merged_into_id == item.id).values(merged_into_id=None))
    dots = int(session.scalar(select(func.coalesce(func.sum(Vote.dots), 0)).where(Vote.item_id == item.id)))
    # Votes first: the database refuses a vote row that points at a hidden item.
    session.execute(delete(Vote).where(Vote.item_id == item.id))
    item.hidden = True
    session.flush()
    return dots


def unhide_item(*, session: Session, workshop_id: int, item_id: int) -> None:
    """Show a hidden item again (without the votes deleted when it was hidden)."""
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    item = workshop_item(session, workshop_id, item_id)
    item.hidden = False
    session.flush()


def correct_item(*, session: Session, workshop_id: int, item_id: int, text: str) -> bool:
    """Replace an item's text, keeping the previous one. Returns False if nothing changed."""
    cleaned = clean_item_text(text)
    item = workshop_item(session, workshop_id, item_id)
    if cleaned == item.text:
        return False
    session.add(
        ItemRevision(item_id=item.id, previous_text=item.text, changed_by="facilitator", changed_at=utc_now())
    )
    item.text = cleaned
    session.flush()
    return True


def item_revisions(*, session: Session, workshop_id: int, item_id: int) -> list[Revision]:
    """The item's earlier texts, oldest first."""
    workshop_item(session, workshop_id, item_id)
    rows = session.scalars(
        select(ItemRevision)
        .where(ItemRevision.item_id == item_id)
        .order_by(ItemRevision.changed_at, ItemRevision.id)
    )
    return [Revision(r.previous_text, r.changed_by, r.changed_at) for r in rows]


def moderation_items(
    *, session: Session, workshop_id: int, topic_id: int | None = None
) -> list[ModerationItem]:
    """Every item of the workshop (or of one topic), hidden ones included, oldest first."""
    query = (
        select(Item, Participant.organisation)
        .outerjoin(Participant, Participant.id == Item.author_id)
        .where(Item.workshop_id == workshop_id)
        .order_by(Item.created_at, Item.id)
    )
    if topic_id is not None:
        query = query.where(Item.topic_id == topic_id)
    rows = session.execute(query).all()
    dots = dict(
        session.execute(
            select(Vote.item_id, func.sum(Vote.dots))
            .where(Vote.workshop_id == workshop_id)
            .group_by(Vote.item_id)
        ).all()
    )
    revisions = dict(
        session.execute(
            select(ItemRevision.item_id, func.count())
            .join(Item, Item.id == ItemRevision.item_id)
            .where(Item.workshop_id == workshop_id)
            .group_by(ItemRevision.item_id)
        ).all()
    )
    members: dict[int, int] = {}
    for item, _ in rows:
        if item.merged_into_id is not None:
            members[item.merged_into_id] = members.get(item.merged_into_id, 0) + 1
    return [
        ModerationItem(
            id=item.id,
            key=item.key,
            topic_id=item.topic_id,
            quadrant=item.quadrant,
            text=item.text,
            organisation=organisation,
            created_at=item.created_at,
            hidden=item.hidden,
            merged_into_id=item.merged_into_id,
            members=members.get(item.id, 0),
            dots=int(dots.get(item.id, 0)),
            revisions=int(revisions.get(item.id, 0)),
        )
        for item, organisation in rows
    ]
