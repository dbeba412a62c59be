"""RGPD: names purged after the event (organisations and contributions kept); one person's data."""

import json

import pytest
from sqlalchemy import func, select

from ctg_workshop.db import read_session, write_session
from ctg_workshop.errors import NotFoundError
from ctg_workshop.models import Item, Participant, Workshop
from ctg_workshop.privacy import participant_data_json, purge_names


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
