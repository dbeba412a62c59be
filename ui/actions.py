"""The one way a page runs what a user asked: a domain action in its one write transaction, a
read in its one read transaction, and one store of the messages that say how it went.

- `read(query)`: what a screen shows, read in one transaction;
- `run(action, success=…, slot=…)`: the action in one write transaction; its success message, or
  the domain's French refusal, waits in `slot` until `show(slot)` renders it (after the rerun a
  button or a callback causes). A phase change that forbids the action goes to the page's top
  banner (`BANNER`), wherever it was asked: it concerns the whole page;
- `attempt(action)`: a write committed even when refused (a failed login stays counted);
- `deferred_read(query)`: a read run later, on a download's click;
- `say(slot, kind, message)` / `show(slot)`: the store itself, for messages that are not an
  action's outcome (« ligne en cours de saisie »…).

Messages may quote what someone typed: they are rendered through `plain()`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

import streamlit as st

from ctg_workshop.errors import CtgError, PhaseError
from ctg_workshop.storage.db import read_session, write_session
from ui.engine import engine
from ui.safe import plain

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Kind = Literal["success", "error", "info", "warning", "toast"]
T = TypeVar("T")
MESSAGES = "ui_messages"
BANNER = "banner"
PAGE = "page"
_ICONS = {"success": ":material/check_circle:", "error": ":material/error:", "info": ":material/info:",
          "warning": ":material/warning:", "toast": ":material/check:"}  # fmt: skip


def read(query: Callable[[Session], T]) -> T:
    """`query(session)` in one read transaction."""
    with read_session(engine()) as session:
        return query(session)


def write(action: Callable[[Session], T]) -> T:
    """`action(session)` in one write transaction; the domain's errors propagate, for a screen
    that answers each one itself (a partner's text kept when the phase changed under it)."""
    with write_session(engine()) as session:
        return action(session)


def attempt(action: Callable[[Session], T]) -> T | CtgError:
    """`action(session)` in one write transaction that is committed even when the domain refuses
    (a failed login must stay counted): the refusal is returned, not raised."""
    with write_session(engine()) as session:
        try:
            return action(session)
        except CtgError as refusal:
            return refusal


def deferred_read(query: Callable[[Session], T]) -> Callable[[], T]:
    """`query` to run later in its own read transaction, outside the script's run (a download
    built on the click): the engine is taken now, while the run's context is there."""
    database = engine()

    def later() -> T:
        with read_session(database) as session:
            return query(session)

    return later


@dataclass(frozen=True)
class Done(Generic[T]):
    """An action that went through, and what it returned."""

    value: T


def run(
    action: Callable[[Session], T],
    *,
    success: str | Callable[[T], str] | None = None,
    slot: str = PAGE,
    kind: Kind = "success",
    refused: str = "",
) -> Done[T] | None:
    """`action(session)` in one write transaction. Its success message (if any) or its French
    refusal (after `refused`, e.g. « Non enregistré : ») waits in `slot`; a phase refusal in the
    banner. Returns `Done(result)`, or None when the action was refused (nothing was written)."""
    try:
        with write_session(engine()) as session:
            result = action(session)
    except PhaseError as error:
        say(BANNER, "warning", error.message)
        return None
    except CtgError as error:
        say(slot, "error", refused + error.message)
        return None
    if success is not None:
        say(slot, kind, success(result) if callable(success) else success)
    return Done(result)


def say(slot: str, kind: Kind, message: str) -> None:
    """A message shown once, where `slot` is rendered."""
    st.session_state.setdefault(MESSAGES, {})[slot] = (kind, message)


def pending(slot: str) -> tuple[Kind, str] | None:
    """The message waiting for `slot`, taken from the store (for a caller that renders it itself)."""
    return st.session_state.get(MESSAGES, {}).pop(slot, None)


def show(slot: str = PAGE) -> bool:
    """Render the message waiting for `slot`, if any; True when one was shown."""
    message = pending(slot)
    if message is None:
        return False
    kind, text = message
    if kind == "toast":
        st.toast(plain(text), icon=_ICONS[kind])
    else:
        getattr(st, kind)(plain(text), icon=_ICONS[kind])
    return True
