"""Drafting a fiche action from the results: objectives from the top weaknesses and threats, levers from
the top strengths and opportunities, partners from the contributing organisations, with provenance."""

import datetime as dt

import pytest
from sqlalchemy import select

from ctg_workshop.day.results import GroupMember, RankedItem, topic_ranking
from ctg_workshop.drafting import sheets
from ctg_workshop.drafting.diagnostic import DiagnosticEntry, import_lines
from ctg_workshop.drafting.proposals import (
    DraftContext,
    contributing_organisations,
    draft_sheet,
    propose_sheet,
)
from ctg_workshop.errors import ConflictError
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.lookups import workshop_by_code
from ctg_workshop.storage.models import Item, Participant, Topic


def demo_ids(engine, topic_key="avs") -> tuple[int, int]:
    with read_session(engine) as session:
        workshop = workshop_by_code(session=session, code="ARMDEMO")
        topic = session.scalar(select(Topic).where(Topic.workshop_id == workshop.id, Topic.key == topic_key))
        return workshop.id, topic.id


def redraft(engine, topic_key="avs") -> sheets.SheetData:
    workshop_id, _ = demo_ids(engine, topic_key)
    with write_session(engine) as session:
        return draft_sheet(session=session, workshop_id=workshop_id, topic_key=topic_key, replace=True)


def ranking(engine, topic_key="avs") -> list[RankedItem]:
    workshop_id, topic_id = demo_ids(engine, topic_key)
    with read_session(engine) as session:
        return topic_ranking(session=session, workshop_id=workshop_id, topic_id=topic_id)


def test_top_weaknesses_and_threats_become_objectives_with_their_provenance(demo_engine):
    draft = redraft(demo_engine)
    problems = [i for i in ranking(demo_engine) if i.quadrant in ("weakness", "threat") and i.dots > 0][:4]
    assert len(draft.operational_objectives) == len(problems) == 4
    for index, (objective, item) in enumerate(zip(draft.operational_objectives, problems, strict=True)):
        verb = "Remédier au constat" if item.quadrant == "weakness" else "Prévenir le risque"
        assert objective.heading == f"{verb} : {item.text}"
        assert objective.points == tuple(m.text for m in item.members)
        assert draft.sources(f"operational_objectives[{index}]") == (item.key, *(m.key for m in item.members))
    # The most voted weakness of the demo comes first, with the duplicate merged under it.
    assert "disparités d'intervention des équipements" in draft.operational_objectives[0].heading
    assert draft.operational_objectives[0].points


def test_top_strengths_and_opportunities_become_levers(demo_engine):
    draft = redraft(demo_engine)
    items = ranking(demo_engine)
    strengths = [i for i in items if i.quadrant == "strength" and i.dots > 0][:3]
    opportunities = [i for i in items if i.quadrant == "opportunity" and i.dots > 0][:3]
    assert draft.implementation[0] == "Mise en place d'un groupe de travail dédié"
    assert draft.sources("implementation[0]") == ()
    levers = draft.implementation[1:]
    assert [draft.sources(f"implementation[{i + 1}]")[0] for i in range(len(levers))] == [
        i.key for i in [*strengths, *opportunities]
    ]
    assert levers[-1] == f"Saisir l'opportunité : {opportunities[-1].text}"
    assert all(lever.startswith(("S'appuyer sur", "Saisir l'opportunité")) for lever in levers)


def test_partners_are_the_organisations_that_wrote_on_the_topic(demo_engine):
    draft = redraft(demo_engine)
    _, topic_id = demo_ids(demo_engine)
    with read_session(demo_engine) as session:
        expected = set(
            session.scalars(
                select(Participant.organisation)
                .join(Item, Item.author_id == Participant.id)
                .where(Item.topic_id == topic_id, Item.hidden.is_(False))
            )
        )
        names = set(session.scalars(select(Participant.name).where(Participant.name.is_not(None))))
    assert set(draft.partners) == expected
    assert not names & set(draft.partners)
    for index, partner in enumerate(draft.partners):
        assert draft.sources(f"partners[{index}]"), partner


def test_indicators_are_suggested(demo_engine):
    draft = redraft(demo_engine)
    assert draft.indicators[0] == "Nombre de réunions du groupe de travail dédié"
    assert draft.indicators[1] == "Nombre d'actions engagées au titre de l'objectif 1"
    assert draft.sources("indicators[1]") == draft.sources("operational_objectives[0]")[:1]
    assert any(line.startswith("Taux de participation") for line in draft.indicators)
    assert draft.lead == "Chargé de Coopération CTG"
    assert "2023/2026" in draft.schedule


def test_coverage_rates_of_the_diagnostic_become_indicators(demo_engine):
    workshop_id, _ = demo_ids(demo_engine)
    with write_session(demo_engine) as session:
        import_lines(
            session=session,
            workshop_id=workshop_id,
            lines=[DiagnosticEntry("La Petite Enfance", "Taux de couverture en EAJE (crèches)", "18,4 %")],
        )
    draft = redraft(demo_engine)
    assert "Évolution : Taux de couverture en EAJE (crèches) (valeur de départ : 18,4 %)" in draft.indicators


def test_hidden_items_are_never_drafted(demo_engine):
    for topic in ("avs", "parentalite"):
        draft = redraft(demo_engine, topic)
        everything = " ".join(
            [
                *(o.heading for o in draft.operational_objectives),
                *(p for o in draft.operational_objectives for p in o.points),
                *draft.implementation,
                *draft.partners,
                *draft.indicators,
            ]
        )
        assert "parking de la mairie" not in everything
        assert "06 12 34 56 78" not in everything


def test_an_existing_sheet_is_never_overwritten_without_asking(demo_engine):
    workshop_id, _ = demo_ids(demo_engine)
    with read_session(demo_engine) as session:
        before = sheets.get_sheet(session=session, workshop_id=workshop_id, topic_key="avs")
    with pytest.raises(ConflictError, match="déjà sa fiche action"), write_session(demo_engine) as session:
        draft_sheet(session=session, workshop_id=workshop_id, topic_key="avs")
    with read_session(demo_engine) as session:
        assert sheets.get_sheet(session=session, workshop_id=workshop_id, topic_key="avs") == before
    assert redraft(demo_engine).implementation != before.implementation


def test_a_missing_sheet_is_drafted_and_then_edited(demo_engine):
    workshop_id, _ = demo_ids(demo_engine)
    with write_session(demo_engine) as session:
        sheets.delete_sheet(session=session, workshop_id=workshop_id, topic_key="egalite")
    with write_session(demo_engine) as session:
        draft_sheet(session=session, workshop_id=workshop_id, topic_key="egalite")
    with write_session(demo_engine) as session:
        sheets.update_text(
            session=session, workshop_id=workshop_id, topic_key="egalite", field="target_public", value="Tous"
        )
    with read_session(demo_engine) as session:
        stored = sheets.get_sheet(session=session, workshop_id=workshop_id, topic_key="egalite")
    assert stored.target_public == "Tous"
    assert stored.title == "Égalité des chances"
    assert stored.provenance


def item(key, quadrant, text, dots=0, organisation=None, members=()) -> RankedItem:
    return RankedItem(
        0, key, 1, quadrant, text, organisation, dt.datetime(2022, 11, 15), dots, min(dots, 1), tuple(members)
    )


CONTEXT = DraftContext("t", "Sujet", 2023, 2026, "CAF du Nord")


def test_before_any_vote_the_ranking_order_is_used():
    items = [
        item("a", "weakness", "Peu de places d'accueil", organisation="CCAS"),
        item("b", "strength", "Des lieux de confiance", organisation="CCAS"),
        item("c", "opportunity", "Mission Locale très présente", organisation="Mission Locale"),
        item(
            "d", "threat", "Le non-recours", members=[GroupMember(0, "e", "Non-recours aux droits", "UTPAS")]
        ),
    ]
    draft = propose_sheet(CONTEXT, items)
    assert [o.heading for o in draft.operational_objectives] == [
        "Remédier au constat : Peu de places d'accueil",
        "Prévenir le risque : Le non-recours",
    ]
    assert draft.operational_objectives[1].points == ("Non-recours aux droits",)
    assert draft.sources("operational_objectives[1].points[0]") == ("e",)
    assert draft.implementation[1:] == (
        "S'appuyer sur des lieux de confiance",
        "Saisir l'opportunité : Mission Locale très présente",
    )
    assert draft.partners == ("CCAS", "Mission Locale", "UTPAS")


def test_once_votes_exist_unvoted_items_are_left_out():
    items = [
        item("a", "weakness", "Voté", dots=3),
        item("b", "weakness", "Pas voté"),
        item("s", "strength", "X"),
    ]
    draft = propose_sheet(CONTEXT, items)
    assert [o.heading for o in draft.operational_objectives] == ["Remédier au constat : Voté"]
    assert draft.implementation == ("Mise en place d'un groupe de travail dédié",)


def test_contributing_organisations_count_merged_items():
    items = [
        item("a", "weakness", "x", organisation="CCAS", members=[GroupMember(0, "b", "y", "UTPAS")]),
        item("c", "strength", "z", organisation="UTPAS"),
        item("d", "strength", "w"),
    ]
    assert [(o.name, o.item_keys) for o in contributing_organisations(items)] == [
        ("UTPAS", ("b", "c")),
        ("CCAS", ("a",)),
    ]
