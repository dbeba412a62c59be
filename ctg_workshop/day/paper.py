"""Paper cards: a partner without a phone fills a card at a table, the facilitator types it in.

The facilitator picks the card's author — a participant already in the workshop (a phone that
ran out of battery), or a new participant created for the organisation written on the card,
marked `entered_by_facilitator` — then types its items and places its dots. Every write goes
through the partner's own functions (`contributions.add_item`, `voting.set_dots`): the same
phase rules, the same budget and per-item cap, held by the same locks and triggers. Once typed,
a card's contributions count like any other, in the archive, the documents and the exports;
the mark itself is not part of the archive format (an import creates ordinary participants).

Every function checks that the participant belongs to the facilitator's workshop.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctg_workshop.day.contributions import OwnItem, add_item
from ctg_workshop.day.joining import join_workshop
from ctg_workshop.day.voting import DotBalance, set_dots
from ctg_workshop.errors import NotFoundError
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Item, Participant


@dataclass(frozen=True)
class CardAuthor:
    """A participant the facilitator may type a card for (never their name: the organisation
    and how many items they wrote tell cards apart)."""

    participant_id: int
    organisation: str
    entered_by_facilitator: bool
    items: int

    @property
    def label(self) -> str:
        """« Centre social Salengro — carte papier, 3 contributions »."""
        kind = "carte papier" if self.entered_by_facilitator else "téléphone"
        count = f"{self.items} contribution{'s' if self.items > 1 else ''}"
        return f"{self.organisation} — {kind}, {count}"


def card_authors(*, session: Session, workshop_id: int) -> list[CardAuthor]:
    """The workshop's participants, paper cards first, then by organisation (French order)."""
    counts = (
        select(Item.author_id, func.count().label("written"))
        .where(Item.workshop_id == workshop_id)
        .group_by(Item.author_id)
        .subquery()
    )
    rows = session.execute(
        select(Participant.id, Participant.organisation, Participant.entered_by_facilitator, counts.c.written)
        .outerjoin(counts, counts.c.author_id == Participant.id)
        .where(Participant.workshop_id == workshop_id)
        .order_by(
            Participant.entered_by_facilitator.desc(), func.lower(Participant.organisation), Participant.id
        )
    ).all()
    return [
        CardAuthor(row.id, row.organisation, row.entered_by_facilitator, row.written or 0) for row in rows
    ]


def new_card_author(
    *, session: Session, workshop_id: int, organisation: str, name: str | None = None
) -> CardAuthor:
    """A new participant for a paper card, marked as typed in by the facilitator. The
    organisation follows the partners' rules (required, spelt like a known one when only case
    or spaces differ); the workshop must not be closed."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    identity = join_workshop(session=session, code=workshop.code, organisation=organisation, name=name)
    participant = session.get_one(Participant, identity.participant_id)
    participant.entered_by_facilitator = True
    session.flush()
    return CardAuthor(participant.id, participant.organisation, True, 0)


def _card_author(session: Session, workshop_id: int, participant_id: int) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop_id:
        raise NotFoundError("Ce participant n'existe pas dans cet atelier : choisissez-le dans la liste.")
    return participant


def add_card_item(
    *, session: Session, workshop_id: int, participant_id: int, topic_key: str, quadrant: str, text: str
) -> OwnItem:
    """Type one item of a card (collect phase only; the same text twice gives one item)."""
    author = _card_author(session, workshop_id, participant_id)
    return add_item(
        session=session, participant_id=author.id, topic_key=topic_key, quadrant=quadrant, text=text
    )


def set_card_dots(
    *, session: Session, workshop_id: int, participant_id: int, item_id: int, dots: int
) -> DotBalance:
    """Place exactly `dots` of the card's dots on an item (vote phase only, within the card's
    budget on the topic and the per-item cap; 0 takes them back)."""
    author = _card_author(session, workshop_id, participant_id)
    return set_dots(session=session, participant_id=author.id, item_id=item_id, dots=dots)
