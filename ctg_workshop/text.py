"""Text normalisation: the one function every entry path (pages, import, command line) uses.

The rules are the archive spec's *Text* section: line breaks pasted from a word processor
(`\\r\\n`, vertical tab, form feed) become `\\n`, every other control character goes, the
text is put in Unicode NFC and trimmed at both ends.
"""

from __future__ import annotations

import re
import unicodedata

from ctg_workshop.errors import InvalidInputError

ITEM_TEXT_MAX = 500
SHORT_TEXT_MAX = 200
SHEET_TEXT_MAX = 2000

_LINE_BREAKS = re.compile(r"\r\n|[\v\f]")


def _is_removed_control(char: str) -> bool:
    return char != "\n" and unicodedata.category(char) == "Cc"


def normalize_text(text: str) -> str:
    """Return `text` normalised per the spec; idempotent (normalize(normalize(x)) == normalize(x))."""
    with_breaks = _LINE_BREAKS.sub("\n", text)
    without_controls = "".join(c for c in with_breaks if not _is_removed_control(c))
    # NFC after removing controls: a removed control may have separated a letter from its accent.
    return unicodedata.normalize("NFC", without_controls).strip()


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
