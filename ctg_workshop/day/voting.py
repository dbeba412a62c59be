"""Spending dots: the vote budget per topic and the per-item cap, under concurrent writers.

Each vote action locks the workshop row for share (a phase change waits for it, and a vote
that arrives after the change sees the new phase) and the participant's row for update (two
devices or a double tap of one participant queue up). SQLite gets the same order from
BEGIN IMMEDIATE. The database triggers re-check budget and cap as a last line.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased

from ctg_workshop.errors import BudgetError, InvalidInputError, NotFoundError, PhaseError
from ctg_workshop.storage.models import Item, Participant, Phase, Vote, Workshop
from ctg_workshop.wording import PHASE_LABELS


@dataclass(frozen=True)
class DotBalance:
    """A participant's dots on one topic after an action."""

    topic_id: int
    budget: int
    spent: int
    on_item: int

    @property
    def remaining(self) -> int:
        return self.budget - self.spent

    def sentence(self) -> str:
        points = "point restant" if self.remaining <= 1 else "points restants"
        return f"{self.remaining} {points} sur {self.budget}"


# The statements of a dot, built once: a tap runs three reads and one write, no ORM objects.
_LOCK_PARTICIPANT = (
    select(Participant.workshop_id).where(Participant.id == bindparam("participant")).with_for_update()
)
_LOCK_WORKSHOP = (
    select(Workshop.phase, Workshop.vote_budget, Workshop.max_dots_per_item)
    .where(Workshop.id == bindparam("workshop"))
    .with_for_update(read=True)
)
_OTHER_VOTE = aliased(Vote)
_OTHER_ITEM = aliased(Item)
_ITEM_AND_DOTS = select(
    Item.workshop_id,
    Item.topic_id,
    Item.hidden,
    Item.merged_into_id,
    # The participant's dots on the item (None: no vote row), and on the item's whole topic.
    select(Vote.dots)
    .where(Vote.participant_id == bindparam("participant"), Vote.item_id == Item.id)
    .scalar_subquery(),
    select(func.coalesce(func.sum(_OTHER_VOTE.dots), 0))
    .join(_OTHER_ITEM, _OTHER_ITEM.id == _OTHER_VOTE.item_id)
    .where(_OTHER_VOTE.participant_id == bindparam("participant"), _OTHER_ITEM.topic_id == Item.topic_id)
    .scalar_subquery(),
).where(Item.id == bindparam("item"))
# Core statements on the table (not ORM ones: nothing to synchronise, no Vote object is loaded).
_VOTES = Vote.__table__
_WHERE_VOTE = (_VOTES.c.participant_id == bindparam("participant"), _VOTES.c.item_id == bindparam("item"))
_INSERT_VOTE = insert(_VOTES).values(
    workshop_id=bindparam("workshop"),
    participant_id=bindparam("participant"),
    item_id=bindparam("item"),
    dots=bindparam("dots"),
)
_UPDATE_VOTE = update(_VOTES).where(*_WHERE_VOTE).values(dots=bindparam("dots"))
_DELETE_VOTE = delete(_VOTES).where(*_WHERE_VOTE)


@dataclass(frozen=True)
class _Locked:
    """What a dot needs once the participant and the workshop are locked (`_lock_for_vote`)."""

    workshop_id: int
    phase: str
    vote_budget: int
    max_dots_per_item: int
    participant_id: int
    item_id: int
    topic_id: int
    hidden: bool
    merged: bool
    dots: int | None  # the participant's dots on the item; None: no vote row
    spent_on_topic: int


def _lock_for_vote(session: Session, participant_id: int, item_id: int) -> _Locked:
    workshop_id = session.scalar(_LOCK_PARTICIPANT, {"participant": participant_id})
    if workshop_id is None:
        raise NotFoundError("Participant inconnu : rejoignez de nouveau l'atelier.")
    phase, budget, cap = session.execute(_LOCK_WORKSHOP, {"workshop": workshop_id}).one()
    item = session.execute(_ITEM_AND_DOTS, {"participant": participant_id, "item": item_id}).one_or_none()
    if item is None or item[0] != workshop_id:
        raise NotFoundError("Cette contribution n'existe pas dans votre atelier.")
    _, topic_id, hidden, merged_into_id, dots, spent = item
    return _Locked(
        workshop_id, phase, budget, cap, participant_id, item_id, topic_id, hidden,
        merged_into_id is not None, dots, int(spent),
    )  # fmt: skip


def _check_votable(locked: _Locked) -> None:
    if locked.phase != Phase.VOTE:
        label = PHASE_LABELS[Phase(locked.phase)]
        raise PhaseError(f"Le vote n'est pas ouvert : l'atelier est en phase « {label} ».")
    if locked.hidden:
        raise PhaseError(
            "Cette contribution a été masquée par l'animateur : on ne peut plus voter pour elle."
        )
    if locked.merged:
        raise PhaseError("Cette contribution a été regroupée avec une autre : votez pour le groupe.")


def set_dots(*, session: Session, participant_id: int, item_id: int, dots: int) -> DotBalance:
    """Put exactly `dots` of the participant's dots on the item (0 removes the vote)."""
    if dots < 0:
        raise InvalidInputError("Nombre de points invalide : il ne peut pas être négatif.")
    return _set_locked_dots(session, _lock_for_vote(session, participant_id, item_id), dots)


def _set_locked_dots(session: Session, locked: _Locked, dots: int) -> DotBalance:
    """`set_dots` once the rows are locked and read (`_lock_for_vote`)."""
    _check_votable(locked)
    if dots > locked.max_dots_per_item:
        raise BudgetError(
            f"Vote refusé : {locked.max_dots_per_item} points au plus sur une même contribution."
        )
    elsewhere = locked.spent_on_topic - (locked.dots or 0)
    if elsewhere + dots > locked.vote_budget:
        raise BudgetError(
            f"Vote refusé : vos {locked.vote_budget} points de ce sujet sont déjà tous placés. "
            "Retirez un point d'une autre contribution pour le placer ici."
        )
    _write_vote(session, locked, dots)
    return DotBalance(locked.topic_id, locked.vote_budget, elsewhere + dots, dots)


def _write_vote(session: Session, locked: _Locked, dots: int) -> None:
    keys = {"participant": locked.participant_id, "item": locked.item_id}
    if locked.dots is None and dots == 0:
        return
    statement = _DELETE_VOTE if dots == 0 else _INSERT_VOTE if locked.dots is None else _UPDATE_VOTE
    try:
        session.execute(statement, {**keys, "workshop": locked.workshop_id, "dots": dots})
    except DBAPIError as error:
        raise _vote_error(error) from error


def _vote_error(error: DBAPIError) -> Exception:
    """The database's own refusal (trigger), in French; anything else stays as it is."""
    text = str(error.orig)
    if "ctg:vote_budget" in text:
        return BudgetError("Vote refusé : le budget de points de ce sujet serait dépassé.")
    if "ctg:vote_cap" in text:
        return BudgetError("Vote refusé : trop de points sur une même contribution.")
    if "ctg:vote_target" in text:
        return PhaseError("Vote refusé : cette contribution est masquée ou regroupée.")
    return error


def add_dot(*, session: Session, participant_id: int, item_id: int) -> DotBalance:
    """One more dot on the item. Two fast taps give two dots or a clear refusal, never more."""
    locked = _lock_for_vote(session, participant_id, item_id)
    return _set_locked_dots(session, locked, (locked.dots or 0) + 1)


def remove_dot(*, session: Session, participant_id: int, item_id: int) -> DotBalance:
    """One dot fewer on the item (nothing happens below zero)."""
    locked = _lock_for_vote(session, participant_id, item_id)
    return _set_locked_dots(session, locked, max((locked.dots or 0) - 1, 0))


_MY_DOTS_ON_TOPIC = (
    select(_VOTES.c.item_id, _VOTES.c.dots)
    .join(Item.__table__, Item.__table__.c.id == _VOTES.c.item_id)
    .where(
        _VOTES.c.participant_id == bindparam("participant"), Item.__table__.c.topic_id == bindparam("topic")
    )
)


def dots_by_item(*, session: Session, participant_id: int, topic_id: int) -> dict[int, int]:
    """The participant's own dots per item of the topic."""
    rows = session.execute(_MY_DOTS_ON_TOPIC, {"participant": participant_id, "topic": topic_id})
    return {item_id: dots for item_id, dots in rows}
