"""Projection aggregates: counters, SWOT matrix, no totals before closing, hidden items nowhere."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from ctg_workshop.day.phases import change_phase
from ctg_workshop.day.projection import projection_snapshot, swot_matrix, topic_results
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, Phase, Topic, Vote, Workshop

HIDDEN_TEXTS = {
    "Le parking de la mairie est toujours complet le mardi matin",
    "Pour une place en urgence, appeler directement Mme Durand au 06 12 34 56 78",
}


@pytest.fixture
def demo_id(demo_engine) -> int:
    with read_session(demo_engine) as session:
        return session.scalar(select(Workshop.id).where(Workshop.code == "ARMDEMO"))


def _snapshot(engine, workshop_id):
    with read_session(engine) as session:
        return projection_snapshot(session=session, workshop_id=workshop_id)


def _set_phase(engine, workshop_id, phase):
    with write_session(engine) as session:
        change_phase(session=session, workshop_id=workshop_id, phase=phase)


def test_counters_exclude_hidden(demo_engine, demo_id, demo_archive):
    snapshot = _snapshot(demo_engine, demo_id)
    assert snapshot.participants == 25
    assert snapshot.items == 87  # 89 written, 2 hidden
    avs = next(t for t in snapshot.topics if t.key == "avs")
    items = json.loads(demo_archive)["workshop"]["items"]
    expected = sum(
        1 for i in items if i["topic"] == "avs" and i["quadrant"] == "weakness" and not i["hidden"]
    )
    assert avs.count("weakness") == expected == 6


def test_no_totals_before_closed(demo_engine, demo_id):
    for phase, voters in ((Phase.COLLECT, None), (Phase.GROUP, None)):
        _set_phase(demo_engine, demo_id, phase)
        snapshot = _snapshot(demo_engine, demo_id)
        assert snapshot.results is None and snapshot.voters == voters
    _set_phase(demo_engine, demo_id, Phase.VOTE)
    snapshot = _snapshot(demo_engine, demo_id)
    assert snapshot.results is None
    with read_session(demo_engine) as session:
        expected = session.scalar(select(func.count(Vote.participant_id.distinct())))
    assert snapshot.voters == expected > 0
    # Nothing in the snapshot or the matrix carries a dot count during the vote.
    assert "dots" not in repr(snapshot)
    with read_session(demo_engine) as session:
        topic_id = session.scalar(select(Topic.id).where(Topic.workshop_id == demo_id))
        assert "dots" not in repr(swot_matrix(session=session, workshop_id=demo_id, topic_id=topic_id))


def test_results_after_closed(demo_engine, demo_id):
    _set_phase(demo_engine, demo_id, Phase.CLOSED)
    snapshot = _snapshot(demo_engine, demo_id)
    assert [r.title for r in snapshot.results] == [t.title for t in snapshot.topics]
    for result in snapshot.results:
        dots = [item.dots for item in result.ranking]
        assert dots == sorted(dots, reverse=True) and len(result.top3) == min(3, len(result.ranking))
        assert not {item.text for item in result.ranking} & HIDDEN_TEXTS
    with read_session(demo_engine) as session:
        total = session.scalar(select(func.sum(Vote.dots)))
    assert sum(i.dots for r in snapshot.results for i in r.ranking) <= total


def test_swot_matrix(demo_engine, demo_id):
    with read_session(demo_engine) as session:
        topic_id = session.scalar(select(Topic.id).where(Topic.workshop_id == demo_id, Topic.key == "avs"))
        matrix = swot_matrix(session=session, workshop_id=demo_id, topic_id=topic_id)
    weaknesses = matrix.cards("weakness")
    texts = [c.text for c in weaknesses]
    assert not set(texts) & HIDDEN_TEXTS
    # The group i44 (+ i87) shows once, with its similar item counted.
    grouped = next(c for c in weaknesses if c.text.startswith("Des disparités d'intervention"))
    assert grouped.similar == 1 and grouped.organisation
    assert len(weaknesses) == 5  # 7 written, 1 hidden, 1 merged


def test_organisations_can_be_hidden(demo_engine, demo_id):
    with write_session(demo_engine) as session:
        session.get(Workshop, demo_id).show_organisations = False
    _set_phase(demo_engine, demo_id, Phase.CLOSED)
    snapshot = _snapshot(demo_engine, demo_id)
    assert all(i.organisation is None for r in snapshot.results for i in r.ranking)
    assert all(m.organisation is None for r in snapshot.results for i in r.ranking for m in i.members)
    with read_session(demo_engine) as session:
        topic_id = session.scalar(select(Topic.id).where(Topic.workshop_id == demo_id))
        matrix = swot_matrix(session=session, workshop_id=demo_id, topic_id=topic_id)
        assert all(c.organisation is None for _, cards in matrix.quadrants for c in cards)
        assert (
            topic_results(session=session, workshop_id=demo_id, organisations=True)[0].ranking[0].organisation
        )


def test_merged_items_counted_hidden_not(demo_engine, demo_id):
    snapshot = _snapshot(demo_engine, demo_id)
    with read_session(demo_engine) as session:
        visible = session.scalar(
            select(func.count()).select_from(Item).where(Item.workshop_id == demo_id, Item.hidden.is_(False))
        )
    assert snapshot.items == visible
