"""French typography for the documents: the spaces a French reader expects, applied to every text
written into a document (participant text included — it is typography, not markup: no character
becomes formatting, only spaces change).

- a no-break space (U+00A0) before « : », inside « » and before « % » and units;
- a narrow no-break space (U+202F) before « ; », « ! » and « ? », and between the thousands
  groups of a number (« 24 882 »).

Only spaces already typed are replaced (« mot : » → « mot :»), plus the missing ones inside
guillemets; a colon without a space before it stays as typed, so times (10:30) and addresses
(https://…) are never touched.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"
_SPACES = "[ \u00a0\u202f\u2009]"
_BEFORE_COLON = re.compile(rf"{_SPACES}+:")
_BEFORE_TALL = re.compile(rf"{_SPACES}+([;!?])")
_AFTER_OPENING = re.compile(rf"«{_SPACES}*(?=\S)")
_BEFORE_CLOSING = re.compile(rf"(?<=\S){_SPACES}*»")
# A digit group of 1 to 3, then groups of exactly three separated by one space.
_THOUSANDS = re.compile(rf"(?<![\d,.])\d{{1,3}}(?:{_SPACES}\d{{3}})+(?![\d])")
UNITS = ("%", "€", "‰", "km", "m²", "m", "ha", "h", "min", "ans", "an", "mois", "places", "familles",
         "enfants", "habitants", "euros", "points", "foyers", "personnes", "jeunes")  # fmt: skip
_BEFORE_UNIT = re.compile(rf"(?<=\d){_SPACES}+(?=(?:{'|'.join(map(re.escape, UNITS))})(?![\w]))")
_BEFORE_PERCENT = re.compile(r"(?<=\d)%")
# Texts with none of these characters have nothing to change: most table cells skip the rules.
_CONCERNED = re.compile(r"[:;!?«»%€‰\d]")


def french_typography(text: str) -> str:
    """`text` with French no-break spaces (see the module's docstring); nothing else changes."""
    if not text or not _CONCERNED.search(text):
        return text
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _BEFORE_TALL.sub(lambda m: NNBSP + m.group(1), text)
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    text = _BEFORE_CLOSING.sub(NBSP + "»", text)
    text = _THOUSANDS.sub(lambda m: re.sub(_SPACES, NNBSP, m.group()), text)
    text = _BEFORE_UNIT.sub(NBSP, text)
    return _BEFORE_PERCENT.sub(NBSP + "%", text)
