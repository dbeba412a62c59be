"""The messages of the partner's page: one under each part (the one store of `ui/actions.py`),
and the texts a phase change kept from being saved, shown until the partner dismisses them."""

from __future__ import annotations

import streamlit as st

from ui import actions
from ui.partner.memo import memo
from ui.partner.taps import mark_transient, tap_button
from ui.safe import plain

_UNSAVED = "participer_unsaved"


def show_message(slot: str, fragment_key: str | None = None) -> None:
    """The message waiting for `slot`, if any (inside the fragment `fragment_key`, if given)."""
    message = actions.pending(slot)
    if message is not None:
        kind, text = message
        getattr(st, kind)(plain(text))
        if fragment_key:
            mark_transient(fragment_key)


def keep_unsaved(where: str, text: str) -> None:
    """A text the phase change kept from being saved: shown until the partner dismisses it."""
    if text.strip():
        memo().setdefault(_UNSAVED, {})[where] = text


def unsaved_texts() -> dict[str, str]:
    return memo().get(_UNSAVED, {})


def dismiss_unsaved(where: str) -> None:
    memo().get(_UNSAVED, {}).pop(where, None)


def show_unsaved() -> None:
    for where, text in list(unsaved_texts().items()):
        with st.container(border=True):
            st.markdown(
                f"**Texte non enregistré** ({plain(where)}) : la phase a changé avant l'envoi. "
                "Copiez-le si vous voulez le garder."
            )
            st.code(text, language=None, wrap_lines=True)
            tap_button("J'ai copié ce texte, l'effacer", dismiss_unsaved, where, key=f"dismiss_{where}")
