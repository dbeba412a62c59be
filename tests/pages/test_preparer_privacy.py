"""Préparer, « Données personnelles »: a person's request (access, erasure of the name), then
every name purged after the day — organisations, contributions and votes stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from ctg_workshop.storage.db import read_session
from ctg_workshop.storage.models import Item, Participant, Vote
from tests.support.pages import logged_in, run

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "preparer.py")


@pytest.fixture
def db(facilitator_db: Engine) -> Engine:
    return facilitator_db


def _count(engine: Engine, *where) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(Participant).where(*where))


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_a_request_gives_the_persons_data_then_erases_their_name(db: Engine) -> None:
    with read_session(db) as session:
        nadia = session.scalar(select(Participant).where(Participant.name == "Nadia B."))
        key, organisation = nadia.key, nadia.organisation
    at = logged_in(db, PAGE)
    chooser = at.selectbox(key="privacy_participant")
    assert f"{organisation} — Nadia B. (inscription du " in chooser.format_func(key)
    at = run(chooser.select(key))
    download = next(d for d in at.get("download_button") if "ses données" in d.proto.label)
    assert download.proto.url.endswith(".json")  # its content: test_privacy.py, by the same key
    named = _count(db, Participant.name.is_not(None))
    at = run(_button(at, "Effacer son nom").click())
    assert _count(db, Participant.name.is_not(None)) == named - 1
    assert _count(db, Participant.key == key, Participant.organisation == organisation) == 1
    assert "Nom effacé" in at.success[0].value.replace("\\", "")


def test_every_name_purged_only_once_confirmed(db: Engine) -> None:
    with read_session(db) as session:
        items = session.scalar(select(func.count()).select_from(Item))
        votes = session.scalar(select(func.count()).select_from(Vote))
    assert _count(db, Participant.name.is_not(None)) >= 3
    at = logged_in(db, PAGE)
    assert _button(at, "Effacer tous les noms").disabled
    at = run(at.checkbox(key="privacy_confirm").check())
    at = run(_button(at, "Effacer tous les noms").click())
    assert _count(db, Participant.name.is_not(None)) == 0
    with read_session(db) as session:
        assert session.scalar(select(func.count()).select_from(Item)) == items
        assert session.scalar(select(func.count()).select_from(Vote)) == votes
    assert _button(at, "Effacer tous les noms").disabled
    assert at.checkbox(key="privacy_confirm").disabled
