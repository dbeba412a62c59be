"""Phases: what each one forbids, going back (votes kept unless cleared), the countdown."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ctg_workshop.day.phases import (
    change_phase,
    countdown,
    countdown_from,
    describe_change,
    is_backwards,
    start_timer,
    stop_timer,
    vote_count,
    workshop_state,
)
from ctg_workshop.day.voting import add_dot
from ctg_workshop.errors import InvalidInputError, PhaseError
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, Participant, Phase, Vote, Workshop

T0 = dt.datetime(2026, 11, 23, 10, 0, 0)


def _demo(engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(Workshop.id).where(Workshop.code == "ARMDEMO"))


def _votable(session, workshop_id: int) -> tuple[int, int]:
    """A participant with dots left on some topic, and a visible representative of that topic."""
    item = session.scalar(
        select(Item).where(
            Item.workshop_id == workshop_id, Item.hidden.is_(False), Item.merged_into_id.is_(None)
        )
    )
    spent = (
        select(func.coalesce(func.sum(Vote.dots), 0))
        .join(Item, Item.id == Vote.item_id)
        .where(Vote.participant_id == Participant.id, Item.topic_id == item.topic_id)
        .scalar_subquery()
    )
    participant = session.scalar(
        select(Participant.id)
        .where(Participant.workshop_id == workshop_id, spent == 0)
        .order_by(Participant.id)
    )
    return participant, item.id


def test_phase_order():
    assert is_backwards(Phase.VOTE, Phase.GROUP)
    assert not is_backwards(Phase.COLLECT, Phase.VOTE)


def test_vote_refused_outside_vote_phase(demo_engine):
    workshop_id = _demo(demo_engine)
    with read_session(demo_engine) as session:
        participant, item = _votable(session, workshop_id)
    for phase in (Phase.COLLECT, Phase.GROUP, Phase.CLOSED):
        with write_session(demo_engine) as session:
            change_phase(session=session, workshop_id=workshop_id, phase=phase)
        with pytest.raises(PhaseError, match="pas ouvert"), write_session(demo_engine) as session:
            add_dot(session=session, participant_id=participant, item_id=item)
    with write_session(demo_engine) as session:
        change_phase(session=session, workshop_id=workshop_id, phase=Phase.VOTE)
    with write_session(demo_engine) as session:
        assert add_dot(session=session, participant_id=participant, item_id=item).spent == 1


def test_going_back_keeps_votes_unless_cleared(demo_engine):
    workshop_id = _demo(demo_engine)
    with write_session(demo_engine) as session:
        before = vote_count(session=session, workshop_id=workshop_id)
        assert before == 120
        change = change_phase(session=session, workshop_id=workshop_id, phase="group")
        assert (change.previous, change.current, change.votes_cleared) == (Phase.VOTE, Phase.GROUP, 0)
        assert vote_count(session=session, workshop_id=workshop_id) == before
    with write_session(demo_engine) as session:
        change = change_phase(session=session, workshop_id=workshop_id, phase=Phase.COLLECT, clear_votes=True)
        assert change.votes_cleared == 120
    with read_session(demo_engine) as session:
        assert vote_count(session=session, workshop_id=workshop_id) == 0
        assert workshop_state(session=session, workshop_id=workshop_id).phase == Phase.COLLECT


def test_clearing_votes_only_when_going_back(demo_engine):
    workshop_id = _demo(demo_engine)
    with pytest.raises(InvalidInputError), write_session(demo_engine) as session:
        change_phase(session=session, workshop_id=workshop_id, phase=Phase.CLOSED, clear_votes=True)
    with read_session(demo_engine) as session:
        assert vote_count(session=session, workshop_id=workshop_id) == 120


def test_phase_change_is_said_plainly():
    text = describe_change(Phase.VOTE, Phase.GROUP, votes=120)
    assert "120 votes" in text and "conservés" in text and "effacer" in text
    assert "rouvre" in describe_change(Phase.CLOSED, Phase.VOTE, votes=3)
    assert "conservés" not in describe_change(Phase.COLLECT, Phase.GROUP, votes=0)


def test_phase_change_stops_timer(demo_engine):
    workshop_id = _demo(demo_engine)
    with write_session(demo_engine) as session:
        start_timer(session=session, workshop_id=workshop_id, minutes=10, now=T0)
        change_phase(session=session, workshop_id=workshop_id, phase=Phase.CLOSED)
    with read_session(demo_engine) as session:
        assert countdown(session=session, workshop_id=workshop_id) is None


def test_countdown(engine, demo_archive):
    from ctg_workshop.archive.load import import_archive

    with write_session(engine) as session:
        workshop_id = import_archive(session=session, data=demo_archive).id
    with write_session(engine) as session:
        started = start_timer(session=session, workshop_id=workshop_id, minutes=5, now=T0)
        assert started.remaining_seconds == 300
    with read_session(engine) as session:
        running = countdown(session=session, workshop_id=workshop_id, now=T0 + dt.timedelta(seconds=61))
        assert (running.remaining_seconds, running.clock, running.finished) == (239, "03:59", False)
        done = countdown(session=session, workshop_id=workshop_id, now=T0 + dt.timedelta(minutes=6))
        assert (done.remaining_seconds, done.clock, done.finished) == (0, "00:00", True)
    with write_session(engine) as session:
        stop_timer(session=session, workshop_id=workshop_id)
    with read_session(engine) as session:
        assert countdown(session=session, workshop_id=workshop_id) is None
    with pytest.raises(InvalidInputError), write_session(engine) as session:
        start_timer(session=session, workshop_id=workshop_id, minutes=0)


def test_long_countdown_clock():
    assert countdown_from(T0 + dt.timedelta(hours=1, seconds=5), now=T0).clock == "1:00:05"
    assert countdown_from(None) is None


def test_phase_change_waits_for_votes_in_flight(postgres_engine, demo_archive):
    """A vote in flight holds the workshop row FOR SHARE: the phase change waits for it."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from ctg_workshop.archive.load import import_archive

    with write_session(postgres_engine) as session:
        workshop_id = import_archive(session=session, data=demo_archive).id
    with read_session(postgres_engine) as in_flight:
        in_flight.execute(select(Workshop.id).where(Workshop.id == workshop_id).with_for_update(read=True))
        with pytest.raises(OperationalError, match="lock timeout"), write_session(postgres_engine) as session:
            session.execute(text("SET LOCAL lock_timeout = '200ms'"))
            change_phase(session=session, workshop_id=workshop_id, phase=Phase.CLOSED)
    with write_session(postgres_engine) as session:
        assert (
            change_phase(session=session, workshop_id=workshop_id, phase=Phase.CLOSED).current == Phase.CLOSED
        )
