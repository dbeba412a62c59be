"""Moderation: hiding (votes deleted), showing again, correcting with the original kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ctg_workshop.day.moderation import correct_item, hide_item, item_revisions, moderation_items, unhide_item
from ctg_workshop.day.results import rankings
from ctg_workshop.day.voting import add_dot
from ctg_workshop.errors import ConflictError, InvalidInputError, NotFoundError, PhaseError
from ctg_workshop.preparation.overview import topic_counts
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, ItemRevision, Vote, Workshop


def _demo(session) -> int:
    return session.scalar(select(Workshop.id).where(Workshop.code == "ARMDEMO"))


def _voted_item(session, workshop_id: int) -> Item:
    """A representative with votes and no group members."""
    members = select(Item.merged_into_id).where(Item.merged_into_id.is_not(None))
    return session.scalar(
        select(Item)
        .join(Vote, Vote.item_id == Item.id)
        .where(Item.workshop_id == workshop_id, Item.id.not_in(members))
        .order_by(Item.id)
    )


def test_hide_deletes_votes_and_disappears_everywhere(engine, demo_archive):
    from ctg_workshop.archive.load import import_archive

    with write_session(engine) as session:
        workshop_id = import_archive(session=session, data=demo_archive).id
    with write_session(engine) as session:
        item = _voted_item(session, workshop_id)
        dots = session.scalar(select(func.sum(Vote.dots)).where(Vote.item_id == item.id))
        voter = session.scalar(select(Vote.participant_id).where(Vote.item_id == item.id))
        before = {t.key: t.items for t in topic_counts(session=session, workshop_id=workshop_id)}
        assert hide_item(session=session, workshop_id=workshop_id, item_id=item.id) == dots
        assert hide_item(session=session, workshop_id=workshop_id, item_id=item.id) == 0  # already hidden
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Vote).where(Vote.item_id == item.id)) == 0
        after = {t.key: t.items for t in topic_counts(session=session, workshop_id=workshop_id)}
        assert sum(before.values()) - sum(after.values()) == 1
        ranked_ids = {
            r.item_id for items in rankings(session=session, workshop_id=workshop_id).values() for r in items
        }
        assert item.id not in ranked_ids
        listed = {m.id: m for m in moderation_items(session=session, workshop_id=workshop_id)}
        assert listed[item.id].hidden and listed[item.id].dots == 0
    # Nobody can vote on it any more.
    with pytest.raises(PhaseError, match="masquée"), write_session(engine) as session:
        add_dot(session=session, participant_id=voter, item_id=item.id)
    # Shown again: back in the ranking, without its old votes.
    with write_session(engine) as session:
        unhide_item(session=session, workshop_id=workshop_id, item_id=item.id)
    with read_session(engine) as session:
        ranked = {
            r.item_id: r
            for items in rankings(session=session, workshop_id=workshop_id).values()
            for r in items
        }
        assert ranked[item.id].dots == 0


def test_representative_of_a_group_cannot_be_hidden(demo_engine):
    with write_session(demo_engine) as session:
        workshop_id = _demo(session)
        representative = session.scalar(select(Item.merged_into_id).where(Item.merged_into_id.is_not(None)))
        with pytest.raises(ConflictError, match="défaites d'abord le groupe"):
            hide_item(session=session, workshop_id=workshop_id, item_id=representative)


def test_hidden_member_leaves_group_when_representative_is_hidden(demo_engine):
    with write_session(demo_engine) as session:
        workshop_id = _demo(session)
        member = session.scalar(select(Item).where(Item.merged_into_id.is_not(None)).order_by(Item.id))
        representative = member.merged_into_id
        others = session.scalar(
            select(func.count())
            .select_from(Item)
            .where(Item.merged_into_id == representative, Item.id != member.id)
        )
        assert others == 0
        hide_item(session=session, workshop_id=workshop_id, item_id=member.id)
        hide_item(session=session, workshop_id=workshop_id, item_id=representative)
        assert member.merged_into_id is None and member.hidden


def test_correct_keeps_original(engine, demo_archive):
    from ctg_workshop.archive.load import import_archive

    with write_session(engine) as session:
        workshop_id = import_archive(session=session, data=demo_archive).id
        item = session.scalar(select(Item).where(Item.workshop_id == workshop_id, Item.key == "i52"))
        original = item.text
        assert correct_item(
            session=session,
            workshop_id=workshop_id,
            item_id=item.id,
            text="  Déscolarisation précoce de certains enfants\r\n",
        )
        assert not correct_item(
            session=session,
            workshop_id=workshop_id,
            item_id=item.id,
            text="Déscolarisation précoce de certains enfants",
        )
    with read_session(engine) as session:
        assert session.get(Item, item.id).text == "Déscolarisation précoce de certains enfants"
        revisions = item_revisions(session=session, workshop_id=workshop_id, item_id=item.id)
        assert [(r.previous_text, r.changed_by) for r in revisions] == [(original, "facilitator")]
        assert session.scalar(select(func.count()).select_from(ItemRevision)) == 1
    with pytest.raises(InvalidInputError), write_session(engine) as session:
        correct_item(session=session, workshop_id=workshop_id, item_id=item.id, text="   ")


def test_item_of_another_workshop_refused(demo_engine, demo_archive):
    from ctg_workshop.archive.load import import_archive

    with write_session(demo_engine) as session:
        other = import_archive(session=session, data=demo_archive, as_code="AUTRE2").id
        item = session.scalar(select(Item.id).where(Item.workshop_id == _demo(session)))
        with pytest.raises(NotFoundError):
            hide_item(session=session, workshop_id=other, item_id=item)
