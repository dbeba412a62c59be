"""Spending dots: the vote budget per topic and the per-item cap, under concurrent writers.

Each vote action locks the workshop row for share (a phase change waits for it, and a vote
that arrives after the change sees the new phase) and the participant's row for update (two
devices or a double tap of one participant queue up). SQLite gets the same order from
BEGIN IMMEDIATE. The database triggers re-check budget and cap as a last line.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

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


def _lock_for_vote(session: Session, participant_id: int, item_id: int) -> tuple[Workshop, Participant, Item]:
    participant = session.scalar(
        select(Participant).where(Participant.id == participant_id).with_for_update()
    )
    if participant is None:
        raise NotFoundError("Participant inconnu : rejoignez de nouveau l'atelier.")
    workshop = session.scalar(
        select(Workshop).where(Workshop.id == participant.workshop_id).with_for_update(read=True)
    )
    item = session.get(Item, item_id)
    if item is None or item.workshop_id != participant.workshop_id:
        raise NotFoundError("Cette contribution n'existe pas dans votre atelier.")
    return workshop, participant, item


def _check_votable(workshop: Workshop, item: Item) -> None:
    if workshop.phase != Phase.VOTE:
        label = PHASE_LABELS[Phase(workshop.phase)]
        raise PhaseError(f"Le vote n'est pas ouvert : l'atelier est en phase « {label} ».")
    if item.hidden:
        raise PhaseError(
            "Cette contribution a été masquée par l'animateur : on ne peut plus voter pour elle."
        )
    if item.merged_into_id is not None:
        raise PhaseError("Cette contribution a été regroupée avec une autre : votez pour le groupe.")


def _spent_on_topic(
    session: Session, participant_id: int, topic_id: int, except_item: int | None = None
) -> int:
    query = (
        select(func.coalesce(func.sum(Vote.dots), 0))
        .join(Item, Item.id == Vote.item_id)
        .where(Vote.participant_id == participant_id, Item.topic_id == topic_id)
    )
    if except_item is not None:
        query = query.where(Vote.item_id != except_item)
    return int(session.scalar(query))


def _vote_row(session: Session, participant_id: int, item_id: int) -> Vote | None:
    return session.scalar(select(Vote).where(Vote.participant_id == participant_id, Vote.item_id == item_id))


def set_dots(*, session: Session, participant_id: int, item_id: int, dots: int) -> DotBalance:
    """Put exactly `dots` of the participant's dots on the item (0 removes the vote)."""
    if dots < 0:
        raise InvalidInputError("Nombre de points invalide : il ne peut pas être négatif.")
    locked = _lock_for_vote(session, participant_id, item_id)
    return _set_locked_dots(session, locked, _vote_row(session, participant_id, item_id), dots)


def _set_locked_dots(
    session: Session, locked: tuple[Workshop, Participant, Item], row: Vote | None, dots: int
) -> DotBalance:
    """`set_dots` once the rows are locked (`_lock_for_vote`) and the vote row `row` is read."""
    workshop, participant, item = locked
    _check_votable(workshop, item)
    if dots > workshop.max_dots_per_item:
        raise BudgetError(
            f"Vote refusé : {workshop.max_dots_per_item} points au plus sur une même contribution."
        )
    elsewhere = _spent_on_topic(session, participant.id, item.topic_id, except_item=item.id)
    if elsewhere + dots > workshop.vote_budget:
        raise BudgetError(
            f"Vote refusé : vos {workshop.vote_budget} points de ce sujet sont déjà tous placés. "
            "Retirez un point d'une autre contribution pour le placer ici."
        )
    _write_vote(session, locked, row, dots)
    return DotBalance(item.topic_id, workshop.vote_budget, elsewhere + dots, dots)


def _write_vote(
    session: Session, locked: tuple[Workshop, Participant, Item], row: Vote | None, dots: int
) -> None:
    workshop, participant, item = locked
    try:
        if dots == 0:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                Vote(workshop_id=workshop.id, participant_id=participant.id, item_id=item.id, dots=dots)
            )
        else:
            row.dots = dots
        session.flush()
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
    row = _vote_row(session, participant_id, item_id)
    return _set_locked_dots(session, locked, row, (row.dots if row else 0) + 1)


def remove_dot(*, session: Session, participant_id: int, item_id: int) -> DotBalance:
    """One dot fewer on the item (nothing happens below zero)."""
    locked = _lock_for_vote(session, participant_id, item_id)
    row = _vote_row(session, participant_id, item_id)
    return _set_locked_dots(session, locked, row, max((row.dots if row else 0) - 1, 0))


def dots_by_item(*, session: Session, participant_id: int, topic_id: int) -> dict[int, int]:
    """The participant's own dots per item of the topic."""
    rows = session.execute(
        select(Vote.item_id, Vote.dots)
        .join(Item, Item.id == Vote.item_id)
        .where(Vote.participant_id == participant_id, Item.topic_id == topic_id)
    )
    return {item_id: dots for item_id, dots in rows}
