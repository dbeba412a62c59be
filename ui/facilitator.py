"""Helpers of the facilitator's pages: run one action in one transaction, say how it went."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import streamlit as st

from ctg_workshop.errors import CtgError
from ctg_workshop.storage.db import write_session
from ui.engine import engine
from ui.safe import plain

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FLASH_KEY = "facilitator_flash"
Kind = Literal["success", "error", "info", "warning"]


def flash(kind: Kind, message: str) -> None:
    """A message shown once, at the top of the next run of the page."""
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if kind is not None:
        # Messages can quote what someone typed (a code, a title): text, never markup.
        getattr(st, kind)(plain(message))


def generation(scope: str) -> int:
    """A counter that is part of some widgets' keys: bumping it gives them fresh widgets (empty
    uploader, editor without pending edits) after the data behind them changed."""
    return st.session_state.setdefault(f"generation_{scope}", 0)


def bump(scope: str) -> None:
    st.session_state[f"generation_{scope}"] = generation(scope) + 1


def act(action: Callable[[Session], Any], success: str | Callable[[Any], str]) -> bool:
    """Run `action(session)` in one write transaction; flash its success or its French refusal."""
    try:
        with write_session(engine()) as session:
            result = action(session)
    except CtgError as error:
        flash("error", error.message)
        return False
    flash("success", success(result) if callable(success) else success)
    return True
