"""Creating and preparing a workshop: template, archive, blank; settings, topics, themes."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from ctg_workshop.access import check_facilitator, verify_secret
from ctg_workshop.archive.dump import export_archive
from ctg_workshop.errors import ArchiveError, ConflictError, InvalidInputError
from ctg_workshop.identifiers import CODE_ALPHABET
from ctg_workshop.preparation.workshops import (
    TEMPLATE_BLANK,
    WorkshopSettings,
    add_topic,
    create_from_archive,
    create_workshop,
    default_settings,
    move_topic,
    remove_topic,
    set_themes,
    theme_labels,
    topic_list,
    update_settings,
    update_topic,
    workshop_settings,
)
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.lookups import workshop_by_code
from ctg_workshop.storage.models import Item, Workshop

SETTINGS = WorkshopSettings(
    title="  Journée participative CTG 2027  ",
    territory="Armentières",
    partner_body="Caisse d'Allocations Familiales du Nord",
    period_start=2027,
    period_end=2030,
    held_on=dt.date(2026, 11, 20),
)


def _create(engine, template="armentieres") -> int:
    with write_session(engine) as session:
        return create_workshop(
            session=session, settings=SETTINGS, passphrase="phrase-secrete", template=template
        ).id


def test_create_from_template(engine):
    workshop_id = _create(engine)
    with read_session(engine) as session:
        workshop = session.get(Workshop, workshop_id)
        assert workshop.title == "Journée participative CTG 2027"  # trimmed
        assert workshop.phase == "collect"
        assert set(workshop.code) <= set(CODE_ALPHABET) and len(workshop.code) == 6
        assert verify_secret("phrase-secrete", workshop.facilitator_secret_hash)
        assert workshop.view_token and len(workshop.view_token) >= 22
        assert [t.label for t in workshop.themes] == ["Petite Enfance", "Enfance", "Jeunesse", "Parentalité"]
        topics = topic_list(session=session, workshop_id=workshop_id)
        assert [t.key for t in topics] == ["avs", "enfant", "parentalite", "egalite"]
        assert topics[0].summary == "Une notion centrale : le « vivre ensemble »"
        assert len(topics[1].objectives) == 4
        code = workshop.code
    with write_session(engine) as session:
        assert (
            check_facilitator(session=session, code=code.lower(), passphrase="phrase-secrete") == workshop_id
        )


def test_create_blank_and_codes_differ(sqlite_engine):
    first, second = _create(sqlite_engine, TEMPLATE_BLANK), _create(sqlite_engine, TEMPLATE_BLANK)
    with read_session(sqlite_engine) as session:
        assert session.get(Workshop, first).code != session.get(Workshop, second).code
        assert [t.title for t in topic_list(session=session, workshop_id=first)] == ["Sujet d'étude 1"]
        assert theme_labels(session=session, workshop_id=first) == []


def test_code_collision_retries(sqlite_engine, monkeypatch):
    from ctg_workshop.preparation import workshops as setup

    _create(sqlite_engine)
    with read_session(sqlite_engine) as session:
        taken = session.scalar(select(Workshop.code))
    codes = iter([taken, taken, "NEWC0DE2"[:6].replace("0", "9")])
    monkeypatch.setattr(setup, "generate_workshop_code", lambda: next(codes))
    workshop_id = _create(sqlite_engine)
    with read_session(sqlite_engine) as session:
        assert session.get(Workshop, workshop_id).code == "NEWC9D"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "   "}, "Titre"),
        ({"period_start": 2031}, "Période"),
        ({"period_end": 3000}, "Fin de la période"),
        ({"vote_budget": 0}, "Points par sujet"),
        ({"vote_budget": 21}, "Points par sujet"),
        ({"max_dots_per_item": 6}, "Points au plus"),
    ],
)
def test_invalid_settings(sqlite_engine, change, message):
    with pytest.raises(InvalidInputError, match=message), write_session(sqlite_engine) as session:
        create_workshop(
            session=session, settings=dataclasses.replace(SETTINGS, **change), passphrase="phrase-secrete"
        )


def test_update_settings(demo_engine):
    with write_session(demo_engine) as session:
        workshop_id = workshop_by_code(session=session, code="ARMDEMO").id
        settings = workshop_settings(session=session, workshop_id=workshop_id)
        update_settings(
            session=session,
            workshop_id=workshop_id,
            settings=dataclasses.replace(
                settings, title="Nouveau titre", show_organisations=False, vote_budget=6
            ),
        )
    with read_session(demo_engine) as session:
        after = workshop_settings(session=session, workshop_id=workshop_id)
        assert (after.title, after.show_organisations, after.vote_budget) == ("Nouveau titre", False, 6)
    # The demo has participants who spent 5 dots on a topic and 3 on an item.
    with pytest.raises(InvalidInputError, match="budget"), write_session(demo_engine) as session:
        update_settings(
            session=session,
            workshop_id=workshop_id,
            settings=dataclasses.replace(after, vote_budget=2, max_dots_per_item=2),
        )


def test_topics_add_rename_reorder_remove(sqlite_engine):
    workshop_id = _create(sqlite_engine)
    with write_session(sqlite_engine) as session:
        new_id = add_topic(
            session=session,
            workshop_id=workshop_id,
            title="Égalité des chances",
            summary="",
            objectives=["Un objectif", "  ", "Un autre"],
        )
        topics = topic_list(session=session, workshop_id=workshop_id)
        assert topics[-1].key == "egalite-des-chances" or topics[-1].key.startswith("egalite-des-chances")
        assert topics[-1].objectives == ("Un objectif", "Un autre") and topics[-1].summary is None
        # Same title again: a distinct key.
        again = add_topic(session=session, workshop_id=workshop_id, title="Égalité des chances")
        keys = [t.key for t in topic_list(session=session, workshop_id=workshop_id)]
        assert len(set(keys)) == len(keys)
        update_topic(
            session=session,
            workshop_id=workshop_id,
            topic_id=new_id,
            title="Accès aux droits",
            summary="Résumé",
            objectives=[],
        )
        move_topic(session=session, workshop_id=workshop_id, topic_id=new_id, offset=-1)
        move_topic(session=session, workshop_id=workshop_id, topic_id=new_id, offset=-1)
        titles = [t.title for t in topic_list(session=session, workshop_id=workshop_id)]
        assert titles[2] == "Accès aux droits"
        first = topic_list(session=session, workshop_id=workshop_id)[0].id
        move_topic(session=session, workshop_id=workshop_id, topic_id=first, offset=-1)  # already first
        assert topic_list(session=session, workshop_id=workshop_id)[0].id == first
        remove_topic(session=session, workshop_id=workshop_id, topic_id=again)
        assert again not in [t.id for t in topic_list(session=session, workshop_id=workshop_id)]


def test_topic_with_items_cannot_be_removed(demo_engine):
    with write_session(demo_engine) as session:
        workshop_id = workshop_by_code(session=session, code="ARMDEMO").id
        topic = topic_list(session=session, workshop_id=workshop_id)[0]
        assert topic.items > 0
        with pytest.raises(ConflictError, match="contient déjà"):
            remove_topic(session=session, workshop_id=workshop_id, topic_id=topic.id)
    with read_session(demo_engine) as session:
        assert session.scalar(select(Item.id).where(Item.topic_id == topic.id)) is not None


def test_last_topic_stays(sqlite_engine):
    workshop_id = _create(sqlite_engine, TEMPLATE_BLANK)
    with write_session(sqlite_engine) as session:
        only = topic_list(session=session, workshop_id=workshop_id)[0]
        with pytest.raises(ConflictError, match="au moins un sujet"):
            remove_topic(session=session, workshop_id=workshop_id, topic_id=only.id)


def test_themes(engine):
    workshop_id = _create(engine)
    with write_session(engine) as session:
        assert set_themes(
            session=session, workshop_id=workshop_id, labels=["Jeunesse", "", " Enfance ", "Accès aux droits"]
        ) == [
            "Jeunesse",
            "Enfance",
            "Accès aux droits",
        ]
    with read_session(engine) as session:
        assert theme_labels(session=session, workshop_id=workshop_id) == [
            "Jeunesse",
            "Enfance",
            "Accès aux droits",
        ]
    with pytest.raises(InvalidInputError, match="double"), write_session(engine) as session:
        set_themes(session=session, workshop_id=workshop_id, labels=["Enfance", "enfance"])


def test_create_from_archive(demo_engine, demo_archive):
    with write_session(demo_engine) as session:
        workshop = create_from_archive(session=session, data=demo_archive, passphrase="phrase-secrete")
        assert workshop.code != "ARMDEMO"
        assert verify_secret("phrase-secrete", workshop.facilitator_secret_hash) and workshop.view_token
        code = workshop.code
    with read_session(demo_engine) as session:
        # Same content under a new code.
        original = export_archive(session=session, code="ARMDEMO", exported_at=dt.datetime(2026, 1, 1))
        copy = export_archive(session=session, code=code, exported_at=dt.datetime(2026, 1, 1))
        assert copy.replace(code.encode(), b"ARMDEMO") == original
    with pytest.raises(ConflictError, match="nouveau code"), write_session(demo_engine) as session:
        create_from_archive(session=session, data=demo_archive, passphrase="phrase-secrete", keep_code=True)
    with pytest.raises(ArchiveError), write_session(demo_engine) as session:
        create_from_archive(session=session, data=b"{}", passphrase="phrase-secrete")


def test_default_settings():
    settings = default_settings(today=dt.date(2026, 5, 1))
    assert (settings.period_start, settings.period_end, settings.territory) == (2026, 2029, "Armentières")
