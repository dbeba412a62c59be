"""The partner's screen, read at once: the workshop, who the device's tokens name, the topic asked
for (or the first), and that topic's cards for the phase — the same as the separate reads give."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event

from ctg_workshop.day.ballot import ALL_QUADRANTS, MY_DOTS, closed_results, vote_page
from ctg_workshop.day.contributions import topic_items_for_participant
from ctg_workshop.day.partner_screen import PartnerScreen, partner_screen
from ctg_workshop.errors import NotFoundError
from ctg_workshop.identifiers import new_token
from ctg_workshop.storage.db import read_session
from ctg_workshop.storage.models import Phase
from tests.test_participation import CODE, join, set_phase, write


def screen(engine: Engine, **request) -> PartnerScreen:
    with read_session(engine) as session:
        return partner_screen(session=session, code=request.pop("code", CODE), **request)


def test_no_token_names_nobody_and_the_first_topic_is_shown(demo_engine):
    set_phase(demo_engine, Phase.COLLECT)
    shown = screen(demo_engine, tokens=[new_token(), "not a token"], topic_keys=[None, "nope"])
    assert shown.identity is None
    assert shown.topic == shown.workshop.topics[0]
    assert (shown.items, shown.vote, shown.results) == (None, None, None)  # the join form


def test_the_first_token_of_the_workshop_wins(demo_engine, demo_archive):
    set_phase(demo_engine, Phase.COLLECT)
    first, second = join(demo_engine, "Centre social"), join(demo_engine, "CAF du Nord")
    shown = screen(demo_engine, tokens=[new_token(), second.token, first.token])
    assert shown.identity == second


def test_a_token_of_another_workshop_names_nobody_here(demo_engine, demo_archive):
    from ctg_workshop.archive.load import import_archive
    from ctg_workshop.storage.db import write_session

    with write_session(demo_engine) as session:
        import_archive(session=session, data=demo_archive, as_code="AUTRE1")
    set_phase(demo_engine, Phase.COLLECT, code="AUTRE1")
    elsewhere = join(demo_engine, "Centre social", code="AUTRE1")
    assert screen(demo_engine, tokens=[elsewhere.token]).identity is None
    assert screen(demo_engine, code="autre 1", tokens=[elsewhere.token]).identity == elsewhere


def test_collect_gives_the_topics_items_as_the_quadrants_read_them(demo_engine):
    set_phase(demo_engine, Phase.COLLECT)
    me = join(demo_engine)
    write(demo_engine, me, "Un lieu ressource", topic="enfant")
    shown = screen(demo_engine, tokens=[me.token], topic_keys=["enfant"])
    assert shown.topic.key == "enfant"
    with read_session(demo_engine) as session:
        alone = topic_items_for_participant(
            session=session, participant_id=me.participant_id, topic_key="enfant"
        )
    assert shown.items == alone
    assert [item.text for item in shown.items.own] == ["Un lieu ressource"]


def test_the_vote_shows_the_view_and_page_asked_for_the_topic(demo_engine):
    set_phase(demo_engine, Phase.VOTE)
    me = join(demo_engine)
    asked = screen(
        demo_engine,
        tokens=[me.token],
        topic_keys=["avs"],
        vote_views={"avs": "strength", "enfant": MY_DOTS},
        vote_pages={("avs", "strength"): 1, ("avs", MY_DOTS): 3},
    )
    with read_session(demo_engine) as session:
        alone = vote_page(
            session=session, participant_id=me.participant_id, topic_key="avs", view="strength", page=1
        )
    assert asked.vote == alone
    unknown = screen(demo_engine, tokens=[me.token], topic_keys=["avs"], vote_views={"avs": "everything"})
    assert unknown.vote is not None and unknown.vote.view == ALL_QUADRANTS and unknown.vote.page == 0


def test_closed_gives_the_ranking_with_or_without_a_participant(demo_engine):
    set_phase(demo_engine, Phase.CLOSED)
    with read_session(demo_engine) as session:
        workshop_id = screen(demo_engine).workshop.id
        ranking = tuple(closed_results(session=session, workshop_id=workshop_id, topic_key="avs"))
    assert ranking
    assert screen(demo_engine, topic_keys=["avs"]).results == ranking
    assert screen(demo_engine, topic_keys=["avs"]).identity is None


def test_an_unknown_code_is_refused_in_french(demo_engine):
    with pytest.raises(NotFoundError, match="Aucun atelier ne porte le code « ZZZZZZ »"):
        screen(demo_engine, code="zzzzzz")


@pytest.mark.parametrize("phase", [Phase.COLLECT, Phase.VOTE, Phase.CLOSED])
def test_the_screen_reads_the_workshop_once(demo_engine, phase):
    """One look-up of the workshop by its code; the topics, the identity and the cards follow."""
    set_phase(demo_engine, Phase.COLLECT)
    me = join(demo_engine)
    set_phase(demo_engine, phase)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()).lower())

    event.listen(demo_engine, "before_cursor_execute", record)
    try:
        shown = screen(demo_engine, tokens=[me.token], topic_keys=["avs"])
    finally:
        event.remove(demo_engine, "before_cursor_execute", record)
    assert shown.identity == me
    assert len([s for s in statements if "from workshop" in s]) == 1, statements


def test_the_workshop_comes_with_its_topics_in_their_order(demo_engine):
    """One statement gives the workshop and its topics, in the order the facilitator set."""
    from sqlalchemy import select

    from ctg_workshop.day.joining import find_workshop
    from ctg_workshop.storage.models import Topic, Workshop

    with read_session(demo_engine) as session:
        found = find_workshop(session=session, code=CODE.lower())
        keys = session.scalars(
            select(Topic.key)
            .join(Workshop, Workshop.id == Topic.workshop_id)
            .where(Workshop.code == CODE)
            .order_by(Topic.position)
        ).all()
    assert [topic.key for topic in found.topics] == keys and len(keys) > 1
    assert found.code == CODE and found.vote_budget > 0


def test_a_workshop_without_topics_is_refused_in_french(demo_engine):
    from sqlalchemy import delete

    from ctg_workshop.storage.db import write_session
    from ctg_workshop.storage.models import Topic

    with write_session(demo_engine) as session:
        session.execute(delete(Topic))
    with pytest.raises(NotFoundError, match="aucun sujet d'étude"):
        screen(demo_engine)
