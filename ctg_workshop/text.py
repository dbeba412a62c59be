"""Text normalisation: the one function every entry path (pages, import, command line) uses.

The rules are the archive spec's *Text* section, in this order:

1. line breaks pasted from a word processor (`\\r\\n`, vertical tab, form feed) become `\\n`;
2. a tab becomes a space (cells pasted from a spreadsheet keep their words apart);
3. every other control character goes, and so do the bidirectional embedding, override and
   isolate characters (U+202A–U+202E, U+2066–U+2069): an override would reverse the text
   shown after it, on the item's card and beyond;
4. Unicode NFC (after the removals: a removed character may have separated a letter from
   its accent);
5. three or more line breaks in a row, with only spaces between them, become two (one blank
   line at most: a card cannot be made a screen high by empty lines);
6. spaces at both ends are trimmed.
"""

from __future__ import annotations

import re
import unicodedata

from ctg_workshop.errors import InvalidInputError

ITEM_TEXT_MAX = 500
SHORT_TEXT_MAX = 200
SHEET_TEXT_MAX = 2000

_LINE_BREAKS = re.compile(r"\r\n|[\v\f]")
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# A break, then two or more breaks each preceded by nothing but spaces (any whitespace but \n).
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n){2,}")
# First strong isolate … pop directional isolate: a name shown beside other text stays in its box.
_ISOLATE_START, _ISOLATE_END = "\u2068", "\u2069"


def _is_removed(char: str) -> bool:
    return (char != "\n" and unicodedata.category(char) == "Cc") or char in BIDI_CONTROLS


def normalize_text(text: str) -> str:
    """Return `text` normalised per the spec; idempotent (normalize(normalize(x)) == normalize(x))."""
    with_breaks = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    kept = "".join(c for c in with_breaks if not _is_removed(c))
    composed = unicodedata.normalize("NFC", kept)
    return _BLANK_LINES.sub("\n\n", composed).strip()


def isolated(text: str) -> str:
    """`text` wrapped in a first-strong isolate (U+2068 … U+2069), to show it beside other text:
    an organisation written right to left (Arabic, Hebrew) then cannot reorder the words or
    figures around it (« — 3 points »). For display only, never stored."""
    return f"{_ISOLATE_START}{text}{_ISOLATE_END}"


def length_problem(text: str, *, minimum: int, maximum: int) -> str | None:
    """French reason why an already normalised text breaks its length rule, or None."""
    if len(text) < minimum:
        return "le texte est vide" if minimum == 1 else f"au moins {minimum} caractères attendus"
    if len(text) > maximum:
        return f"{len(text)} caractères, {maximum} au plus"
    return None


def clean_text(text: str, *, field: str, minimum: int = 1, maximum: int = SHORT_TEXT_MAX) -> str:
    """Normalise `text` and check its length; raise InvalidInputError naming `field` otherwise."""
    normalised = normalize_text(text)
    problem = length_problem(normalised, minimum=minimum, maximum=maximum)
    if problem:
        raise InvalidInputError(f"{field} : {problem}.")
    return normalised


def clean_optional_text(text: str | None, *, field: str, maximum: int = SHORT_TEXT_MAX) -> str | None:
    """Like clean_text, but an absent or blank text becomes None (an optional name, a note)."""
    if text is None:
        return None
    normalised = normalize_text(text)
    if not normalised:
        return None
    return clean_text(normalised, field=field, maximum=maximum)


def clean_item_text(text: str) -> str:
    """An item (SWOT contribution) text: 1 to 500 characters once normalised."""
    return clean_text(text, field="Texte de la contribution", maximum=ITEM_TEXT_MAX)


def folded(text: str) -> str:
    """`text` without accents nor case, for comparing and sorting as a French reader expects
    (« Écoles » between « Crèche » and « Famille », not after « Zone »)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
