"""What is measured for each fiche action: indicators with a baseline, a target and one value
per year. Figures arrive as text typed by a person (« 18,5 », « 1 048 ») and are stored as
thousandths (`follow_up/numbers.py`); every change of a value is kept in the history."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ctg_workshop.errors import ConflictError, InvalidInputError, NotFoundError
from ctg_workshop.follow_up.history import COORDINATION, record_value_change, translate_period_error
from ctg_workshop.follow_up.numbers import parse_french_number
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.lookups import topic_by_key, workshop_by_id
from ctg_workshop.storage.models import ActionSheet, Indicator, IndicatorValue, Topic, Workshop
from ctg_workshop.text import SHEET_TEXT_MAX, clean_optional_text, clean_text

UNIT_MAX = 40
BASELINE_YEARS_BEFORE = 10


@dataclass(frozen=True)
class IndicatorSettings:
    """What the coordinator types for an indicator; figures as text, years as numbers."""

    label: str
    unit: str | None = None
    baseline_year: int | None = None
    baseline: str | None = None
    target_year: int | None = None
    target: str | None = None


def indicator_in_workshop(
    session: Session, workshop_id: int, indicator_id: int, *, lock: bool = False
) -> Indicator:
    query = select(Indicator).where(Indicator.id == indicator_id, Indicator.workshop_id == workshop_id)
    indicator = session.scalar(query.with_for_update() if lock else query)
    if indicator is None:
        raise NotFoundError("Cet indicateur n'existe pas (ou plus) dans cet atelier.")
    return indicator


def _point(
    workshop: Workshop, year: int | None, figure: str | None, what: str
) -> tuple[int | None, int | None]:
    """(year, thousandths) of a baseline or target, both or neither."""
    typed = (figure or "").strip()
    if year is None and not typed:
        return None, None
    if year is None or not typed:
        raise InvalidInputError(f"{what} : indiquez l'année et la valeur, ou aucune des deux.")
    low, high = workshop.period_start - BASELINE_YEARS_BEFORE, workshop.period_end + 1
    if not low <= year <= high:
        raise InvalidInputError(f"{what} : l'année {year} doit être comprise entre {low} et {high}.")
    try:
        return year, parse_french_number(typed)
    except InvalidInputError as error:
        raise InvalidInputError(f"{what} : {error.message}") from None


def _apply(session: Session, workshop: Workshop, indicator: Indicator, settings: IndicatorSettings) -> None:
    label = clean_text(settings.label, field="Intitulé de l'indicateur")
    clash = session.scalar(
        select(Indicator.id).where(
            Indicator.topic_id == indicator.topic_id,
            func.lower(Indicator.label) == label.lower(),
            Indicator.id != (indicator.id or -1),
        )
    )
    if clash is not None:
        raise ConflictError(f"Cette fiche a déjà un indicateur « {label} ».")
    indicator.label = label
    indicator.unit = clean_optional_text(settings.unit, field="Unité", maximum=UNIT_MAX)
    indicator.baseline_year, indicator.baseline_value_milli = _point(
        workshop, settings.baseline_year, settings.baseline, "Situation de départ"
    )
    indicator.target_year, indicator.target_value_milli = _point(
        workshop, settings.target_year, settings.target, "Cible"
    )


def add_indicator(
    *, session: Session, workshop_id: int, topic_key: str, settings: IndicatorSettings
) -> Indicator:
    workshop = workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    topic = topic_by_key(session=session, workshop_id=workshop_id, topic_key=topic_key)
    indicator = Indicator(
        workshop_id=workshop_id,
        topic_id=topic.id,
        key=_new_key(session, workshop_id, topic.key),
        position=_next_position(session, workshop_id),
    )
    _apply(session, workshop, indicator, settings)
    session.add(indicator)
    session.flush()
    return indicator


def update_indicator(
    *, session: Session, workshop_id: int, indicator_id: int, settings: IndicatorSettings
) -> Indicator:
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    indicator = indicator_in_workshop(session, workshop_id, indicator_id, lock=True)
    _apply(session, workshop, indicator, settings)
    session.flush()
    return indicator


def delete_indicator(*, session: Session, workshop_id: int, indicator_id: int) -> str:
    indicator = indicator_in_workshop(session, workshop_id, indicator_id, lock=True)
    label = indicator.label
    session.delete(indicator)
    session.flush()
    return label


def set_value(
    *,
    session: Session,
    workshop_id: int,
    indicator_id: int,
    year: int,
    figure: str | None,
    comment: str | None = None,
    reported_by: str = COORDINATION,
) -> IndicatorValue | None:
    """Set (or, with no figure, remove) an indicator's value for `year`. The indicator's row is
    locked first: two people sending a figure at once are written one after the other, both in
    the history, one value left."""
    indicator = indicator_in_workshop(session, workshop_id, indicator_id, lock=True)
    typed = (figure or "").strip()
    try:
        milli = parse_french_number(typed) if typed else None
    except InvalidInputError as error:
        raise InvalidInputError(f"« {indicator.label} » : {error.message}") from None
    note = clean_optional_text(comment, field=f"Commentaire de « {indicator.label} »", maximum=SHEET_TEXT_MAX)
    return _write_value(session, indicator, year, milli, note, reported_by)


def write_figure(
    *,
    session: Session,
    workshop_id: int,
    indicator_id: int,
    year: int,
    milli: int,
    comment: str | None,
    reported_by: str,
) -> IndicatorValue | None:
    """Set a figure already read as thousandths (an open-data file), with its history."""
    indicator = indicator_in_workshop(session, workshop_id, indicator_id, lock=True)
    return _write_value(session, indicator, year, milli, comment, reported_by)


def _write_value(
    session: Session, indicator: Indicator, year: int, milli: int | None, note: str | None, by: str
) -> IndicatorValue | None:
    row = session.scalar(
        select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id, IndicatorValue.year == year)
    )
    now = utc_now()
    if milli is None:
        if row is None:
            return None
        session.delete(row)
    elif row is None:
        row = IndicatorValue(
            indicator_id=indicator.id,
            year=year,
            value_milli=milli,
            reported_by=by,
            comment=note,
            updated_at=now,
        )
        session.add(row)
    elif (row.value_milli, row.comment) != (milli, note) or row.reported_by != by:
        row.value_milli, row.comment, row.reported_by, row.updated_at = milli, note, by, now
    record_value_change(session, indicator, year, milli, note, by, now)
    try:
        session.flush()
    except DBAPIError as error:
        raise translate_period_error(error, year) from error
    return row if milli is not None else None


# --------------------------------------------------------------------------- from a fiche


def indicators_from_sheet(*, session: Session, workshop_id: int, topic_key: str) -> list[Indicator]:
    """Each « Indicateurs d'évaluation » line of the fiche becomes a tracked indicator (unit
    guessed, baseline and target to fill); lines already tracked are left alone."""
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    topic = topic_by_key(session=session, workshop_id=workshop_id, topic_key=topic_key)
    sheet = session.scalar(select(ActionSheet).where(ActionSheet.topic_id == topic.id))
    if sheet is None or not any(line.strip() for line in sheet.indicators):
        raise NotFoundError(f"La fiche « {topic.title} » n'a pas encore d'indicateurs d'évaluation.")
    tracked = {
        label.casefold()
        for label in session.scalars(select(Indicator.label).where(Indicator.topic_id == topic.id))
    }
    created = []
    for line in sheet.indicators:
        label = _label_from_line(line)
        if not label or label.casefold() in tracked:
            continue
        tracked.add(label.casefold())
        indicator = Indicator(
            workshop_id=workshop_id,
            topic_id=topic.id,
            key=_new_key(session, workshop_id, topic.key),
            position=_next_position(session, workshop_id),
            label=label,
            unit=guess_unit(label),
        )
        session.add(indicator)
        session.flush()
        created.append(indicator)
    return created


def _label_from_line(line: str) -> str:
    """A fiche's line as an indicator's label: one line, 200 characters at most."""
    text = " ".join(line.split())
    return text if len(text) <= 200 else text[:199].rstrip() + "…"


_UNITS = (
    (re.compile(r"\b(taux|pourcentage|part)\b"), "%"),
    (re.compile(r"\bplaces?\b"), "places"),
    (re.compile(r"\bfamilles?\b"), "familles"),
    (re.compile(r"\b(ateliers?)\b"), "ateliers"),
    (re.compile(r"\bactions?\b"), "actions"),
    (re.compile(r"\bgroupes?\b"), "groupes"),
)


def guess_unit(label: str) -> str | None:
    """The unit a label names (« Taux de couverture » → %, « Nombre de places » → places)."""
    lowered = label.casefold()
    for pattern, unit in _UNITS:
        if pattern.search(lowered):
            return unit
    return None


def _new_key(session: Session, workshop_id: int, topic_key: str) -> str:
    existing = set(session.scalars(select(Indicator.key).where(Indicator.workshop_id == workshop_id)))
    number = 1
    while f"{topic_key[:26]}-{number}" in existing:
        number += 1
    return f"{topic_key[:26]}-{number}"


def _next_position(session: Session, workshop_id: int) -> int:
    last = session.scalar(select(func.max(Indicator.position)).where(Indicator.workshop_id == workshop_id))
    return 0 if last is None else last + 1


def indicator_choices(*, session: Session, workshop_id: int) -> list[tuple[int, str]]:
    """(id, « fiche — indicateur ») of every indicator, in the fiches' order."""
    rows = session.execute(
        select(Indicator.id, Topic.title, Indicator.label)
        .join(Topic, Topic.id == Indicator.topic_id)
        .where(Indicator.workshop_id == workshop_id)
        .order_by(Topic.position, Indicator.position)
    ).all()
    return [(indicator_id, f"{title} — {label}") for indicator_id, title, label in rows]
