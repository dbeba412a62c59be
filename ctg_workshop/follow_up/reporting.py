"""Partners report their figures without an account: a link per organisation (128 random bits,
like a participant's), revocable, limited to the fiches it reports for. On it the partner sees
only those fiches and their indicators for one year, types its figures, a comment, and where its
action stands; everything it sends is kept with its name and the time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.errors import InvalidInputError, NotFoundError
from ctg_workshop.follow_up.indicators import set_value
from ctg_workshop.follow_up.numbers import format_french, parse_french_number
from ctg_workshop.follow_up.progress import parse_status, set_progress
from ctg_workshop.identifiers import new_token, utc_now
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import (
    ActionProgress,
    Indicator,
    IndicatorValue,
    ProgressStatus,
    ReportingLink,
    Topic,
    Workshop,
)
from ctg_workshop.text import SHEET_TEXT_MAX, clean_optional_text, clean_text

LINK_GONE = "Ce lien de saisie n'est plus valable : demandez-en un nouveau à la coordination CTG."


@dataclass(frozen=True)
class LinkInfo:
    id: int
    organisation: str
    token: str
    topic_titles: tuple[str, ...]
    created_at: dt.datetime
    last_used_at: dt.datetime | None


# --------------------------------------------------------------------------- the coordinator's side


def create_link(
    *, session: Session, workshop_id: int, organisation: str, topic_keys: list[str]
) -> ReportingLink:
    """A new link for `organisation`, reporting for the fiches of `topic_keys`; an earlier link of
    the same organisation is revoked (one live link per organisation)."""
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    name = clean_text(organisation, field="Organisation")
    topics = session.scalars(
        select(Topic).where(Topic.workshop_id == workshop_id, Topic.key.in_(topic_keys))
    ).all()
    if not topics:
        raise InvalidInputError(
            "Choisissez au moins une fiche action pour laquelle cette organisation rend compte."
        )
    now = utc_now()
    for old in _live_links(session, workshop_id):
        if old.organisation.casefold() == name.casefold():
            old.revoked_at = now
    link = ReportingLink(
        workshop_id=workshop_id,
        organisation=name,
        token=new_token(),
        topic_ids=sorted(t.id for t in topics),
        created_at=now,
    )
    session.add(link)
    session.flush()
    return link


def revoke_link(*, session: Session, workshop_id: int, link_id: int) -> str:
    link = session.scalar(
        select(ReportingLink).where(ReportingLink.id == link_id, ReportingLink.workshop_id == workshop_id)
    )
    if link is None or link.revoked_at is not None:
        raise NotFoundError("Ce lien de saisie n'existe pas ou est déjà révoqué.")
    link.revoked_at = utc_now()
    session.flush()
    return link.organisation


def _live_links(session: Session, workshop_id: int) -> list[ReportingLink]:
    return list(
        session.scalars(
            select(ReportingLink)
            .where(ReportingLink.workshop_id == workshop_id, ReportingLink.revoked_at.is_(None))
            .order_by(ReportingLink.organisation, ReportingLink.id)
        )
    )


def list_links(*, session: Session, workshop_id: int) -> list[LinkInfo]:
    titles = dict(
        session.execute(select(Topic.id, Topic.title).where(Topic.workshop_id == workshop_id)).all()
    )
    return [
        LinkInfo(
            link.id,
            link.organisation,
            link.token,
            tuple(titles[t] for t in link.topic_ids if t in titles),
            link.created_at,
            link.last_used_at,
        )
        for link in _live_links(session, workshop_id)
    ]


# --------------------------------------------------------------------------- the partner's side


@dataclass(frozen=True)
class IndicatorEntry:
    id: int
    label: str
    unit: str | None
    figure: str  # the year's value in French, or "" when none yet
    comment: str
    reported_by: str | None
    target: str | None  # « 215 places (2026) »


@dataclass(frozen=True)
class FicheEntry:
    topic_key: str
    title: str
    status: ProgressStatus | None
    note: str
    indicators: tuple[IndicatorEntry, ...]


@dataclass(frozen=True)
class ReportingScreen:
    organisation: str
    territory: str
    workshop_title: str
    years: tuple[int, ...]
    year: int
    fiches: tuple[FicheEntry, ...]


def _link(session: Session, token: str, *, lock: bool = False) -> ReportingLink:
    query = select(ReportingLink).where(
        ReportingLink.token == token.strip(), ReportingLink.revoked_at.is_(None)
    )
    link = session.scalar(query.with_for_update() if lock else query) if token and token.strip() else None
    if link is None:
        raise NotFoundError(LINK_GONE)
    return link


def default_year(period_start: int, period_end: int, today: dt.date) -> int:
    """The year partners report for: last year, within the period."""
    return min(max(today.year - 1, period_start), period_end)


def reporting_screen(
    *, session: Session, token: str, year: int | None = None, today: dt.date | None = None
) -> ReportingScreen:
    """What the link's organisation sees for `year` (by default, last year): its fiches only."""
    link = _link(session, token)
    workshop = session.get(Workshop, link.workshop_id)
    years = tuple(range(workshop.period_start, workshop.period_end + 1))
    chosen = (
        year
        if year in years
        else default_year(workshop.period_start, workshop.period_end, today or dt.date.today())
    )
    topics = session.scalars(select(Topic).where(Topic.id.in_(link.topic_ids)).order_by(Topic.position)).all()
    return ReportingScreen(
        organisation=link.organisation,
        territory=workshop.territory,
        workshop_title=workshop.title,
        years=years,
        year=chosen,
        fiches=tuple(_fiche(session, topic, chosen) for topic in topics),
    )


def _fiche(session: Session, topic: Topic, year: int) -> FicheEntry:
    progress = session.scalar(
        select(ActionProgress).where(ActionProgress.topic_id == topic.id, ActionProgress.year == year)
    )
    indicators = session.scalars(
        select(Indicator).where(Indicator.topic_id == topic.id).order_by(Indicator.position)
    ).all()
    values = {
        v.indicator_id: v
        for v in session.scalars(
            select(IndicatorValue).where(
                IndicatorValue.indicator_id.in_([i.id for i in indicators]), IndicatorValue.year == year
            )
        )
    }
    return FicheEntry(
        topic_key=topic.key,
        title=topic.title,
        status=progress.status if progress else None,
        note=(progress.note or "") if progress else "",
        indicators=tuple(_entry(i, values.get(i.id)) for i in indicators),
    )


def _entry(indicator: Indicator, value: IndicatorValue | None) -> IndicatorEntry:
    target = None
    if indicator.target_value_milli is not None:
        target = f"{format_french(indicator.target_value_milli, indicator.unit)} ({indicator.target_year})"
    return IndicatorEntry(
        id=indicator.id,
        label=indicator.label,
        unit=indicator.unit,
        figure=format_french(value.value_milli) if value else "",
        comment=(value.comment or "") if value else "",
        reported_by=value.reported_by if value else None,
        target=target,
    )


@dataclass(frozen=True)
class FicheReport:
    status: str | None = None
    note: str | None = None


def submit_report(
    *,
    session: Session,
    token: str,
    year: int,
    figures: Mapping[int, str],
    comments: Mapping[int, str] | None = None,
    fiches: Mapping[str, FicheReport] | None = None,
) -> int:
    """Save what a partner typed for `year`: all or nothing, every problem named by its indicator.
    A blank figure leaves the indicator as it was. Returns how many things were saved."""
    link = _link(session, token, lock=True)
    workshop = session.get(Workshop, link.workshop_id)
    if not workshop.period_start <= year <= workshop.period_end:
        raise InvalidInputError(f"L'année {year} est hors de la période de la convention.")
    allowed = _allowed_indicators(session, link)
    comments = comments or {}
    problems = _check_figures(allowed, figures, comments)
    if problems:
        raise InvalidInputError("Rien n'a été enregistré. " + " ".join(problems))
    saved = 0
    for indicator_id, typed in figures.items():
        if typed and typed.strip():
            set_value(
                session=session,
                workshop_id=link.workshop_id,
                indicator_id=indicator_id,
                year=year,
                figure=typed,
                comment=comments.get(indicator_id),
                reported_by=link.organisation,
            )
            saved += 1
    saved += _save_fiches(session, link, year, fiches or {})
    link.last_used_at = utc_now()
    session.flush()
    return saved


def _allowed_indicators(session: Session, link: ReportingLink) -> dict[int, str]:
    rows = session.execute(
        select(Indicator.id, Indicator.label).where(Indicator.topic_id.in_(link.topic_ids))
    ).all()
    return dict(rows)


def _check_figures(
    allowed: dict[int, str], figures: Mapping[int, str], comments: Mapping[int, str]
) -> list[str]:
    problems = []
    for indicator_id, typed in figures.items():
        if indicator_id not in allowed:
            raise NotFoundError("Un des indicateurs envoyés ne relève pas de ce lien de saisie.")
        label = allowed[indicator_id]
        if typed and typed.strip():
            try:
                parse_french_number(typed)
            except InvalidInputError as error:
                problems.append(f"« {label} » : {error.message}")
        comment = comments.get(indicator_id)
        if comment and len(comment.strip()) > SHEET_TEXT_MAX:
            problems.append(f"« {label} » : commentaire de {SHEET_TEXT_MAX} caractères au plus.")
    return problems


def _save_fiches(session: Session, link: ReportingLink, year: int, fiches: Mapping[str, FicheReport]) -> int:
    keys = dict(session.execute(select(Topic.key, Topic.id).where(Topic.id.in_(link.topic_ids))).all())
    saved = 0
    for topic_key, report in fiches.items():
        if topic_key not in keys:
            raise NotFoundError("Une des fiches envoyées ne relève pas de ce lien de saisie.")
        if not report.status:
            continue
        parse_status(report.status)
        clean_optional_text(report.note, field="Note", maximum=SHEET_TEXT_MAX)
        set_progress(
            session=session,
            workshop_id=link.workshop_id,
            topic_key=topic_key,
            year=year,
            status=report.status,
            note=report.note,
            changed_by=link.organisation,
        )
        saved += 1
    return saved
