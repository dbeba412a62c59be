"""Migration 0005: texts stored under the old rules are normalised under the new ones, and nothing
a partner wrote or voted is lost — not even when two texts now read the same.

The texts are written straight into the tables (as a release before the new rules let them
in: a right-to-left override, 498 line breaks), the database is taken back to revision 0002,
then opened as the app opens it. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ctg_workshop.archive.dump import export_archive
from ctg_workshop.archive.load import import_archive
from ctg_workshop.storage.db import open_database, read_session, write_session
from ctg_workshop.storage.models import (
    ActionSheet,
    DiagnosticLine,
    Item,
    ItemRevision,
    Participant,
    Theme,
    Topic,
    Vote,
    Workshop,
)
from tests.test_migrations import _differences, _migrate

RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"
T0 = dt.datetime(2026, 11, 15, 9, 0)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


def _participant(session, workshop: Workshop, key: str, organisation: str, name: str | None = None):
    participant = Participant(
        workshop_id=workshop.id,
        key=key,
        token=f"{key}-jeton-de-test-0123456789",
        name=name,
        organisation=organisation,
        created_at=T0,
    )
    session.add(participant)
    session.flush()
    return participant


def _item(session, workshop: Workshop, topic: Topic, key: str, text: str, author: Participant) -> Item:
    item = Item(
        workshop_id=workshop.id,
        key=key,
        topic_id=topic.id,
        quadrant="strength",
        text=text,
        author_id=author.id,
        created_at=T0,
    )
    session.add(item)
    session.flush()
    return item


def _write_old_texts(engine, demo_archive: bytes) -> dict[str, int]:
    """The demo, plus texts a release before 0005 accepted; returns ids to look at afterwards."""
    with write_session(engine) as session:
        workshop = import_archive(session=session, data=demo_archive)
        workshop.title = f"Journée {RLO}participative"
        topic = workshop.topics[0]
        topic.summary = RLO
        topic.objectives = ["Objectif\n\n\n\nen deux lignes", f"{LRI}{PDI}", "Tel quel"]
        author = _participant(session, workshop, "pold1", f"CAF{RLO} du Nord", name=RLO)
        voter = _participant(session, workshop, "pold2", LRI)
        twin_a = _item(session, workshop, topic, "iold1", f"Idée {RLO}anodine", author)
        twin_b = _item(session, workshop, topic, "iold2", "Idée anodine", author)
        tall = _item(session, workshop, topic, "iold3", "a" + "\n" * 498 + "b", author)
        blank = _item(session, workshop, topic, "iold4", f"{RLO}{PDI}", author)
        session.add(
            ItemRevision(
                item_id=tall.id, previous_text=f"avant{RLO}", changed_by="participant", changed_at=T0
            )
        )
        session.add_all(
            Vote(workshop_id=workshop.id, participant_id=voter.id, item_id=item.id, dots=1)
            for item in (twin_a, twin_b, blank)
        )
        labels = [t.label for t in workshop.themes]
        workshop.themes = []
        session.flush()
        workshop.themes = [
            Theme(position=i, label=label)
            for i, label in enumerate(
                [labels[0], f"{labels[0]}{RLO}", RLO, f"{labels[1].upper()}", *labels[1:]]
            )
        ]
        session.add(
            DiagnosticLine(
                workshop_id=workshop.id,
                position=99,
                section="Le territoire",
                label=f"Habitants{RLO}",
                value="24\u202a882",
                note=f"{LRI} ",
            )
        )
        sheet = session.scalar(select(ActionSheet).where(ActionSheet.topic_id == topic.id))
        sheet.lead = f"Chargé{RLO} de coopération"
        sheet.partners = ["La CAF\n\n\n\ndu Nord", RLO]
        sheet.operational_objectives = [{"heading": f"Titre{RLO}", "points": ["un\n\n\n\ndeux"]}]
        session.flush()
        return {
            "workshop": workshop.id,
            "topic": topic.id,
            "author": author.id,
            "voter": voter.id,
            "twin_a": twin_a.id,
            "twin_b": twin_b.id,
            "tall": tall.id,
            "blank": blank.id,
        }


def _totals(engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            "items": session.scalar(select(func.count()).select_from(Item)),
            "votes": session.scalar(select(func.count()).select_from(Vote)),
            "dots": session.scalar(select(func.sum(Vote.dots))),
            "participants": session.scalar(select(func.count()).select_from(Participant)),
        }


def test_old_texts_are_normalised_and_nothing_is_lost(database_url: str, demo_archive: bytes) -> None:
    engine = open_database(database_url)
    try:
        ids = _write_old_texts(engine, demo_archive)
        _migrate(engine, "0002", down=True)
        before = _totals(engine)
    finally:
        engine.dispose()

    engine = open_database(database_url)  # what the app does: upgrade to head
    try:
        assert _differences(engine) == []
        assert _totals(engine) == before  # no item, vote nor participant lost
        with read_session(engine) as session:
            item = lambda name: session.get_one(Item, ids[name])  # noqa: E731
            # Two items of one author that now read the same stay two, with their votes.
            assert item("twin_a").text == item("twin_b").text == "Idée anodine"
            voted = set(session.scalars(select(Vote.item_id).where(Vote.participant_id == ids["voter"])))
            assert voted == {ids["twin_a"], ids["twin_b"], ids["blank"]}
            assert item("tall").text == "a\n\nb"
            assert item("blank").text == "(contribution sans texte lisible)"
            revision = session.scalar(
                select(ItemRevision.previous_text).where(ItemRevision.item_id == ids["tall"])
            )
            assert revision == "avant"
            author = session.get_one(Participant, ids["author"])
            assert (author.name, author.organisation) == (None, "CAF du Nord")
            assert session.get_one(Participant, ids["voter"]).organisation == "(organisation sans nom)"
            assert not author.entered_by_facilitator
            workshop = session.get_one(Workshop, ids["workshop"])
            assert workshop.title == "Journée participative"
            # Written: Petite Enfance, Petite Enfance+RLO, RLO, ENFANCE, Enfance, Jeunesse, Parentalité.
            # A theme reading like an earlier one (case aside) and the empty one are removed.
            assert [t.label for t in workshop.themes] == [
                "Petite Enfance",
                "ENFANCE",
                "Jeunesse",
                "Parentalité",
            ]
            assert [t.position for t in workshop.themes] == [0, 1, 2, 3]
            topic = session.get_one(Topic, ids["topic"])
            assert topic.summary is None
            assert topic.objectives == ["Objectif\n\nen deux lignes", "Tel quel"]
            line = session.scalar(select(DiagnosticLine).where(DiagnosticLine.position == 99))
            assert (line.label, line.value, line.note) == ("Habitants", "24882", None)
            sheet = session.scalar(select(ActionSheet).where(ActionSheet.topic_id == ids["topic"]))
            assert sheet.lead == "Chargé de coopération"
            assert sheet.partners == ["La CAF\n\ndu Nord", ""]
            assert sheet.operational_objectives == [{"heading": "Titre", "points": ["un\n\ndeux"]}]
            archive = export_archive(session=session, code=workshop.code)
    finally:
        engine.dispose()
    _assert_importable(database_url, archive)


def _assert_importable(database_url: str, archive: bytes) -> None:
    """The migrated workshop's archive imports again (a backup taken after it is restorable)."""
    engine = open_database(database_url)
    try:
        with write_session(engine) as session:
            copy = import_archive(session=session, data=archive, as_code="COPIE0005")
            assert copy.code == "COPIE0005"
    finally:
        engine.dispose()
