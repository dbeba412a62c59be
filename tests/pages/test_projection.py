"""Projection, as the room sees it: opened by its link, counters, no totals during the vote, results after."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, delete, func, select, update
from streamlit.testing.v1 import AppTest

from ctg_workshop.access import ensure_view_token
from ctg_workshop.storage.db import open_database, read_session, write_session
from ctg_workshop.storage.models import Item, Participant, Phase, Topic, Vote, Workshop

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "projection.py")
HIDDEN = "Le parking de la mairie"
TOTAL = re.compile(r"\*\*\d+ points?\*\*")  # how the projection writes an item's total


@pytest.fixture
def db(app_demo_database: str) -> Iterator[Engine]:
    engine = open_database(app_demo_database)
    yield engine
    engine.dispose()


@pytest.fixture
def token(db: Engine) -> str:
    with write_session(db) as session:
        workshop_id = session.scalar(select(Workshop.id).where(Workshop.code == "ARMDEMO"))
        return ensure_view_token(session=session, workshop_id=workshop_id)


def set_phase(engine: Engine, phase: Phase) -> None:
    with write_session(engine) as session:
        session.execute(update(Workshop).values(phase=phase.value))
    st.cache_data.clear()  # the page caches its aggregates for a few seconds


def projection(token: str | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    if token is not None:
        at.query_params["vue"] = token
    return at.run()


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    return "\n".join(parts)


def charts(at: AppTest) -> list:
    """The ranking charts (the counts per topic and quadrant are a chart too, without dots)."""
    return [c for c in at.get("vega_lite_chart") if '"points"' in c.proto.spec]


def test_without_link_says_what_to_open(db):
    at = projection(None)
    assert not at.exception
    assert "lien de projection" in at.info[0].value


def test_unknown_link_refused(db, token):
    at = projection("x" * 22)
    assert not at.exception
    assert "inconnu" in at.error[0].value
    assert not at.metric


def test_counters_and_no_totals_during_vote(db, token):
    at = projection(token)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    with read_session(db) as session:
        voters = session.scalar(select(func.count(Vote.participant_id.distinct())))
    assert metrics == {
        "Participants": "25",
        "Contributions": "87",
        "Ont déjà voté": str(voters),
    }
    text = all_text(at)
    assert "ARMDEMO" in text and "les résultats s'afficheront à la clôture" in text
    assert HIDDEN not in text
    assert not TOTAL.search(text)  # no totals anywhere
    assert not charts(at)
    with read_session(db) as session:
        topic_ids = session.scalars(select(Topic.id)).all()
    for topic_id in topic_ids:
        at.segmented_control(key="projection_topic").set_value(topic_id).run()
        assert not TOTAL.search(all_text(at)) and not charts(at)
    assert at.get("image"), "the QR code"


def test_matrix_of_a_chosen_topic(db, token):
    at = projection(token)
    with read_session(db) as session:
        avs = session.scalar(select(Topic.id).where(Topic.key == "avs"))
    at.segmented_control(key="projection_topic").set_value(avs).run()
    assert not at.exception
    text = all_text(at)
    assert "Forces (5)" in text and "Faiblesses (5)" in text  # grouped and hidden items left out
    assert "+1 similaire" in text
    assert HIDDEN not in text


def test_collect_phase_shows_no_voters(db, token):
    set_phase(db, Phase.COLLECT)
    at = projection(token)
    labels = [m.label for m in at.metric]
    assert "Ont déjà voté" not in labels and "Votants" not in labels


def test_ranking_after_closed(db, token):
    set_phase(db, Phase.CLOSED)
    at = projection(token)
    assert not at.exception
    text = all_text(at)
    assert "Les trois priorités de chaque sujet" in text
    assert TOTAL.search(text)
    assert HIDDEN not in text
    with read_session(db) as session:
        topic_id = session.scalar(select(Topic.id).where(Topic.key == "parentalite"))
    at.segmented_control(key="projection_topic").set_value(topic_id).run()
    assert not at.exception
    assert len(charts(at)) == 1


def test_closed_priorities_number_tied_items_alike(db, token):
    """Two items with the same dots and voters share their number; the next one skips it."""
    with write_session(db) as session:
        workshop = session.scalars(select(Workshop).where(Workshop.code == "ARMDEMO")).one()
        topic_id = session.scalar(select(Topic.id).where(Topic.key == "avs"))
        items = session.scalars(
            select(Item.id).where(
                Item.topic_id == topic_id, Item.hidden.is_(False), Item.merged_into_id.is_(None)
            )
        ).all()[:3]
        first, second = session.scalars(
            select(Participant.id).where(Participant.workshop_id == workshop.id)
        ).all()[:2]
        topic_items = select(Item.id).where(Item.topic_id == topic_id)
        session.execute(delete(Vote).where(Vote.item_id.in_(topic_items)))
        for participant, item_id, dots in ((first, items[0], 2), (first, items[1], 2), (second, items[2], 1)):
            session.add(Vote(workshop_id=workshop.id, participant_id=participant, item_id=item_id, dots=dots))
    set_phase(db, Phase.CLOSED)
    at = projection(token)
    assert not at.exception
    avs = [m.value for m in at.markdown if m.value.count("1 ex æquo\\.") == 2]
    assert avs, all_text(at)
    assert all("3\\." in lines and "2\\." not in lines for lines in avs)
