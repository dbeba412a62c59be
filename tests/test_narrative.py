"""The diagnostic's written analysis: saved per heading, with its history, in the archive."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ctg_workshop.archive.dump import export_archive
from ctg_workshop.archive.load import import_archive
from ctg_workshop.drafting.narrative import list_narrative, narrative_history, save_narrative
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import NarrativeSection, Workshop


@pytest.fixture
def workshop_id(engine, follow_up_archive) -> int:
    with write_session(engine) as session:
        return import_archive(session=session, data=follow_up_archive).id


def _save(engine, workshop_id, section, text):
    with write_session(engine) as session:
        return save_narrative(session=session, workshop_id=workshop_id, section=section, text=text)


def _sections(engine, workshop_id):
    with read_session(engine) as session:
        return list_narrative(session=session, workshop_id=workshop_id)


def test_the_example_s_analysis_is_listed_in_the_diagnostic_s_order(engine, workshop_id):
    analyses = _sections(engine, workshop_id)
    assert [a.section for a in analyses][:2] == ["Le territoire", "La population allocataire"]
    territory = analyses[0]
    assert territory.paragraphs[0].startswith("Armentières est une commune")
    assert len(territory.paragraphs) >= 3


def test_saving_keeps_the_history_and_an_empty_text_removes_the_analysis(engine, workshop_id):
    _save(engine, workshop_id, "Le territoire", "  Premier jet.\r\n\r\n\r\n\r\nSecond\tparagraphe. ")
    saved = _sections(engine, workshop_id)[0]
    assert saved.text == "Premier jet.\n\nSecond paragraphe."
    assert saved.paragraphs == ["Premier jet.", "Second paragraphe."]
    _save(engine, workshop_id, "Le territoire", "Premier jet.\n\nSecond paragraphe.")  # the same: no revision
    _save(engine, workshop_id, "Le territoire", "")
    assert _sections(engine, workshop_id)[0].text == ""
    with read_session(engine) as session:
        history = narrative_history(session=session, workshop_id=workshop_id, section="Le territoire")
    assert [r.text for r in history] == [None, "Premier jet.\n\nSecond paragraphe."]


def test_a_heading_of_its_own_comes_after_the_diagnostic_s_sections(engine, workshop_id):
    _save(engine, workshop_id, "Synthèse", "Les enjeux **transversaux**.")
    analyses = _sections(engine, workshop_id)
    assert analyses[-1].section == "Synthèse"
    assert analyses[-1].text == "Les enjeux **transversaux**."  # literal, never markup
    with read_session(engine) as session:
        code = session.get(Workshop, workshop_id).code
        exported = json.loads(export_archive(session=session, code=code))
    assert exported["workshop"]["narrative"][-1] == {
        "section": "Synthèse",
        "text": "Les enjeux **transversaux**.",
    }


def test_too_long_an_analysis_is_refused_and_changes_nothing(engine, workshop_id):
    with pytest.raises(InvalidInputError, match="20000 au plus"):
        _save(engine, workshop_id, "Le territoire", "x" * 20_001)
    with read_session(engine) as session:
        texts = session.scalars(
            select(NarrativeSection.text).where(NarrativeSection.section == "Le territoire")
        )
        assert next(iter(texts)).startswith("Armentières est une commune")
