"""Everything page « Suivre » and the annual report show, read at once: per fiche its status by
year and its indicators (baseline, each year, target, how far along), the meetings, the
reporting links and who has not reported for a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.follow_up.history import reporters_by_year
from ctg_workshop.follow_up.reporting import LinkInfo, list_links
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import (
    ActionProgress,
    ActionSheet,
    Indicator,
    IndicatorValue,
    Meeting,
    MeetingKind,
    ProgressStatus,
    Topic,
)


@dataclass(frozen=True)
class YearFigure:
    value_milli: int
    reported_by: str | None
    comment: str | None


@dataclass(frozen=True)
class IndicatorRow:
    id: int
    key: str
    label: str
    unit: str | None
    baseline_year: int | None
    baseline_milli: int | None
    target_year: int | None
    target_milli: int | None
    values: dict[int, YearFigure]

    def latest(self, up_to: int | None = None) -> tuple[int, YearFigure] | None:
        years = [y for y in sorted(self.values) if up_to is None or y <= up_to]
        return (years[-1], self.values[years[-1]]) if years else None

    def progress_share(self, up_to: int | None = None) -> float | None:
        """How far from the baseline to the target the latest figure is (0 to 1, may exceed 1)."""
        latest = self.latest(up_to)
        if latest is None or self.target_milli is None:
            return None
        start = self.baseline_milli or 0
        if self.target_milli == start:
            return 1.0 if latest[1].value_milli == start else None
        return (latest[1].value_milli - start) / (self.target_milli - start)


@dataclass(frozen=True)
class YearStatus:
    status: ProgressStatus
    note: str | None


@dataclass(frozen=True)
class FicheFollowUp:
    topic_id: int
    topic_key: str
    title: str
    has_sheet: bool
    sheet_indicator_lines: int
    statuses: dict[int, YearStatus]
    indicators: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class MeetingRow:
    id: int
    kind: MeetingKind
    held_on: dt.date
    attendees: tuple[str, ...]
    decisions: tuple[str, ...]


@dataclass(frozen=True)
class FollowUpOverview:
    workshop_id: int
    code: str
    title: str
    territory: str
    partner_body: str
    period_start: int
    period_end: int
    signed_on: dt.date | None
    fiches: tuple[FicheFollowUp, ...]
    meetings: tuple[MeetingRow, ...]
    links: tuple[LinkInfo, ...]
    reporters_by_year: dict[int, frozenset[str]]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.period_start, self.period_end + 1))

    def missing_reports(self, year: int) -> list[str]:
        """The organisations with a live reporting link that sent nothing for `year`."""
        reported = {name.casefold() for name in self.reporters_by_year.get(year, frozenset())}
        return [link.organisation for link in self.links if link.organisation.casefold() not in reported]

    def meetings_of(self, year: int) -> list[MeetingRow]:
        return [m for m in self.meetings if m.held_on.year == year]


def follow_up_overview(*, session: Session, workshop_id: int) -> FollowUpOverview:
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    topics = session.scalars(
        select(Topic).where(Topic.workshop_id == workshop_id).order_by(Topic.position)
    ).all()
    indicators = session.scalars(
        select(Indicator).where(Indicator.workshop_id == workshop_id).order_by(Indicator.position)
    ).all()
    values = session.scalars(
        select(IndicatorValue).join(Indicator).where(Indicator.workshop_id == workshop_id)
    ).all()
    progress = session.scalars(select(ActionProgress).where(ActionProgress.workshop_id == workshop_id)).all()
    sheets = {
        s.topic_id: s
        for s in session.scalars(select(ActionSheet).where(ActionSheet.workshop_id == workshop_id))
    }
    meetings = session.scalars(
        select(Meeting).where(Meeting.workshop_id == workshop_id).order_by(Meeting.held_on, Meeting.key)
    ).all()
    return FollowUpOverview(
        workshop_id=workshop.id,
        code=workshop.code,
        title=workshop.title,
        territory=workshop.territory,
        partner_body=workshop.partner_body,
        period_start=workshop.period_start,
        period_end=workshop.period_end,
        signed_on=workshop.signed_on,
        fiches=tuple(_fiche(t, sheets.get(t.id), indicators, values, progress) for t in topics),
        meetings=tuple(
            MeetingRow(m.id, m.kind, m.held_on, tuple(m.attendees), tuple(m.decisions)) for m in meetings
        ),
        links=tuple(list_links(session=session, workshop_id=workshop_id)),
        reporters_by_year=reporters_by_year(session=session, workshop_id=workshop_id),
    )


def _fiche(topic, sheet, indicators, values, progress) -> FicheFollowUp:
    by_indicator: dict[int, dict[int, YearFigure]] = {}
    for v in values:
        by_indicator.setdefault(v.indicator_id, {})[v.year] = YearFigure(
            v.value_milli, v.reported_by, v.comment
        )
    return FicheFollowUp(
        topic_id=topic.id,
        topic_key=topic.key,
        title=topic.title,
        has_sheet=sheet is not None,
        sheet_indicator_lines=len([line for line in sheet.indicators if line.strip()]) if sheet else 0,
        statuses={p.year: YearStatus(p.status, p.note) for p in progress if p.topic_id == topic.id},
        indicators=tuple(
            IndicatorRow(
                i.id,
                i.key,
                i.label,
                i.unit,
                i.baseline_year,
                i.baseline_value_milli,
                i.target_year,
                i.target_value_milli,
                dict(sorted(by_indicator.get(i.id, {}).items())),
            )
            for i in indicators
            if i.topic_id == topic.id
        ),
    )
