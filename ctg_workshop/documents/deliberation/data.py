"""What the deliberation prints: the workshop, its topics, the participation, and the details
stored on page Rédiger, which the command line's options override."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy.orm import Session

from ctg_workshop.documents.facts import (
    Participation,
    WorkshopFacts,
    contributing_organisations,
    participation,
    workshop_facts,
)
from ctg_workshop.drafting.deliberation_settings import DeliberationDetails, get_details, parse_amount
from ctg_workshop.drafting.french_numbers import format_number, parse_number
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.text import normalize_text


@dataclass(frozen=True)
class DeliberationOptions:
    """What the town may give for the draft (else placeholders): séance date, number, amount."""

    session_date: dt.date | None = None
    number: str | None = None
    bonus_amount: str | None = None


@dataclass(frozen=True)
class TopicSummary:
    title: str
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class DeliberationData:
    workshop: WorkshopFacts
    topics: tuple[TopicSummary, ...]
    participation: Participation
    details: DeliberationDetails = field(default_factory=DeliberationDetails)


def parse_date(text: str) -> dt.date:
    """A date typed as 09/02/2023, 9/2/2023 or 2023-02-09."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        pass
    raise InvalidInputError(f"Date « {text} » invalide : écrivez-la JJ/MM/AAAA (par exemple 09/02/2023).")


def make_options(
    *, session_date: dt.date | str | None = None, number: str | None = None, bonus_amount: str | None = None
) -> DeliberationOptions:
    """Checked options: a real date, a short number, an amount in euros."""
    if isinstance(session_date, str):
        session_date = parse_date(session_date) if session_date.strip() else None
    number = normalize_text(number or "") or None
    if number and len(number) > 50:
        raise InvalidInputError("Numéro de délibération : 50 caractères au plus.")
    amount = None
    if bonus_amount and normalize_text(bonus_amount):
        value = parse_number(bonus_amount.replace("€", "").replace("euros", ""))
        if value is None or value < 0:
            raise InvalidInputError(
                f"Montant « {bonus_amount} » invalide : écrivez un nombre d'euros (618 000)."
            )
        amount = format_number(value, "€")
    return DeliberationOptions(session_date, number, amount)


def deliberation_data(
    *, session: Session, workshop_id: int, options: DeliberationOptions | None = None
) -> DeliberationData:
    """The deliberation's data: the workshop, and the details stored on page Rédiger, which
    `options` (the command line's flags) override."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    organisations = contributing_organisations(session=session, workshop_id=workshop_id)
    details = get_details(session=session, workshop_id=workshop_id)
    if options is not None:
        overrides = {
            "session_date": options.session_date,
            "number": options.number,
            "bonus_cents": parse_amount(options.bonus_amount) if options.bonus_amount else None,
        }
        details = replace(details, **{k: v for k, v in overrides.items() if v is not None})
    return DeliberationData(
        workshop=workshop_facts(workshop),
        topics=tuple(TopicSummary(t.title, tuple(t.objectives)) for t in workshop.topics),
        participation=participation(session=session, workshop_id=workshop_id, organisations=organisations),
        details=details,
    )


def euros(cents: int) -> str:
    value = Decimal(cents) / 100
    return format_number(value if cents % 100 else Decimal(cents // 100), "€")
