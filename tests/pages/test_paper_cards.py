"""Animer › Cartes papier: the facilitator types a phoneless partner's card, items then dots."""

from __future__ import annotations

from sqlalchemy import Engine, select

from ctg_workshop.day.phases import change_phase
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, Participant, Phase, Vote
from tests.support.pages import demo_workshop_id, logged_in, page_path, run, shown

PAGE = page_path("animer")
ORGANISATION = "Club des aînés du Vieux Port"
CARD_TEXT = "Pas de bus le samedi pour venir au centre social"


def _phase(engine: Engine, phase: Phase) -> None:
    with write_session(engine) as session:
        change_phase(session=session, workshop_id=demo_workshop_id(engine), phase=phase, clear_votes=True)


def _paper_view(engine: Engine):
    at = logged_in(engine, PAGE)
    return run(at.segmented_control(key="animer_view").set_value("paper"))


def _new_card(at):
    run(at.selectbox(key="paper_author").set_value(-1))
    at.text_input(key="paper_new_organisation").input(ORGANISATION)
    at = run(next(b for b in at.button if b.label == "Créer la carte papier").click())
    assert "Carte papier créée" in at.success[0].value
    return at


def _card_author(engine: Engine) -> Participant:
    with read_session(engine) as session:
        return session.scalars(select(Participant).where(Participant.organisation == ORGANISATION)).one()


def test_new_card_items_typed_in_collect(facilitator_db):
    _phase(facilitator_db, Phase.COLLECT)
    at = _new_card(_paper_view(facilitator_db))
    author = _card_author(facilitator_db)
    assert author.entered_by_facilitator
    assert at.selectbox(key="paper_author").value == author.id  # the new card is selected
    assert "carte papier" in at.selectbox(key="paper_author").format_func(author.id)
    at.selectbox(key="paper_item_quadrant").set_value("weakness")
    at.text_area(key="paper_item_text").input(CARD_TEXT)
    at = run(next(b for b in at.button if b.label == "Ajouter la contribution").click())
    assert "Contribution ajoutée" in at.success[0].value
    with read_session(facilitator_db) as session:
        item = session.scalars(select(Item).where(Item.author_id == author.id)).one()
    assert (item.text, item.quadrant) == (CARD_TEXT, "weakness")
    assert CARD_TEXT in [t.value for t in at.text]  # listed under the card
    assert at.text_area(key="paper_item_text").value == ""  # a fresh form for the next item


def _place(at, item_id: int, dots: int):
    at.selectbox(key="paper_dots_item").set_value(item_id)
    at.number_input(key="paper_dots_number").set_value(dots)
    return run(next(b for b in at.button if b.label == "Enregistrer les points").click())


def test_card_dots_within_budget(facilitator_db):
    at = _new_card(_paper_view(facilitator_db))  # the demo workshop is in the vote phase
    author = _card_author(facilitator_db)
    assert "5 points restants sur 5" in " ".join(m.value for m in at.markdown)
    topic_id = at.selectbox(key="paper_topic").value
    with read_session(facilitator_db) as session:
        first, second = session.scalars(
            select(Item.id)
            .where(Item.hidden.is_(False), Item.merged_into_id.is_(None), Item.topic_id == topic_id)
            .order_by(Item.id)
            .limit(2)
        ).all()
    at = _place(at, first, 3)
    assert "3 sur cette contribution" in at.success[0].value
    assert "2 points restants sur 5" in " ".join(m.value for m in at.markdown)
    at = _place(at, second, 3)  # 6 > 5: refused, in French, nothing written
    assert at.error and "déjà tous placés" in shown(at.error[0].value)
    with read_session(facilitator_db) as session:
        votes = session.execute(select(Vote.item_id, Vote.dots).where(Vote.participant_id == author.id)).all()
    assert [tuple(v) for v in votes] == [(first, 3)]
    at = _place(at, first, 0)  # taken back
    with read_session(facilitator_db) as session:
        assert not session.scalars(select(Vote).where(Vote.participant_id == author.id)).all()
