"""What the documents say about a workshop, gathered once from the database.

The builders (`convention.build_convention`, `deliberation.build_deliberation`) are pure
functions of these frozen values: they never touch the database. Nothing here carries a
person's name: organisations only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctg_workshop.day.results import RankedItem
from ctg_workshop.storage.models import Item, Participant, Vote, Workshop

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


@dataclass(frozen=True)
class WorkshopFacts:
    code: str
    title: str
    territory: str
    partner_body: str
    period_start: int
    period_end: int
    held_on: dt.date | None
    vote_budget: int
    themes: tuple[str, ...]

    @property
    def period(self) -> str:
        return f"{self.period_start}/{self.period_end}"


@dataclass(frozen=True)
class OrganisationCount:
    name: str
    contributions: int


@dataclass(frozen=True)
class Participation:
    participants: int
    organisations: int
    items: int
    voters: int
    dots: int


def workshop_facts(workshop: Workshop) -> WorkshopFacts:
    return WorkshopFacts(
        code=workshop.code,
        title=workshop.title,
        territory=workshop.territory,
        partner_body=workshop.partner_body,
        period_start=workshop.period_start,
        period_end=workshop.period_end,
        held_on=workshop.held_on,
        vote_budget=workshop.vote_budget,
        themes=tuple(t.label for t in workshop.themes),
    )


def contributing_organisations(*, session: Session, workshop_id: int) -> tuple[OrganisationCount, ...]:
    """Organisations whose members wrote a visible item or voted; most items first."""
    written = dict(
        session.execute(
            select(Participant.organisation, func.count(Item.id))
            .join(Item, Item.author_id == Participant.id)
            .where(Item.workshop_id == workshop_id, Item.hidden.is_(False))
            .group_by(Participant.organisation)
        ).all()
    )
    voted = session.scalars(
        select(Participant.organisation)
        .join(Vote, Vote.participant_id == Participant.id)
        .where(Vote.workshop_id == workshop_id)
        .distinct()
    )
    for name in voted:
        written.setdefault(name, 0)
    ordered = sorted(written.items(), key=lambda pair: (-pair[1], pair[0].casefold()))
    return tuple(OrganisationCount(name, count) for name, count in ordered)


def participation(
    *, session: Session, workshop_id: int, organisations: Sequence[OrganisationCount]
) -> Participation:
    participants = session.scalar(
        select(func.count()).select_from(Participant).where(Participant.workshop_id == workshop_id)
    )
    items = session.scalar(
        select(func.count()).select_from(Item).where(Item.workshop_id == workshop_id, Item.hidden.is_(False))
    )
    voters, dots = session.execute(
        select(func.count(Vote.participant_id.distinct()), func.coalesce(func.sum(Vote.dots), 0)).where(
            Vote.workshop_id == workshop_id
        )
    ).one()
    return Participation(int(participants or 0), len(organisations), int(items or 0), int(voters), int(dots))


def french_date(day: dt.date) -> str:
    """15 novembre 2022 (1er for the first of the month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def french_list(words: Sequence[str]) -> str:
    """ "a, b et c"."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " et " + words[-1]


def top_items(ranking: Sequence[RankedItem], quadrant: str, limit: int) -> list[RankedItem]:
    """The quadrant's most supported items: those that received points, best first."""
    return [item for item in ranking if item.quadrant == quadrant and item.dots > 0][:limit]


_ELIDED = set("AEIOUYÀÂÄÉÈÊËÎÏÔÖÛÜÙŒHaeiouyàâäéèêëîïôöûüùœh")


def of_town(name: str) -> str:
    """« de » before a town's name, as French writes it: d'Armentières, du Havre, des Mureaux,
    de La Madeleine, de Lille."""
    name = name.strip()
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    if name[:1] in _ELIDED:
        return f"d'{name}"
    return f"de {name}"
