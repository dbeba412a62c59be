"""Paper cards: the facilitator types a phoneless partner's items and dots, under the partners'
own rules (phase, budget, cap), and the card then counts like any other contribution."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select

from ctg_workshop.archive.dump import export_archive
from ctg_workshop.archive.load import import_archive
from ctg_workshop.day.paper import add_card_item, card_authors, new_card_author, set_card_dots
from ctg_workshop.day.phases import change_phase
from ctg_workshop.day.results import topic_ranking
from ctg_workshop.documents.data_export import export_contributions_csv
from ctg_workshop.errors import BudgetError, InvalidInputError, NotFoundError, PhaseError
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.lookups import topic_by_key, workshop_by_id
from ctg_workshop.storage.models import Participant, Phase

CARD_TEXT = "Pas de bus le samedi pour venir au centre social"


@pytest.fixture
def demo(engine: Engine, demo_archive: bytes) -> tuple[Engine, int]:
    """The demo workshop (two of its topics' budgets: 5 dots, 3 per item), back in collect."""
    with write_session(engine) as session:
        workshop = import_archive(session=session, data=demo_archive)
        change_phase(session=session, workshop_id=workshop.id, phase=Phase.COLLECT, clear_votes=True)
        return engine, workshop.id


def _phase(engine: Engine, workshop_id: int, phase: Phase) -> None:
    with write_session(engine) as session:
        change_phase(session=session, workshop_id=workshop_id, phase=phase)


def _first_topic(session, workshop_id: int) -> str:
    return workshop_by_id(session=session, workshop_id=workshop_id).topics[0].key


def _card(engine: Engine, workshop_id: int, organisation: str = "Association des parents d'élèves"):
    with write_session(engine) as session:
        return new_card_author(session=session, workshop_id=workshop_id, organisation=organisation)


def _type(engine: Engine, workshop_id: int, participant_id: int, text: str, quadrant: str = "weakness"):
    with write_session(engine) as session:
        topic = _first_topic(session, workshop_id)
        return add_card_item(
            session=session,
            workshop_id=workshop_id,
            participant_id=participant_id,
            topic_key=topic,
            quadrant=quadrant,
            text=text,
        )


def _dots(engine: Engine, workshop_id: int, participant_id: int, item_id: int, dots: int):
    with write_session(engine) as session:
        return set_card_dots(
            session=session,
            workshop_id=workshop_id,
            participant_id=participant_id,
            item_id=item_id,
            dots=dots,
        )


def test_a_paper_card_is_typed_in_and_marked(demo) -> None:
    engine, workshop_id = demo
    card = _card(engine, workshop_id, "  centre social   SALENGRO ")
    assert card.entered_by_facilitator and card.items == 0
    assert card.organisation == "Centre social Salengro"  # spelt like the known organisation
    item = _type(engine, workshop_id, card.participant_id, f" {CARD_TEXT}\t ")
    again = _type(engine, workshop_id, card.participant_id, CARD_TEXT)  # typed twice by mistake
    assert item.id == again.id and item.text == CARD_TEXT
    with read_session(engine) as session:
        authors = card_authors(session=session, workshop_id=workshop_id)
    assert authors[0].participant_id == card.participant_id  # paper cards first
    assert authors[0].items == 1
    assert authors[0].label == "Centre social Salengro — carte papier, 1 contribution"
    assert not any(a.entered_by_facilitator for a in authors[1:])


def test_a_card_for_a_participant_who_joined_by_phone(demo) -> None:
    engine, workshop_id = demo
    with read_session(engine) as session:
        phone = next(a for a in card_authors(session=session, workshop_id=workshop_id) if a.items)
    _type(engine, workshop_id, phone.participant_id, "Écrit sur papier, téléphone déchargé")
    with read_session(engine) as session:
        assert not session.get_one(Participant, phone.participant_id).entered_by_facilitator


def test_the_partners_rules_hold_for_cards(demo) -> None:
    engine, workshop_id = demo
    card = _card(engine, workshop_id)
    items = [_type(engine, workshop_id, card.participant_id, f"Idée {n}") for n in range(3)]
    with pytest.raises(PhaseError, match="Le vote n'est pas ouvert"):
        _dots(engine, workshop_id, card.participant_id, items[0].id, 1)
    _phase(engine, workshop_id, Phase.VOTE)
    with pytest.raises(PhaseError, match="recueil des contributions est terminé"):
        _type(engine, workshop_id, card.participant_id, "Trop tard")
    assert _dots(engine, workshop_id, card.participant_id, items[0].id, 3).remaining == 2
    with pytest.raises(BudgetError, match="3 points au plus"):
        _dots(engine, workshop_id, card.participant_id, items[1].id, 4)
    assert _dots(engine, workshop_id, card.participant_id, items[1].id, 2).remaining == 0
    with pytest.raises(BudgetError, match="déjà tous placés"):
        _dots(engine, workshop_id, card.participant_id, items[2].id, 1)
    assert _dots(engine, workshop_id, card.participant_id, items[1].id, 0).remaining == 2
    with pytest.raises(InvalidInputError):
        _dots(engine, workshop_id, card.participant_id, items[1].id, -1)


def test_a_card_stays_in_its_workshop(demo, demo_archive) -> None:
    engine, workshop_id = demo
    with write_session(engine) as session:
        other = import_archive(session=session, data=demo_archive, as_code="AUTRE1")
        stranger = session.scalars(select(Participant.id).where(Participant.workshop_id == other.id)).first()
    with pytest.raises(NotFoundError, match="n'existe pas dans cet atelier"):
        _type(engine, workshop_id, stranger, "Intrus")
    with pytest.raises(NotFoundError):
        _dots(engine, workshop_id, stranger, 1, 1)
    with pytest.raises(InvalidInputError, match="Organisation"), write_session(engine) as session:
        new_card_author(session=session, workshop_id=workshop_id, organisation="   ")


def test_a_card_counts_like_any_contribution(demo) -> None:
    engine, workshop_id = demo
    card = _card(engine, workshop_id)
    item = _type(engine, workshop_id, card.participant_id, CARD_TEXT)
    _phase(engine, workshop_id, Phase.VOTE)
    _dots(engine, workshop_id, card.participant_id, item.id, 3)
    _phase(engine, workshop_id, Phase.CLOSED)
    with read_session(engine) as session:
        topic = topic_by_key(
            session=session, workshop_id=workshop_id, topic_key=_first_topic(session, workshop_id)
        )
        ranked = topic_ranking(session=session, workshop_id=workshop_id, topic_id=topic.id)
        archive = json.loads(export_archive(session=session, code="ARMDEMO"))
        csv = export_contributions_csv(session=session, workshop_id=workshop_id).decode("utf-8-sig")
    line = next(r for r in ranked if r.text == CARD_TEXT)
    assert (line.dots, line.organisation) == (3, "Association des parents d'élèves")
    assert CARD_TEXT in csv
    participant = next(
        p for p in archive["workshop"]["participants"] if p["organisation"].startswith("Association")
    )
    assert set(participant) == {"key", "name", "organisation"}  # the format is fixed: no mark
    assert any(
        i["text"] == CARD_TEXT and i["author"] == participant["key"] for i in archive["workshop"]["items"]
    )
