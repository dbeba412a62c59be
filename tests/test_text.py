"""Text normalisation: the spec's *Text* rules, checked on any input (hypothesis)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctg_workshop.errors import InvalidInputError
from ctg_workshop.text import ITEM_TEXT_MAX, clean_item_text, clean_optional_text, normalize_text

any_text = st.text(st.characters(codec="utf-8"), max_size=80)


@given(any_text)
def test_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(any_text)
def test_never_yields_control_characters_but_line_breaks(text):
    result = normalize_text(text)
    assert all(c == "\n" or unicodedata.category(c) != "Cc" for c in result)


@given(any_text)
def test_nfc_and_trimmed(text):
    result = normalize_text(text)
    assert unicodedata.is_normalized("NFC", result)
    assert result == result.strip()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Des ateliers  ", "Des ateliers"),
        ("ligne 1\r\nligne 2", "ligne 1\nligne 2"),
        ("ligne 1\vligne 2\fligne 3", "ligne 1\nligne 2\nligne 3"),
        ("tab\tulation\x00\x07", "tabulation"),
        ("e\u0301cole", "école"),  # decomposed accent composed (NFC)
        ("e\x01\u0301", "é"),  # a removed control must not leave a decomposed accent
        ("**gras** <b>x</b> [l](http://x)", "**gras** <b>x</b> [l](http://x)"),  # markup kept as typed
    ],
)
def test_examples(typed, stored):
    assert normalize_text(typed) == stored


@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=600))
def test_item_length_rule(text):
    normalised = normalize_text(text)
    if 1 <= len(normalised) <= ITEM_TEXT_MAX:
        assert clean_item_text(text) == normalised
    else:
        with pytest.raises(InvalidInputError, match="Texte de la contribution"):
            clean_item_text(text)


def test_blank_after_normalisation_is_refused_in_french():
    with pytest.raises(InvalidInputError, match="vide"):
        clean_item_text(" \r\n\x00\t ")


def test_too_long_says_how_long():
    with pytest.raises(InvalidInputError, match="501 caractères, 500 au plus"):
        clean_item_text("a" * 501)


def test_optional_text_blank_becomes_none():
    assert clean_optional_text("   ", field="Nom") is None
    assert clean_optional_text(" Nadia ", field="Nom") == "Nadia"
