"""Writing a workshop archive (`shared/spec/archive-format.md`): the same content, the same bytes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.archive.format import FORMAT_NAME, SUPPORTED_VERSIONS, format_timestamp
from ctg_workshop.follow_up.numbers import milli_to_json
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.lookups import workshop_by_code
from ctg_workshop.storage.models import (
    ActionProgress,
    ActionSheet,
    Indicator,
    Item,
    Meeting,
    NarrativeSection,
    Vote,
    Workshop,
)


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
            "narrative": [
                {"section": n.section, "text": n.text}
                for n in session.scalars(
                    select(NarrativeSection)
                    .where(NarrativeSection.workshop_id == workshop.id)
                    .order_by(NarrativeSection.position)
                )
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
            "follow_up": _follow_up_document(session, workshop, topic_keys),
        },
    }


def _follow_up_document(session: Session, workshop: Workshop, topic_keys: dict[int, str]) -> dict[str, Any]:
    indicators = session.scalars(
        select(Indicator).where(Indicator.workshop_id == workshop.id).order_by(Indicator.position)
    ).all()
    topic_order = {topic_id: position for position, topic_id in enumerate(topic_keys)}
    progress = sorted(
        session.scalars(select(ActionProgress).where(ActionProgress.workshop_id == workshop.id)),
        key=lambda p: (topic_order[p.topic_id], p.year),
    )
    meetings = session.scalars(
        select(Meeting).where(Meeting.workshop_id == workshop.id).order_by(Meeting.held_on, Meeting.key)
    ).all()
    return {
        "signed_on": workshop.signed_on.isoformat() if workshop.signed_on else None,
        "indicators": [_indicator_document(i, topic_keys[i.topic_id]) for i in indicators],
        "progress": [
            {"topic": topic_keys[p.topic_id], "year": p.year, "status": p.status.value, "note": p.note}
            for p in progress
        ],
        "meetings": [
            {
                "key": m.key,
                "kind": m.kind.value,
                "held_on": m.held_on.isoformat(),
                "attendees": list(m.attendees),
                "decisions": list(m.decisions),
            }
            for m in meetings
        ],
    }


def _year_value(year: int | None, milli: int | None) -> dict[str, Any] | None:
    return None if year is None or milli is None else {"year": year, "value": milli_to_json(milli)}


def _indicator_document(indicator: Indicator, topic_key: str) -> dict[str, Any]:
    return {
        "key": indicator.key,
        "topic": topic_key,
        "label": indicator.label,
        "unit": indicator.unit,
        "baseline": _year_value(indicator.baseline_year, indicator.baseline_value_milli),
        "target": _year_value(indicator.target_year, indicator.target_value_milli),
        "values": [
            {
                "year": v.year,
                "value": milli_to_json(v.value_milli),
                "reported_by": v.reported_by,
                "comment": v.comment,
            }
            for v in indicator.values
        ],
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
