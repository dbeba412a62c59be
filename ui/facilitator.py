"""Helpers of the facilitator's pages: run one action in one transaction, say how it went."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st

from ui import actions

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Kind = actions.Kind


def flash(kind: Kind, message: str) -> None:
    """A message shown once, at the top of the next run of the page (`ui/actions.py`'s store)."""
    actions.say(actions.PAGE, kind, message)


def show_flash() -> None:
    """The phase banner, then the page's message, if any."""
    actions.show(actions.BANNER)
    actions.show(actions.PAGE)


def generation(scope: str) -> int:
    """A counter that is part of some widgets' keys: bumping it gives them fresh widgets (empty
    uploader, editor without pending edits) after the data behind them changed."""
    return st.session_state.setdefault(f"generation_{scope}", 0)


def bump(scope: str) -> None:
    st.session_state[f"generation_{scope}"] = generation(scope) + 1


def act(action: Callable[[Session], Any], success: str | Callable[[Any], str]) -> bool:
    """Run `action(session)` through the one action path; True when it went through."""
    return actions.run(action, success=success) is not None


def short(text: str, width: int = 90) -> str:
    """`text` on one line, cut at a word to `width` characters (« … » when cut)."""
    return textwrap.shorten(" ".join(text.split()), width, placeholder=" …")


def topic_picker(topics: Sequence[Any], key: str) -> int | None:
    """The topic chosen among `topics` (`topic_list` rows: id, title, items), or None, with a
    word to say so, when there is none yet."""
    if not topics:
        st.info("Aucun sujet d'étude : ajoutez-en sur la page « Préparer ».")
        return None
    titles = {t.id: f"{t.title} ({t.items})" for t in topics}
    return st.selectbox("Sujet d'étude", list(titles), format_func=titles.get, key=key)
