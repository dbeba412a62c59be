"""Writing a workshop archive (`shared/spec/archive-format.md`): the same content, the same bytes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.archive.format import FORMAT_NAME, SUPPORTED_VERSIONS, format_timestamp
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.lookups import workshop_by_code
from ctg_workshop.storage.models import ActionSheet, Item, Vote


def archive_document(
    *, session: Session, code: str, exported_at: dt.datetime | None = None
) -> dict[str, Any]:
    """The archive of workshop `code` as a JSON-ready dict, in the spec's key order."""
    workshop = workshop_by_code(session=session, code=code)
    topics = list(workshop.topics)
    topic_keys = {t.id: t.key for t in topics}
    participants = list(workshop.participants)
    participant_keys = {p.id: p.key for p in participants}
    items = session.scalars(select(Item).where(Item.workshop_id == workshop.id).order_by(Item.id)).all()
    item_keys = {i.id: i.key for i in items}
    votes = session.execute(
        select(Vote.item_id, Vote.participant_id, Vote.dots)
        .where(Vote.workshop_id == workshop.id)
        .order_by(Vote.item_id, Vote.participant_id)
    ).all()
    sheets = {
        s.topic_id: s
        for s in session.scalars(select(ActionSheet).where(ActionSheet.workshop_id == workshop.id))
    }
    return {
        "format": FORMAT_NAME,
        "version": SUPPORTED_VERSIONS[-1],
        "exported_at": format_timestamp(exported_at or utc_now()),
        "workshop": {
            "code": workshop.code,
            "title": workshop.title,
            "territory": workshop.territory,
            "partner_body": workshop.partner_body,
            "period_start": workshop.period_start,
            "period_end": workshop.period_end,
            "held_on": workshop.held_on.isoformat() if workshop.held_on else None,
            "phase": workshop.phase,
            "vote_budget": workshop.vote_budget,
            "max_dots_per_item": workshop.max_dots_per_item,
            "themes": [t.label for t in workshop.themes],
            "diagnostic": [
                {"section": d.section, "label": d.label, "value": d.value, "note": d.note}
                for d in workshop.diagnostic
            ],
            "topics": [
                {"key": t.key, "title": t.title, "summary": t.summary, "objectives": list(t.objectives)}
                for t in topics
            ],
            "participants": [
                {"key": p.key, "name": p.name, "organisation": p.organisation} for p in participants
            ],
            "items": [
                {
                    "key": i.key,
                    "topic": topic_keys[i.topic_id],
                    "quadrant": i.quadrant,
                    "text": i.text,
                    "author": participant_keys.get(i.author_id) if i.author_id else None,
                    "created_at": format_timestamp(i.created_at),
                    "hidden": i.hidden,
                    "merged_into": item_keys[i.merged_into_id] if i.merged_into_id else None,
                }
                for i in items
            ],
            "votes": [
                {"item": item_keys[item_id], "participant": participant_keys[participant_id], "dots": dots}
                for item_id, participant_id, dots in votes
            ],
            "action_sheets": [_sheet_document(sheets[t.id], t.key) for t in topics if t.id in sheets],
        },
    }


def _sheet_document(sheet: ActionSheet, topic_key: str) -> dict[str, Any]:
    return {
        "topic": topic_key,
        "title": sheet.title,
        "target_public": sheet.target_public,
        "operational_objectives": [
            {"heading": o["heading"], "points": list(o["points"])} for o in sheet.operational_objectives
        ],
        "implementation": list(sheet.implementation),
        "schedule": sheet.schedule,
        "lead": sheet.lead,
        "services": list(sheet.services),
        "expected_results": list(sheet.expected_results),
        "partners": list(sheet.partners),
        "indicators": list(sheet.indicators),
    }


def dump_archive(document: dict[str, Any]) -> bytes:
    """The archive's bytes: UTF-8, two-space indentation, a final newline."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_archive(*, session: Session, code: str, exported_at: dt.datetime | None = None) -> bytes:
    """The archive of workshop `code`: the same content always gives the same bytes."""
    return dump_archive(archive_document(session=session, code=code, exported_at=exported_at))
