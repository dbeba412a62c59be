"""RGPD: purge names after the event, and give one participant all their data on request.

Organisations and contributions stay (they are the workshop's substance and name no one);
the optional names given by participants are personal data and go once the event is over.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ctg_workshop.archive.format import format_timestamp
from ctg_workshop.errors import NotFoundError
from ctg_workshop.storage.models import (
    Item,
    ItemRevision,
    Participant,
    Quadrant,
    Topic,
    Vote,
)
from ctg_workshop.text import folded
from ctg_workshop.wording import QUADRANT_LABELS


def purge_names(*, session: Session, workshop_id: int) -> int:
    """Remove every participant's name in the workshop; return how many names were removed."""
    result = session.execute(
        update(Participant)
        .where(Participant.workshop_id == workshop_id, Participant.name.is_not(None))
        .values(name=None)
    )
    return result.rowcount or 0


@dataclass(frozen=True)
class ParticipantEntry:
    """One line of the register of personal data: how the coordinator finds a person."""

    key: str
    organisation: str
    name: str | None
    joined_at: str  # "JJ/MM/AAAA HH:MM", UTC as stored

    @property
    def label(self) -> str:
        who = self.name or "sans nom"
        return f"{self.organisation} — {who} (inscription du {self.joined_at})"


@dataclass(frozen=True)
class PersonalData:
    """What the workshop holds about people: how many joined, how many gave a name."""

    participants: tuple[ParticipantEntry, ...]

    @property
    def named(self) -> int:
        return sum(1 for entry in self.participants if entry.name)


def personal_data(*, session: Session, workshop_id: int) -> PersonalData:
    """The participants of the workshop, by organisation then name (named ones first)."""
    rows = session.execute(
        select(Participant.key, Participant.organisation, Participant.name, Participant.created_at)
        .where(Participant.workshop_id == workshop_id)
        .order_by(Participant.id)
    )
    entries = [
        ParticipantEntry(key, organisation, name, created_at.strftime("%d/%m/%Y %H:%M"))
        for key, organisation, name, created_at in rows
    ]
    # Sorted here, not by the database: collations differ (SQLite puts « É » after « Z »).
    entries.sort(key=lambda e: (folded(e.organisation), e.name is None, folded(e.name or "")))
    return PersonalData(tuple(entries))


def erase_name(*, session: Session, workshop_id: int, reference: str) -> bool:
    """Remove one participant's name (a request to erase it); False if there was none."""
    participant = find_participant(session=session, workshop_id=workshop_id, reference=reference)
    had_name = participant.name is not None
    participant.name = None
    return had_name


def find_participant(*, session: Session, workshop_id: int, reference: str) -> Participant:
    """A participant of the workshop by archive key or by access token."""
    participant = session.scalar(
        select(Participant).where(
            Participant.workshop_id == workshop_id,
            or_(Participant.key == reference, Participant.token == reference),
        )
    )
    if participant is None:
        raise NotFoundError(f"Aucun participant « {reference} » dans cet atelier.")
    return participant


def _items_of(session: Session, participant: Participant) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Item, Topic.title)
        .join(Topic, Topic.id == Item.topic_id)
        .where(Item.author_id == participant.id)
        .order_by(Item.created_at, Item.id)
    ).all()
    revisions: dict[int, list[ItemRevision]] = {}
    for revision in session.scalars(
        select(ItemRevision)
        .where(ItemRevision.item_id.in_([item.id for item, _ in rows]))
        .order_by(ItemRevision.id)
    ):
        revisions.setdefault(revision.item_id, []).append(revision)
    return [
        {
            "sujet": topic_title,
            "quadrant": QUADRANT_LABELS[Quadrant(item.quadrant)],
            "texte": item.text,
            "écrite le": format_timestamp(item.created_at),
            "masquée par l'animateur": item.hidden,
            "versions précédentes": [
                {"texte": r.previous_text, "modifiée le": format_timestamp(r.changed_at)}
                for r in revisions.get(item.id, [])
            ],
        }
        for item, topic_title in rows
    ]


def _votes_of(session: Session, participant: Participant) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Topic.title, Item.text, Vote.dots)
        .join(Item, Item.id == Vote.item_id)
        .join(Topic, Topic.id == Item.topic_id)
        .where(Vote.participant_id == participant.id)
        .order_by(Topic.position, Item.id)
    )
    return [{"sujet": topic, "contribution": text, "points": dots} for topic, text, dots in rows]


def participant_data(*, session: Session, workshop_id: int, reference: str) -> dict[str, Any]:
    """Everything stored about one participant (right of access), in French."""
    participant = find_participant(session=session, workshop_id=workshop_id, reference=reference)
    return {
        "participant": {
            "nom": participant.name,
            "organisation": participant.organisation,
            "inscrit le": format_timestamp(participant.created_at),
        },
        "contributions": _items_of(session, participant),
        "votes": _votes_of(session, participant),
    }


def participant_data_json(*, session: Session, workshop_id: int, reference: str) -> bytes:
    data = participant_data(session=session, workshop_id=workshop_id, reference=reference)
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
