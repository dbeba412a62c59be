"""Duplicate suggestions that understand French; merges that move votes; un-merges."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ctg_workshop.day.grouping import (
    Candidate,
    dissolve_group,
    matching_text,
    merge_items,
    reject_suggestion,
    similarity,
    suggest_duplicates,
    suggest_pairs,
    topic_groups,
    unmerge_item,
)
from ctg_workshop.day.results import topic_ranking
from ctg_workshop.day.voting import set_dots
from ctg_workshop.errors import ConflictError, InvalidInputError
from ctg_workshop.identifiers import new_key, new_token
from ctg_workshop.preparation.workshops import WorkshopSettings, create_workshop
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, Participant, Phase, Topic, Vote, Workshop

# Same topic and quadrant; pairs written the way partners write them.
MUST_FIND = [
    ("Manque de places en crèche", "Pas assez de places dans les crèches"),
    (
        "Des crèches privées trop chères pour les familles",
        "Les familles trouvent les crèches privées trop chères",
    ),
    (
        "Difficultés de transport le soir pour les jeunes",
        "Les jeunes ont des difficultés de transports le soir",
    ),
    ("Déscolarisation précoce de certains enfants", "Descolarisation precoce des enfants"),
    ("Les locaux associatifs sont vétustes", "Local associatif vétuste"),
    ("Rapport écoles / familles difficile", "Un rapport difficile entre familles et école"),
    (
        "Un maillage associatif important qui offre de multiples possibilités d'accueil et d'écoute",
        "Maillage associatif tres important, beaucoup de lieux d'accueil et d'ecoute",
    ),
    (
        "Une lecture difficile des dispositifs pour les publics les plus isolés",
        "Dispositifs difficiles à lire pour les publics isolés",
    ),
    (
        "Les contrats Adultes Relais pour aller vers les publics",
        "Contrat Adulte Relais : un levier pour l'aller-vers",
    ),
    (
        "Des demandes de garde nombreuses qui ne peuvent pas toutes être honorées",
        "Demandes de gardes trop nombreuses, toutes ne sont pas honorées",
    ),
]
MUST_NOT_FIND = [
    ("Manque de places en crèche", "Manque de places en accueil de loisirs le mercredi"),
    ("Manque de coordination entre partenaires", "Manque de transports entre les quartiers"),
    ("Transports", "Les jeunes ont des difficultés de transports le soir"),
    ("Des horaires d'accueil peu adaptés aux emplois décalés", "Peu de solutions de garde en urgence"),
    (
        "La fracture numérique éloigne les habitants de leurs droits",
        "Une défiance des habitants envers les institutions",
    ),
    (
        "Le non-recours aux droits des personnes isolées",
        "L'isolement de certains jeunes et de leurs familles",
    ),
    ("Manque de places en crèche", "Manque de personnel en crèche"),
    ("Manque de places en crèche", "Manque de personnel qualifié dans les crèches"),
    ("Difficultés d'accès aux droits", "Difficultés d'accès aux loisirs"),
    ("Peu de solutions de garde en urgence", "Peu de solutions de transport pour les jeunes"),
]


def test_matching_text_reduces_french():
    assert matching_text("Des crèches TROP chères, l'été !") == "creche chere"
    assert matching_text("Les locaux sociaux et les bureaux") == "local social bureau"
    assert matching_text("les des et") == ""


@pytest.mark.parametrize(("first", "second"), MUST_FIND)
def test_duplicates_found(first, second):
    assert similarity(first, second) >= 65, (first, second)


@pytest.mark.parametrize(("first", "second"), MUST_NOT_FIND)
def test_different_items_not_suggested(first, second):
    assert similarity(first, second) < 65, (first, second)


def test_suggest_pairs_on_a_quadrant():
    texts = [text for pair in MUST_FIND + MUST_NOT_FIND for text in pair]
    texts = list(dict.fromkeys(texts))
    candidates = [Candidate(i, text, 0, (i,)) for i, text in enumerate(texts)]
    found = {(texts[a.id], texts[b.id]) for a, b, _ in suggest_pairs(candidates)}
    found |= {(b, a) for a, b in found}
    for pair in MUST_FIND:
        assert pair in found
    for pair in MUST_NOT_FIND:
        assert pair not in found
    rejected = frozenset({(0, 1)})
    assert all({a.id, b.id} != {0, 1} for a, b, _ in suggest_pairs(candidates, rejected=rejected))


# --------------------------------------------------------------------------- database


def _workshop(session, *, budget: int = 5, cap: int = 3) -> int:
    settings = WorkshopSettings(
        "Atelier", "Ville", "CAF", 2026, 2029, vote_budget=budget, max_dots_per_item=cap
    )
    workshop = create_workshop(
        session=session, settings=settings, passphrase="phrase-secrete", template="blank"
    )
    workshop.phase = Phase.VOTE.value
    return workshop.id


def _participant(session, workshop_id: int) -> int:
    p = Participant(
        workshop_id=workshop_id,
        key=new_key("p"),
        token=new_token(),
        organisation="CCAS",
        created_at=dt.datetime(2026, 1, 1),
    )
    session.add(p)
    session.flush()
    return p.id


def _item(session, workshop_id: int, text: str, quadrant: str = "weakness", minute: int = 0) -> int:
    topic_id = session.scalar(select(Topic.id).where(Topic.workshop_id == workshop_id))
    item = Item(
        workshop_id=workshop_id,
        key=new_key("i"),
        topic_id=topic_id,
        quadrant=quadrant,
        text=text,
        created_at=dt.datetime(2026, 1, 1, 9, minute),
    )
    session.add(item)
    session.flush()
    return item.id


def _dots(session, item_id: int) -> dict[int, int]:
    return dict(session.execute(select(Vote.participant_id, Vote.dots).where(Vote.item_id == item_id)).all())


def test_suggestions_in_database(sqlite_engine):
    with write_session(sqlite_engine) as s:
        w = _workshop(s)
        a = _item(s, w, "Manque de places en crèche", minute=1)
        b = _item(s, w, "Pas assez de places dans les crèches", minute=2)
        _item(s, w, "Pas assez de places dans les crèches", quadrant="threat", minute=3)
        c = _item(s, w, "Manque de places en crèches !", minute=4)
        topic_id = s.scalar(select(Topic.id).where(Topic.workshop_id == w))
    with read_session(sqlite_engine) as s:
        suggestions = suggest_duplicates(session=s, workshop_id=w, topic_id=topic_id)
    pairs = {frozenset((x.keep_id, x.merge_id)) for x in suggestions}
    assert pairs == {frozenset((a, b)), frozenset((a, c)), frozenset((b, c))}  # never across quadrants
    # The older item stays representative.
    assert all(x.keep_id == a for x in suggestions if a in (x.keep_id, x.merge_id))
    with write_session(sqlite_engine) as s:
        reject_suggestion(session=s, workshop_id=w, first_id=c, second_id=a)
        reject_suggestion(session=s, workshop_id=w, first_id=a, second_id=c)  # twice is harmless
        merge_items(session=s, workshop_id=w, item_id=b, into_id=a)
    with read_session(sqlite_engine) as s:
        suggestions = suggest_duplicates(session=s, workshop_id=w, topic_id=topic_id)
        groups = topic_groups(session=s, workshop_id=w, topic_id=topic_id)
    # b is merged: only representatives are compared; (a, c) was rejected.
    assert suggestions == []
    group_a = next(g for g in groups if g.id == a)
    assert [m[0] for m in group_a.members] == [b]


def test_merge_moves_votes_and_keeps_budget(engine):
    with write_session(engine) as s:
        w = _workshop(s, budget=5, cap=3)
        rep = _item(s, w, "Manque de places en crèche", minute=1)
        dup = _item(s, w, "Pas assez de places en crèche", minute=2)
        other = _item(s, w, "Autre chose", minute=3)
        both, only_dup, only_rep = (_participant(s, w) for _ in range(3))
    with write_session(engine) as s:
        set_dots(session=s, participant_id=both, item_id=rep, dots=2)
        set_dots(session=s, participant_id=both, item_id=dup, dots=2)
        set_dots(session=s, participant_id=both, item_id=other, dots=1)
        set_dots(session=s, participant_id=only_dup, item_id=dup, dots=3)
        set_dots(session=s, participant_id=only_rep, item_id=rep, dots=1)
    with write_session(engine) as s:
        result = merge_items(session=s, workshop_id=w, item_id=dup, into_id=rep)
    assert (result.votes_moved, result.dots_returned) == (2, 1)
    with read_session(engine) as s:
        assert _dots(s, dup) == {}
        assert _dots(s, rep) == {both: 3, only_dup: 3, only_rep: 1}  # 2 + 2 capped at 3
        ranking = topic_ranking(session=s, workshop_id=w, topic_id=s.get(Item, rep).topic_id)
        assert (ranking[0].item_id, ranking[0].dots, ranking[0].voters) == (rep, 7, 3)
        assert [m.item_id for m in ranking[0].members] == [dup]
    # The returned dot can be spent again, and the budget still holds.
    with write_session(engine) as s:
        set_dots(session=s, participant_id=both, item_id=other, dots=2)


def test_merging_a_group_moves_its_members(sqlite_engine):
    with write_session(sqlite_engine) as s:
        w = _workshop(s)
        a, b, c = (_item(s, w, f"Texte {n}", minute=n) for n in range(3))
        merge_items(session=s, workshop_id=w, item_id=b, into_id=a)
        with pytest.raises(ConflictError, match="un niveau"):
            merge_items(session=s, workshop_id=w, item_id=c, into_id=b)
        result = merge_items(session=s, workshop_id=w, item_id=a, into_id=c)
        assert result.members_moved == 1
        assert {s.get(Item, a).merged_into_id, s.get(Item, b).merged_into_id} == {c}


def test_merge_refusals(sqlite_engine):
    with write_session(sqlite_engine) as s:
        w = _workshop(s)
        a = _item(s, w, "Un", minute=1)
        b = _item(s, w, "Deux", quadrant="threat", minute=2)
        with pytest.raises(InvalidInputError, match="même quadrant"):
            merge_items(session=s, workshop_id=w, item_id=b, into_id=a)
        with pytest.raises(InvalidInputError):
            merge_items(session=s, workshop_id=w, item_id=a, into_id=a)


def test_unmerge_and_dissolve(sqlite_engine):
    with write_session(sqlite_engine) as s:
        w = _workshop(s)
        a, b, c = (_item(s, w, f"Texte {n}", minute=n) for n in range(3))
        p = _participant(s, w)
    with write_session(sqlite_engine) as s:
        set_dots(session=s, participant_id=p, item_id=b, dots=2)
        merge_items(session=s, workshop_id=w, item_id=b, into_id=a)
        merge_items(session=s, workshop_id=w, item_id=c, into_id=a)
    with write_session(sqlite_engine) as s:
        unmerge_item(session=s, workshop_id=w, item_id=b)
        assert s.get(Item, b).merged_into_id is None
        # Votes stay on the representative.
        assert _dots(s, a) == {p: 2} and _dots(s, b) == {}
        with pytest.raises(ConflictError):
            unmerge_item(session=s, workshop_id=w, item_id=b)
        assert dissolve_group(session=s, workshop_id=w, representative_id=a) == 1
        count = s.scalar(select(func.count()).select_from(Item).where(Item.merged_into_id.is_not(None)))
        assert count == 0


def test_demo_suggestions_leave_existing_groups_alone(demo_engine):
    with read_session(demo_engine) as s:
        w = s.scalar(select(Workshop.id).where(Workshop.code == "ARMDEMO"))
        topics = s.scalars(select(Topic.id).where(Topic.workshop_id == w)).all()
        merged = set(s.scalars(select(Item.id).where(Item.merged_into_id.is_not(None))))
        hidden = set(s.scalars(select(Item.id).where(Item.hidden)))
        for topic_id in topics:
            for suggestion in suggest_duplicates(session=s, workshop_id=w, topic_id=topic_id):
                assert not {suggestion.keep_id, suggestion.merge_id} & (merged | hidden)
