"""The deliberation's town-specific details (what only the town knows), typed once on page
Rédiger and kept per workshop: the draft then comes out whole, without brackets to fill."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.drafting.french_numbers import parse_number
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import DeliberationSettings
from ctg_workshop.text import clean_optional_text, normalize_text

MAX_STRUCTURES = 30


@dataclass(frozen=True)
class DeliberationDetails:
    """Everything optional: what is missing stays a highlighted placeholder in the draft."""

    number: str | None = None
    session_date: dt.date | None = None
    convocation_date: dt.date | None = None
    councillors: int | None = None
    present: int | None = None
    bonus_cents: int | None = None
    previous_deliberation_date: dt.date | None = None
    previous_end_date: dt.date | None = None
    themes_committee_date: dt.date | None = None
    validation_committee_date: dt.date | None = None
    recruitment: bool = True
    funded_structures: tuple[str, ...] = field(default_factory=tuple)
    mayor: str | None = None
    secretary: str | None = None

    @property
    def renewal(self) -> bool:
        return self.previous_deliberation_date is not None


FIELDS = tuple(DeliberationDetails.__dataclass_fields__)


def parse_amount(text: str | None) -> int | None:
    """Euros typed as « 618 000 », « 618000 € » or « 618 000,50 » → cents."""
    if text is None or not normalize_text(text):
        return None
    value = parse_number(text.replace("€", "").replace("euros", ""))
    if value is None or value < 0 or value > Decimal("1e12"):
        raise InvalidInputError(f"Montant « {text.strip()} » invalide : écrivez un nombre d'euros (618 000).")
    return int((value * 100).to_integral_value())


def check_details(details: DeliberationDetails) -> DeliberationDetails:
    """`details` with its texts normalised; a French error naming the field otherwise."""
    number = clean_optional_text(details.number, field="Numéro de la délibération", maximum=50)
    structures = tuple(
        s
        for s in (clean_optional_text(t, field="Structure financée") for t in details.funded_structures)
        if s
    )
    if len(structures) > MAX_STRUCTURES:
        raise InvalidInputError(f"Structures financées : {MAX_STRUCTURES} au plus.")
    if details.councillors is not None and not 1 <= details.councillors <= 200:
        raise InvalidInputError("Conseillers en exercice : un nombre de 1 à 200.")
    if details.present is not None and not 0 <= details.present <= (details.councillors or 200):
        raise InvalidInputError("Conseillers présents : pas plus que les conseillers en exercice.")
    if details.convocation_date and details.session_date and details.convocation_date > details.session_date:
        raise InvalidInputError("La convocation précède la séance : vérifiez les deux dates.")
    if details.previous_end_date and not details.previous_deliberation_date:
        raise InvalidInputError(
            "Renouvellement : indiquez aussi la date de la délibération qui a autorisé la convention précédente."
        )
    return replace(
        details,
        number=number,
        funded_structures=structures,
        mayor=clean_optional_text(details.mayor, field="Maire"),
        secretary=clean_optional_text(details.secretary, field="Secrétaire de séance"),
    )


def get_details(*, session: Session, workshop_id: int) -> DeliberationDetails:
    row = session.scalar(select(DeliberationSettings).where(DeliberationSettings.workshop_id == workshop_id))
    if row is None:
        return DeliberationDetails()
    values = {name: getattr(row, name) for name in FIELDS}
    values["funded_structures"] = tuple(row.funded_structures or ())
    return DeliberationDetails(**values)


def save_details(*, session: Session, workshop_id: int, details: DeliberationDetails) -> DeliberationDetails:
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    checked = check_details(details)
    row = session.scalar(select(DeliberationSettings).where(DeliberationSettings.workshop_id == workshop_id))
    if row is None:
        row = DeliberationSettings(workshop_id=workshop_id)
        session.add(row)
    for name in FIELDS:
        value = getattr(checked, name)
        setattr(row, name, list(value) if name == "funded_structures" else value)
    row.updated_at = utc_now()
    session.flush()
    return checked
