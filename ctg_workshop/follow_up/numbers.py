"""An indicator's figures: typed in French, stored as whole thousandths, written back in French
or as the archive's JSON numbers (`shared/spec/archive-format.md`, *Numbers*).

Thousandths keep every figure exact (no binary fraction ever shows as 18.499999) and let the
database compare and sum them as integers on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ctg_workshop.errors import InvalidInputError

VALUE_LIMIT = 1_000_000_000
MILLI = 1000
# Spaces a French figure may hold between its groups: plain, no-break, narrow no-break, thin.
_GROUP_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_FRENCH_NUMBER = re.compile(r"^[-+−]?(\d{1,3}(\.\d{3})+|\d+)([.,]\d+)?$")


def decimal_to_milli(value: Decimal | int) -> int:
    """Thousandths of a figure that has at most three decimals and lies within the limits."""
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidInputError("Le chiffre doit être un nombre fini.")
    if abs(number) > VALUE_LIMIT:
        raise InvalidInputError("Le chiffre doit être compris entre -1 000 000 000 et 1 000 000 000.")
    scaled = number * MILLI
    if scaled != scaled.to_integral_value():
        raise InvalidInputError("Le chiffre a au plus trois décimales (par exemple 18,125).")
    return int(scaled)


def milli_to_decimal(milli: int) -> Decimal:
    return (Decimal(milli) / MILLI).normalize() if milli % MILLI else Decimal(milli // MILLI)


def milli_to_json(milli: int) -> int | float:
    """The archive's number: an integer when whole (`4`, never `4.0`), else its shortest form."""
    if milli % MILLI == 0:
        return milli // MILLI
    return float(milli_to_decimal(milli))


def parse_french_number(text: str) -> int:
    """Thousandths of a figure typed by a person: « 18,5 », « 1 048 », « 18.5 », « -3 »,
    « 1.048,5 ». Raises InvalidInputError with a French message for anything else."""
    cleaned = _GROUP_SPACES.sub("", text.strip()).replace("−", "-")
    if not cleaned:
        raise InvalidInputError("Saisissez un chiffre, par exemple 18,5 ou 1 048.")
    if not _FRENCH_NUMBER.match(cleaned):
        raise InvalidInputError(
            f"« {text.strip()[:40]} » n'est pas un chiffre : écrivez par exemple 18,5 ou 1 048 "
            "(chiffres, une virgule pour les décimales)."
        )
    cleaned = _canonical_digits(cleaned)
    try:
        return decimal_to_milli(Decimal(cleaned))
    except InvalidOperation:  # pragma: no cover - the pattern already refused it
        raise InvalidInputError(f"« {text.strip()[:40]} » n'est pas un chiffre.") from None


def _canonical_digits(cleaned: str) -> str:
    """« 1.048,5 » → 1048.5; « 18,5 » → 18.5; « 1.048 » (groups of three after a dot, no comma)
    is read as one thousand and forty-eight, as a French reader means it."""
    if "," in cleaned:
        return cleaned.replace(".", "").replace(",", ".")
    if re.fullmatch(r"[-+]?\d{1,3}(\.\d{3}){2,}", cleaned):
        return cleaned.replace(".", "")
    return cleaned


def format_french(milli: int, unit: str | None = None) -> str:
    """« 18,5 », « 1 048 », « 58,333 % »: no-break spaces between thousands groups and before
    the unit, a decimal comma."""
    number = milli_to_decimal(milli)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sign + "\u202f".join(groups) + (f",{fraction}" if fraction else "")
    return f"{text}\u00a0{unit}" if unit else text
