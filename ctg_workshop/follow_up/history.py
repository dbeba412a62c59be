"""The follow-up's history: every change of a figure or a status, who and when (append-only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ctg_workshop.errors import InvalidInputError
from ctg_workshop.storage.models import FollowUpChange, Indicator

COORDINATION = "Coordination CTG"


@dataclass(frozen=True)
class Change:
    year: int
    value_milli: int | None
    status: str | None
    text: str | None
    changed_by: str
    changed_at: dt.datetime


def record_value_change(
    session: Session,
    indicator: Indicator,
    year: int,
    value_milli: int | None,
    comment: str | None,
    by: str,
    at: dt.datetime,
) -> None:
    session.add(
        FollowUpChange(
            workshop_id=indicator.workshop_id,
            kind="value",
            indicator_id=indicator.id,
            year=year,
            value_milli=value_milli,
            text=comment,
            changed_by=by,
            changed_at=at,
        )
    )


def record_progress_change(
    session: Session,
    workshop_id: int,
    topic_id: int,
    year: int,
    status: str,
    note: str | None,
    by: str,
    at: dt.datetime,
) -> None:
    session.add(
        FollowUpChange(
            workshop_id=workshop_id,
            kind="progress",
            topic_id=topic_id,
            year=year,
            status=status,
            text=note,
            changed_by=by,
            changed_at=at,
        )
    )


def value_history(*, session: Session, indicator_id: int) -> list[Change]:
    """Every change of an indicator's figures, newest first."""
    rows = session.scalars(
        select(FollowUpChange)
        .where(FollowUpChange.indicator_id == indicator_id)
        .order_by(FollowUpChange.changed_at.desc(), FollowUpChange.id.desc())
    )
    return [Change(r.year, r.value_milli, r.status, r.text, r.changed_by, r.changed_at) for r in rows]


def reporters_by_year(*, session: Session, workshop_id: int) -> dict[int, frozenset[str]]:
    """For each year, the organisations that sent a figure or a status for it."""
    rows = session.execute(
        select(FollowUpChange.year, FollowUpChange.changed_by)
        .where(FollowUpChange.workshop_id == workshop_id)
        .distinct()
    ).all()
    found: dict[int, set[str]] = {}
    for year, name in rows:
        found.setdefault(year, set()).add(name)
    return {year: frozenset(names) for year, names in found.items()}


def translate_period_error(error: DBAPIError, year: int) -> Exception:
    """The database's refusal of a year outside the period (trigger of migration 0006), in French."""
    if "ctg:year_outside_period" in str(error.orig):
        return InvalidInputError(f"L'année {year} est hors de la période de la convention.")
    return error
