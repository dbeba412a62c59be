"""Participant text on the partner's page, as plain text.

Participant text goes into `st.text` (no Markdown, no HTML). Where it must sit inside Markdown
(an alert, a heading), `ui.safe.plain()` escapes it: punctuation escaped, and no web or e-mail
address can be recognised, even by the browser's renderer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import streamlit as st

# A card shows at most about eight lines on a 360 px phone (~38 characters a line); a longer
# text folds, the rest behind « Lire la suite ».
CARD_LINES = 8
PHONE_LINE_CHARS = 38


def phone_lines(text: str) -> int:
    """How many lines `text` takes on a phone, roughly (its line breaks, its long lines)."""
    return sum(max(1, math.ceil(len(line) / PHONE_LINE_CHARS)) for line in text.split("\n"))


def folded(text: str) -> tuple[str, str]:
    """(what a card shows, what « Lire la suite » adds): the whole text and "" when it fits in
    `CARD_LINES` lines; else its first lines, cut at a word with « … », and the rest."""
    if phone_lines(text) <= CARD_LINES:
        return text, ""
    shown: list[str] = []
    budget = CARD_LINES - 1  # the last line holds « … »
    for line in text.split("\n"):
        need = max(1, math.ceil(len(line) / PHONE_LINE_CHARS))
        if need > budget:
            room = budget * PHONE_LINE_CHARS
            if room > 0:
                cut = line[:room].rsplit(" ", 1)[0] if " " in line[:room] else line[:room]
                shown.append(cut)
            break
        shown.append(line)
        budget -= need
    start = "\n".join(shown).rstrip()
    return f"{start} …", text[len(start) :].lstrip()


def item_text(text: str, organisation: str | None = None) -> None:
    """A partner's item as plain text, with its organisation when shown; a long text folds
    after about eight lines, the rest behind « Lire la suite » (a card never gets taller)."""
    start, rest = folded(text)
    signed = f"\n— {organisation}" if organisation else ""
    if not rest:  # one element, not two: a vote page draws up to twenty of them
        st.text(start + signed, width="stretch")
        return
    st.text(start, width="stretch")
    with st.expander("Lire la suite"):
        st.text(f"… {rest}", width="stretch")
    if signed:
        st.text(signed.lstrip("\n"), width="stretch")


def one_line(text: str) -> str:
    """An item's text on one logical line, its line breaks shown as « / »: in a list, a line
    of an item cannot pass for another item (« Idée\\n• Fermer le centre — CAF du Nord »)."""
    return " / ".join(line.strip() for line in text.split("\n") if line.strip())


def bullet_list(texts: Iterable[str]) -> None:
    """Several partners' texts, one bullet each, as plain text; an item's own line breaks never
    start a new line there (see `one_line`)."""
    lines = [f"• {one_line(text)}" for text in texts]
    if lines:
        st.text("\n".join(lines), width="stretch")


def member_list(members: Iterable[str]) -> None:
    texts = list(members)
    if texts:
        st.markdown("Regroupe aussi :")
        bullet_list(texts)
