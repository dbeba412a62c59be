"""Fiches action edited field by field: each change is stored, normalised, and keeps its provenance."""

import pytest
from sqlalchemy import select

from ctg_workshop.archive.load import import_archive
from ctg_workshop.day.results import topic_ranking
from ctg_workshop.drafting import sheets
from ctg_workshop.errors import ConflictError, InvalidInputError, NotFoundError
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.lookups import workshop_by_code
from ctg_workshop.storage.models import ActionSheet, Item


def workshop_id(engine) -> int:
    with read_session(engine) as session:
        return workshop_by_code(session=session, code="ARMDEMO").id


def sheet(engine, topic="avs") -> sheets.SheetData:
    with read_session(engine) as session:
        return sheets.get_sheet(session=session, workshop_id=workshop_id(engine), topic_key=topic)


def act(engine, action, topic="avs", **kwargs):
    with write_session(engine) as session:
        return action(session=session, workshop_id=workshop_id(engine), topic_key=topic, **kwargs)


@pytest.fixture
def demo(engine, demo_archive):
    """The demo workshop on both databases (SQLite and PostgreSQL)."""
    with write_session(engine) as session:
        import_archive(session=session, data=demo_archive)
    return engine


def test_each_edit_is_stored_and_read_back_in_a_new_session(demo):
    act(demo, sheets.update_text, field="title", value="  Vivre ensemble\r\ndans les quartiers ")
    act(demo, sheets.update_lines, field="partners", lines=["La CAF", "", "  Le CCAS  "])
    stored = sheet(demo)
    assert stored.title == "Vivre ensemble\ndans les quartiers"
    assert stored.partners == ("La CAF", "Le CCAS")
    # The other parts are untouched.
    assert stored.lead == "Chargé de Coopération CTG"
    assert len(stored.operational_objectives) == 4


def test_text_over_2000_characters_is_refused_and_nothing_changes(demo_engine):
    before = sheet(demo_engine)
    with pytest.raises(InvalidInputError, match="2000 au plus"):
        act(demo_engine, sheets.update_text, field="target_public", value="x" * 2001)
    with pytest.raises(InvalidInputError, match="Indicateurs"):
        act(demo_engine, sheets.update_lines, field="indicators", lines=["ok", "y" * 2001])
    assert sheet(demo_engine) == before


def test_control_characters_are_removed(demo_engine):
    act(demo_engine, sheets.update_text, field="schedule", value="Janvier\x00 2024\vdécembre 2026")
    assert sheet(demo_engine).schedule == "Janvier 2024\ndécembre 2026"


def test_unknown_topic_field_or_missing_sheet_are_refused(demo_engine):
    with pytest.raises(NotFoundError, match="« nope »"):
        act(demo_engine, sheets.update_text, topic="nope", field="title", value="x")
    with pytest.raises(InvalidInputError, match="inconnu"):
        act(demo_engine, sheets.update_text, field="provenance", value="x")
    act(demo_engine, sheets.delete_sheet)
    with pytest.raises(NotFoundError, match="Aucune fiche action"):
        act(demo_engine, sheets.update_text, field="title", value="x")
    act(demo_engine, sheets.create_sheet)
    with pytest.raises(ConflictError):
        act(demo_engine, sheets.create_sheet)
    assert sheet(demo_engine).title == "Animation de la Vie Sociale"


def with_provenance(engine, provenance: dict) -> None:
    with write_session(engine) as session:
        row = session.scalar(select(ActionSheet).where(ActionSheet.workshop_id == workshop_id(engine)))
        row.provenance = provenance
    return None


def first_sheet_topic(engine) -> str:
    with read_session(engine) as session:
        return next(iter(sheets.list_sheets(session=session, workshop_id=workshop_id(engine))))


def test_provenance_follows_lines_that_move_and_leaves_deleted_ones(demo_engine):
    topic = first_sheet_topic(demo_engine)
    lines = list(sheet(demo_engine, topic).implementation)
    with_provenance(
        demo_engine, {"implementation[0]": ["i1"], "implementation[1]": ["i2"], "partners[0]": ["i9"]}
    )
    # Swap the first two lines and delete the third: provenance follows the text.
    act(
        demo_engine,
        sheets.update_lines,
        topic=topic,
        field="implementation",
        lines=[lines[1], lines[0], *lines[3:]],
    )
    assert sheet(demo_engine, topic).provenance == {
        "implementation[0]": ("i2",),
        "implementation[1]": ("i1",),
        "partners[0]": ("i9",),
    }
    # Rewording a line in place (same number of lines) keeps its source.
    reworded = list(sheet(demo_engine, topic).implementation)
    reworded[0] = "Une autre formulation"
    act(demo_engine, sheets.update_lines, topic=topic, field="implementation", lines=reworded)
    assert sheet(demo_engine, topic).sources("implementation[0]") == ("i2",)


def test_objectives_are_added_edited_moved_and_deleted_with_their_provenance(demo_engine):
    topic = first_sheet_topic(demo_engine)
    with_provenance(
        demo_engine,
        {
            "operational_objectives[0]": ["i1"],
            "operational_objectives[1]": ["i2", "i24"],
            "operational_objectives[1].points[0]": ["i24"],
        },
    )
    headings = [o.heading for o in sheet(demo_engine, topic).operational_objectives]
    act(demo_engine, sheets.move_objective, topic=topic, index=1, offset=-1)
    moved = sheet(demo_engine, topic)
    assert [o.heading for o in moved.operational_objectives][:2] == [headings[1], headings[0]]
    assert moved.sources("operational_objectives[0]") == ("i2", "i24")
    assert moved.sources("operational_objectives[0].points[0]") == ("i24",)
    assert moved.sources("operational_objectives[1]") == ("i1",)

    act(
        demo_engine,
        sheets.update_objective,
        topic=topic,
        index=0,
        heading=" Titre modifié ",
        points=["a", "b"],
    )
    edited = sheet(demo_engine, topic).operational_objectives[0]
    assert edited == sheets.Objective("Titre modifié", ("a", "b"))

    act(demo_engine, sheets.add_objective, topic=topic)
    assert sheet(demo_engine, topic).operational_objectives[-1] == sheets.Objective("", ())

    act(demo_engine, sheets.delete_objective, topic=topic, index=0)
    after = sheet(demo_engine, topic)
    assert after.operational_objectives[0].heading == headings[0]
    assert after.sources("operational_objectives[0]") == ("i1",)
    assert "operational_objectives[0].points[0]" not in after.provenance
    with pytest.raises(NotFoundError):
        act(demo_engine, sheets.delete_objective, topic=topic, index=99)


def test_split_lines_drops_list_markers_and_blank_lines():
    assert sheets.split_lines("- La CAF\n\n• Le CCAS\r\n➤ l'UTPAS\n   \nMission Locale ") == [
        "La CAF",
        "Le CCAS",
        "l'UTPAS",
        "Mission Locale",
    ]


def test_sources_leave_out_items_hidden_since_the_draft(demo_engine):
    wid = workshop_id(demo_engine)
    with read_session(demo_engine) as session:
        hidden = session.scalar(select(Item.key).where(Item.workshop_id == wid, Item.hidden.is_(True)))
        topic_id, visible = session.execute(
            select(Item.topic_id, Item.key).where(Item.workshop_id == wid, Item.hidden.is_(False)).limit(1)
        ).one()
        ranking = topic_ranking(session=session, workshop_id=wid, topic_id=topic_id)
    data = sheets.SheetData(topic_key="x", provenance={"implementation[0]": (visible, hidden)})
    resolved = sheets.provenance_sources(data, ranking)["implementation[0]"]
    assert [s.key for s in resolved] == [visible]
