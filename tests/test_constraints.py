"""What the database can hold: each rule is the database's own, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from ctg_workshop.archive.load import import_archive
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.db import write_session
from ctg_workshop.storage.models import Item, Participant, Topic, Vote, Workshop


@pytest.fixture
def example_engine(engine, example_archive):
    with write_session(engine) as session:
        import_archive(session=session, data=example_archive)
        import_archive(session=session, data=example_archive, as_code="OTHER1")
    return engine


def _ids(session, code, item_key="i1", participant_key="p5"):
    workshop = session.scalar(select(Workshop).where(Workshop.code == code))
    item = session.scalar(select(Item).where(Item.workshop_id == workshop.id, Item.key == item_key))
    participant = session.scalar(
        select(Participant).where(Participant.workshop_id == workshop.id, Participant.key == participant_key)
    )
    return workshop, item, participant


def _refused(engine, change):
    with pytest.raises(DBAPIError), write_session(engine) as session:
        change(session)


def test_quadrant_and_phase_values(example_engine):
    # Raw SQL: the model's enum type would refuse these before the database could.
    _refused(example_engine, lambda s: s.execute(text("UPDATE item SET quadrant = 'force' WHERE key = 'i1'")))
    _refused(example_engine, lambda s: s.execute(text("UPDATE workshop SET phase = 'fini'")))


def test_code_format(example_engine):
    for bad in ("arm2023", "AB", "ARM-2023", "ABCDEFGHIJKLM"):
        _refused(example_engine, lambda s, bad=bad: s.execute(update(Workshop).values(code=bad)))


def test_vote_budget_and_cap_bounds(example_engine):
    _refused(example_engine, lambda s: s.execute(update(Workshop).values(vote_budget=21)))
    _refused(example_engine, lambda s: s.execute(update(Workshop).values(max_dots_per_item=6)))


def test_topic_key_format(example_engine):
    _refused(example_engine, lambda s: s.execute(update(Topic).where(Topic.key == "avs").values(key="AVS")))


def test_item_text_length(example_engine):
    _refused(example_engine, lambda s: s.execute(update(Item).where(Item.key == "i1").values(text="")))
    _refused(example_engine, lambda s: s.execute(update(Item).where(Item.key == "i1").values(text="x" * 501)))


def _add_vote(session, code, item_key, participant_key, dots):
    workshop, item, participant = _ids(session, code, item_key, participant_key)
    session.add(Vote(workshop_id=workshop.id, item_id=item.id, participant_id=participant.id, dots=dots))
    session.flush()


def test_one_vote_row_per_participant_and_item(example_engine):
    _refused(example_engine, lambda s: _add_vote(s, "ARM2023", "i2", "p1", 1))  # p1 already voted on i2


def test_dots_bounds(example_engine):
    _refused(example_engine, lambda s: _add_vote(s, "ARM2023", "i1", "p5", 0))
    _refused(example_engine, lambda s: _add_vote(s, "ARM2023", "i1", "p5", 4))  # cap is 3


def test_budget_held_by_the_database_itself(example_engine):
    def overspend(session):
        _add_vote(session, "ARM2023", "i1", "p5", 3)
        _add_vote(session, "ARM2023", "i3", "p5", 3)  # 6 dots on topic avs, budget 5

    _refused(example_engine, overspend)


def test_no_vote_on_hidden_or_merged_item(example_engine):
    def hide_then_vote(session):
        session.execute(update(Item).where(Item.key == "i1").values(hidden=True))
        _add_vote(session, "ARM2023", "i1", "p5", 1)

    _refused(example_engine, hide_then_vote)


def test_vote_cannot_cross_workshops(example_engine):
    def cross(session):
        _, item, _ = _ids(session, "ARM2023", "i1")
        _, _, stranger = _ids(session, "OTHER1", participant_key="p5")
        owner = session.scalar(select(Workshop.id).where(Workshop.code == "ARM2023"))
        session.add(Vote(workshop_id=owner, item_id=item.id, participant_id=stranger.id, dots=1))
        session.flush()

    _refused(example_engine, cross)


def test_merge_stays_in_topic_and_quadrant(example_engine):
    def merge_across(session):
        _, strength, _ = _ids(session, "ARM2023", "i1")
        _, weakness, _ = _ids(session, "ARM2023", "i3")
        weakness.merged_into_id = strength.id
        session.flush()

    _refused(example_engine, merge_across)


def test_item_author_must_be_of_the_same_workshop(example_engine):
    def foreign_author(session):
        workshop, _, _ = _ids(session, "ARM2023")
        _, _, stranger = _ids(session, "OTHER1", participant_key="p5")
        topic = session.scalar(select(Topic).where(Topic.workshop_id == workshop.id))
        session.add(Item(workshop_id=workshop.id, key="x1", topic_id=topic.id, quadrant="strength",
                         text="texte", author_id=stranger.id, created_at=utc_now()))  # fmt: skip
        session.flush()

    _refused(example_engine, foreign_author)
