"""Figures as typed or exported: French or English numbers read (« 24 882 », « 34,8 % »,
« 1.234,5 »), missing values recognised (« nc », « secret »), and numbers written the French way
(no-break space between thousands, decimal comma)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
MISSING = {"", "nc", "n.c.", "nd", "n.d.", "s", "ns", "-", "–", "—", "x", "na", "n/a", "secret"}


def parse_number(text: str) -> Decimal | None:
    """A French or English number ("24 882", "34,8", "1.234,5", "58.3", "12 %"), or None."""
    raw = _SPACES.sub("", text or "").removesuffix("%")
    if not raw or raw.casefold() in MISSING:
        return None
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        raw = raw.replace(thousands, "").replace(decimal_mark, ".")
    elif raw.count(",") == 1:
        raw = raw.replace(",", ".")
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def format_number(number: Decimal, unit: str = "") -> str:
    """French typography: no-break space between thousands, decimal comma ("17 009", "34,8 %")."""
    normalised = number.normalize() if number != number.to_integral_value() else number.quantize(Decimal(1))
    sign, digits = ("-", str(-normalised)) if normalised < 0 else ("", str(normalised))
    whole, _, decimals = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + "\u00a0".join(groups) + ("," + decimals if decimals else "")
    return f"{text}\u00a0{unit}" if unit else text
