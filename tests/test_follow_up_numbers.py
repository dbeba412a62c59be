"""Figures typed in French, stored as thousandths, written back in French and in JSON."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ctg_workshop.errors import InvalidInputError
from ctg_workshop.follow_up.numbers import (
    decimal_to_milli,
    format_french,
    milli_to_json,
    parse_french_number,
)


@pytest.mark.parametrize(
    ("typed", "milli"),
    [
        ("18,5", 18_500),
        ("18.5", 18_500),
        ("1 048", 1_048_000),
        ("1\u00a0048", 1_048_000),
        ("1\u202f048,25", 1_048_250),
        ("1.048,5", 1_048_500),
        ("1.048.576", 1_048_576_000),
        ("-3", -3000),
        ("−3,5", -3500),
        (" 175 ", 175_000),
        ("0,125", 125),
        ("1000000000", 1_000_000_000_000),
    ],
)
def test_figures_typed_the_french_way_are_read(typed: str, milli: int) -> None:
    assert parse_french_number(typed) == milli


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Saisissez un chiffre"),
        ("dix-huit", "n'est pas un chiffre"),
        ("18,5 %", "n'est pas un chiffre"),
        ("1,2,3", "n'est pas un chiffre"),
        ("18,1234", "trois décimales"),
        ("2000000000", "compris entre"),
        ("1e5", "n'est pas un chiffre"),
        ("NaN", "n'est pas un chiffre"),
    ],
)
def test_anything_else_gets_a_french_message(typed: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_french_number(typed)


def test_json_numbers_are_whole_without_a_point_and_otherwise_shortest() -> None:
    assert milli_to_json(4000) == 4 and isinstance(milli_to_json(4000), int)
    assert milli_to_json(12_500) == 12.5
    assert milli_to_json(58_333) == 58.333
    assert milli_to_json(-500) == -0.5


def test_decimal_to_milli_refuses_a_fourth_decimal_and_infinity() -> None:
    assert decimal_to_milli(Decimal("18.125")) == 18_125
    with pytest.raises(InvalidInputError):
        decimal_to_milli(Decimal("18.1255"))
    with pytest.raises(InvalidInputError):
        decimal_to_milli(Decimal("Infinity"))


def test_french_format_groups_thousands_with_narrow_no_break_spaces() -> None:
    assert format_french(1_048_000) == "1\u202f048"
    assert format_french(18_100) == "18,1"
    assert format_french(-1_234_567_500) == "-1\u202f234\u202f567,5"
    assert format_french(58_300, "%") == "58,3\u00a0%"
    assert format_french(0) == "0"
