"""RGPD: names purged after the event (organisations and contributions kept); one person's data."""

import json

import pytest
from sqlalchemy import func, select

from ctg_workshop.errors import NotFoundError
from ctg_workshop.privacy import erase_name, participant_data_json, personal_data, purge_names
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, Participant, Workshop
from ctg_workshop.text import folded


def _workshop_id(session):
    return session.scalar(select(Workshop.id).where(Workshop.code == "ARMDEMO"))


def test_purge_names_keeps_organisations_and_contributions(demo_engine):
    with read_session(demo_engine) as session:
        named = session.scalar(select(func.count()).where(Participant.name.is_not(None)))
        items = session.scalar(select(func.count()).select_from(Item))
    assert named >= 3
    with write_session(demo_engine) as session:
        assert purge_names(session=session, workshop_id=_workshop_id(session)) == named
    with read_session(demo_engine) as session:
        assert session.scalar(select(func.count()).where(Participant.name.is_not(None))) == 0
        assert session.scalar(select(func.count()).select_from(Item)) == items
        assert "CAF du Nord" in session.scalars(select(Participant.organisation)).all()


def test_one_participants_data_by_key_or_token(demo_engine):
    with read_session(demo_engine) as session:
        participant = session.scalar(select(Participant).where(Participant.name == "Nadia B."))
        workshop_id = _workshop_id(session)
        by_key = json.loads(
            participant_data_json(session=session, workshop_id=workshop_id, reference=participant.key)
        )
        by_token = json.loads(
            participant_data_json(session=session, workshop_id=workshop_id, reference=participant.token)
        )
        own_items = session.scalar(select(func.count()).where(Item.author_id == participant.id))
    assert by_key == by_token
    assert by_key["participant"]["nom"] == "Nadia B."
    assert len(by_key["contributions"]) == own_items
    assert all({"sujet", "points", "contribution"} == set(v) for v in by_key["votes"])


def test_unknown_participant_refused(demo_engine):
    with pytest.raises(NotFoundError, match="Aucun participant"), read_session(demo_engine) as session:
        participant_data_json(session=session, workshop_id=_workshop_id(session), reference="nobody")


def test_the_register_lists_each_participant_once_with_or_without_name(demo_engine):
    with read_session(demo_engine) as session:
        workshop_id = _workshop_id(session)
        register = personal_data(session=session, workshop_id=workshop_id)
        count = session.scalar(select(func.count()).select_from(Participant))
        named = session.scalar(select(func.count()).where(Participant.name.is_not(None)))
    assert len(register.participants) == count
    assert register.named == named
    assert len({entry.key for entry in register.participants}) == count
    nadia = next(entry for entry in register.participants if entry.name == "Nadia B.")
    assert nadia.label.startswith(f"{nadia.organisation} — Nadia B. (inscription du ")
    organisations = [folded(entry.organisation) for entry in register.participants]
    assert organisations == sorted(organisations)


def test_one_name_erased_on_request_and_nothing_else(demo_engine):
    with read_session(demo_engine) as session:
        participant = session.scalar(select(Participant).where(Participant.name == "Nadia B."))
        key, organisation, workshop_id = participant.key, participant.organisation, _workshop_id(session)
        named = session.scalar(select(func.count()).where(Participant.name.is_not(None)))
    with write_session(demo_engine) as session:
        assert erase_name(session=session, workshop_id=workshop_id, reference=key) is True
    with write_session(demo_engine) as session:
        assert erase_name(session=session, workshop_id=workshop_id, reference=key) is False
        with pytest.raises(NotFoundError):
            erase_name(session=session, workshop_id=workshop_id, reference="personne")
    with read_session(demo_engine) as session:
        participant = session.scalar(select(Participant).where(Participant.key == key))
        assert participant.name is None and participant.organisation == organisation
        assert session.scalar(select(func.count()).where(Participant.name.is_not(None))) == named - 1
