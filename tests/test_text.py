"""Text normalisation: the spec's *Text* rules, checked on any input (hypothesis)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctg_workshop.errors import InvalidInputError
from ctg_workshop.text import (
    BIDI_CONTROLS,
    ITEM_TEXT_MAX,
    clean_item_text,
    clean_optional_text,
    isolated,
    normalize_text,
)

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
        ("et\ttabulation\x00\x07", "et tabulation"),  # a tab keeps the words apart
        ("e\u0301cole", "école"),  # decomposed accent composed (NFC)
        ("e\x01\u0301", "é"),  # a removed control must not leave a decomposed accent
        ("**gras** <b>x</b> [l](http://x)", "**gras** <b>x</b> [l](http://x)"),  # markup kept as typed
    ],
)
def test_examples(typed, stored):
    assert normalize_text(typed) == stored


@given(any_text)
def test_never_yields_tabs_bidi_controls_nor_two_blank_lines(text):
    result = normalize_text(text)
    assert "\t" not in result
    assert not BIDI_CONTROLS & set(result)
    assert "\n\n\n" not in "".join("" if c.isspace() and c != "\n" else c for c in result)


# What people paste: cells of a spreadsheet, a word processor's paragraphs, a line from a chat.
@pytest.mark.parametrize(
    ("pasted", "stored"),
    [
        # Two rows of three cells copied from Excel or LibreOffice Calc (tab between cells, CRLF).
        (
            "Crèche\tPetite enfance\t24 places\r\nLudothèque\tParentalité\t-5 places\r\n",
            "Crèche Petite enfance 24 places\nLudothèque Parentalité -5 places",
        ),
        ("Manque de\t\tplaces", "Manque de  places"),  # each tab one space, nothing merged
        ("\tIndentée\t", "Indentée"),
    ],
)
def test_spreadsheet_cells_keep_their_words_apart(pasted, stored):
    assert normalize_text(pasted) == stored


def test_right_to_left_override_is_removed():
    # U+202E would show « Fermer le centre » reversed, and everything after it on the line.
    assert normalize_text("Idée \u202eertnec el remref") == "Idée ertnec el remref"
    every_control = "".join(sorted(BIDI_CONTROLS))
    assert normalize_text(f"a{every_control}b") == "ab"
    assert len(BIDI_CONTROLS) == 9  # U+202A–U+202E and U+2066–U+2069
    assert normalize_text("\u202e") == ""  # nothing left: refused as empty by clean_item_text
    assert normalize_text("\u200f\u200e\u061c") == "\u200f\u200e\u061c"  # marks do not reorder


def test_498_line_breaks_become_one_blank_line():
    assert normalize_text("a" + "\n" * 498 + "b") == "a\n\nb"
    assert normalize_text("a" + "\r\n" * 498 + "b") == "a\n\nb"
    assert normalize_text("a\n \n\t\n\u00a0\n  b") == "a\n\n  b"  # spaces between count as blank
    assert normalize_text("a\n\nb") == "a\n\nb"  # one blank line stays
    assert normalize_text("a\n\u202e\n\u202c\nb") == "a\n\nb"  # removed characters leave blank lines
    assert normalize_text("a\n.\n\nb") == "a\n.\n\nb"  # a line with a character is not blank


def test_isolated_wraps_for_display_and_is_undone_by_normalisation():
    shown = isolated("جمعية الأمل")
    assert shown == "\u2068جمعية الأمل\u2069"
    assert normalize_text(shown) == "جمعية الأمل"


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
