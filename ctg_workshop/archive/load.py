"""Writing a workshop archive (`shared/spec/archive-format.md`, versions 1 and 2) into the database.

`read_archive` (`archive/read.py`) checks a file completely — its shape with the pydantic models
of `archive/schema.py`, then what ties fields together with `archive/rules.py` — and lists every
problem with its JSON path; `import_archive` writes a valid archive in the caller's
transaction (all or nothing).
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ctg_workshop.archive import schema
from ctg_workshop.archive.read import ArchiveContent, read_archive
from ctg_workshop.errors import ConflictError
from ctg_workshop.identifiers import check_code, new_token, utc_now
from ctg_workshop.storage.models import (
    ActionProgress,
    ActionSheet,
    DiagnosticLine,
    Indicator,
    IndicatorValue,
    Item,
    Meeting,
    NarrativeSection,
    Participant,
    Theme,
    Topic,
    Vote,
    Workshop,
)

__all__ = ["ArchiveContent", "import_archive", "read_archive"]


def import_archive(
    *, session: Session, data: bytes | str, replace: bool = False, as_code: str | None = None
) -> Workshop:
    """Check then write an archive in the caller's transaction; return the new workshop.

    An existing code is refused unless `replace` (the old workshop is deleted first) or
    `as_code` (the archive is written under that code instead).
    """
    content = read_archive(data)
    code = check_code(as_code) if as_code else content.workshop.code
    existing = session.scalar(select(Workshop.id).where(Workshop.code == code))
    if existing is not None:
        if not replace:
            raise ConflictError(
                f"Un atelier porte déjà le code « {code} ». Pour l'écraser, demandez le "
                "remplacement (--replace) ; pour garder les deux, importez sous un autre code "
                "(--as-code NOUVEAUCODE)."
            )
        session.execute(delete(Workshop).where(Workshop.id == existing))
    return _write(session, content.workshop, code)


_WORKSHOP_FIELDS = (
    "title",
    "territory",
    "partner_body",
    "period_start",
    "period_end",
    "held_on",
    "phase",
    "vote_budget",
    "max_dots_per_item",
)


def _write(session: Session, content: schema.WorkshopV2, code: str) -> Workshop:
    workshop = Workshop(
        code=code,
        created_at=utc_now(),
        signed_on=content.follow_up.signed_on,
        **{name: getattr(content, name) for name in _WORKSHOP_FIELDS},
    )
    workshop.themes = [Theme(position=i, label=label) for i, label in enumerate(content.themes)]
    workshop.diagnostic = [
        DiagnosticLine(position=i, **dict(line)) for i, line in enumerate(content.diagnostic)
    ]
    workshop.topics = [
        Topic(position=i, key=t.key, title=t.title, summary=t.summary, objectives=list(t.objectives))
        for i, t in enumerate(content.topics)
    ]
    session.add(workshop)
    session.flush()
    topics = {t.key: t for t in workshop.topics}
    participants = {
        p.key: Participant(
            workshop_id=workshop.id, token=new_token(), created_at=workshop.created_at, **dict(p)
        )
        for p in content.participants
    }
    session.add_all(participants.values())
    session.flush()
    items = _write_items(session, workshop, content.items, topics, participants)
    session.add_all(
        Vote(
            workshop_id=workshop.id,
            item_id=items[v.item].id,
            participant_id=participants[v.participant].id,
            dots=v.dots,
        )
        for v in content.votes
    )
    session.add_all(_sheet_row(workshop, topics[sheet.topic], sheet) for sheet in content.action_sheets)
    session.add_all(
        NarrativeSection(
            workshop_id=workshop.id,
            position=i,
            section=n.section,
            text=n.text,
            updated_at=workshop.created_at,
        )
        for i, n in enumerate(content.narrative)
    )
    _write_follow_up(session, workshop, content.follow_up, topics)
    session.flush()
    return workshop


def _sheet_row(workshop: Workshop, topic: Topic, sheet: schema.ActionSheet) -> ActionSheet:
    fields = sheet.model_dump(exclude={"topic", "operational_objectives"})
    return ActionSheet(
        workshop_id=workshop.id,
        topic_id=topic.id,
        updated_at=workshop.created_at,
        operational_objectives=[o.model_dump() for o in sheet.operational_objectives],
        **fields,
    )


def _write_items(
    session: Session,
    workshop: Workshop,
    items: list[schema.Item],
    topics: dict[str, Topic],
    participants: dict[str, Participant],
) -> dict[str, Item]:
    written = {
        item.key: Item(
            workshop_id=workshop.id,
            key=item.key,
            topic_id=topics[item.topic].id,
            quadrant=item.quadrant,
            text=item.text,
            author_id=participants[item.author].id if item.author else None,
            created_at=item.created_at,
            hidden=item.hidden,
        )
        for item in items
    }
    session.add_all(written.values())
    session.flush()
    # Groups point at items that now have ids.
    for item in items:
        if item.merged_into is not None:
            written[item.key].merged_into_id = written[item.merged_into].id
    session.flush()
    return written


def _write_follow_up(
    session: Session, workshop: Workshop, follow_up: schema.FollowUp, topics: dict[str, Topic]
) -> None:
    for position, indicator in enumerate(follow_up.indicators):
        session.add(_indicator_row(workshop, topics[indicator.topic], position, indicator))
    session.add_all(
        ActionProgress(
            workshop_id=workshop.id,
            topic_id=topics[p.topic].id,
            year=p.year,
            status=p.status,
            note=p.note,
            updated_at=workshop.created_at,
        )
        for p in follow_up.progress
    )
    session.add_all(
        Meeting(
            workshop_id=workshop.id,
            key=m.key,
            kind=m.kind,
            held_on=m.held_on,
            attendees=list(m.attendees),
            decisions=list(m.decisions),
        )
        for m in follow_up.meetings
    )


def _indicator_row(workshop: Workshop, topic: Topic, position: int, indicator: schema.Indicator) -> Indicator:
    baseline, target = indicator.baseline, indicator.target
    return Indicator(
        workshop_id=workshop.id,
        topic_id=topic.id,
        key=indicator.key,
        position=position,
        label=indicator.label,
        unit=indicator.unit,
        baseline_year=baseline.year if baseline else None,
        baseline_value_milli=baseline.value if baseline else None,
        target_year=target.year if target else None,
        target_value_milli=target.value if target else None,
        values=[
            IndicatorValue(
                year=v.year,
                value_milli=v.value,
                reported_by=v.reported_by,
                comment=v.comment,
                updated_at=workshop.created_at,
            )
            for v in indicator.values
        ],
    )
