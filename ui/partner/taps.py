"""Buttons that survive a server restart, and the fragments a tap redraws alone."""

from __future__ import annotations

import threading
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import actions
from ui.partner.memo import memo

_CALLBACK_MARKS = "participer_callback_marks"
_TRANSIENT = "participer_transient_fragments"
_PENDING_CLEAR = "participer_pending_clear"


# --- Buttons that survive a server restart ------------------------------------------------------
#
# Actions run in button callbacks, before the page is drawn, so the page shows their effect at
# once. A server restarted under an open page has not registered those callbacks yet: the first
# tap would do nothing. `tap_button` then runs the action itself and draws the page again.
# A callback leaves a mark under its button's name; the button, drawn later in the same run,
# takes it back: no mark means no callback ran, whether the run is the whole page or a fragment.
# (A tap inside a fragment that reaches a restarted server before the page has been drawn again
# there — the browser redraws it as soon as it reconnects — is dropped by Streamlit, which does
# not know that fragment yet: nothing happens and nothing is shown as saved; tapping again works.)


_callback = threading.local()


def _run_callback(mark: str, action: Callable[..., None], *args: object) -> None:
    memo().setdefault(_CALLBACK_MARKS, set()).add(mark)
    _callback.running = True
    try:
        action(*args)
    finally:
        _callback.running = False


def tap_button(label: str, action: Callable[..., None], *args: object, form: bool = False, **options) -> None:
    """A button (or a form's submit button) that runs `action(*args)` once per tap."""
    make = st.form_submit_button if form else st.button
    mark = str(options.get("key") or label)
    tapped = make(label, on_click=_run_callback, args=(mark, action, *args), **options)
    if not tapped or options.get("disabled"):
        return  # a disabled button can only be « tapped » by a forged message: nothing happens
    marks = memo().get(_CALLBACK_MARKS, set())
    if mark in marks:
        marks.discard(mark)
        return
    action(*args)
    st.rerun()


# --- Fragments: a tap redraws its part of the page, not the whole page ----------------------------
#
# Each SWOT quadrant and each topic's vote cards (one custom component) is an `st.fragment`: a
# tap inside it re-runs only that fragment (a few elements instead of the page). One tap, one
# run: a callback that returns normally lets Streamlit redraw the fragment the tap came from, in
# the run that ran the callback. The dots left, at the top of the vote, are drawn in the same
# run: the vote's fragment writes them into a placeholder outside itself (`st.empty`, see
# `ui/partner/vote.py` `vote_board`), which Streamlit 1.67 allows once the fragment has written
# there in a full run. Only when another fragment still shows a message, a correction form or a
# confirmation (`mark_transient`) must it be drawn again too: the callback then asks for both by
# key (`st.rerun([...])`), which costs Streamlit a second run. A message for the top of the page
# (the phase has changed) needs the whole page:
# the fragment asks for it (`follow_the_page`).


def fragment_run() -> bool:
    """True while this run re-runs only fragments (a tap inside one, in a browser)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def start_page_run() -> None:
    """At the top of the page (a run of the whole page): no fragment shows a message yet."""
    memo().pop(_TRANSIENT, None)


def mark_transient(fragment_key: str) -> None:
    """The fragment being drawn shows something that the next tap elsewhere must remove."""
    memo().setdefault(_TRANSIENT, set()).add(fragment_key)


def redraw_after_tap(own: str, *others: str) -> None:
    """From the callback of a tap in the fragment `own` (`st.fragment(key=…)`): redraw it, the
    fragments `others`, and those marked transient, nothing else. When only `own` needs it, the
    callback returns and Streamlit redraws `own` in this very run; otherwise one keyed rerun
    redraws them all. In a run of the whole page (a first draw, a restarted server, AppTest) it
    does nothing: the whole page is drawn anyway."""
    if not (getattr(_callback, "running", False) and fragment_run()):
        return
    transient = memo().pop(_TRANSIENT, set())
    wanted = dict.fromkeys([*others, *sorted(transient)])
    wanted.pop(own, None)
    if wanted:
        st.rerun([own, *wanted])


def follow_the_page() -> None:
    """At the top of a fragment: draw the whole page if a message waits at its top."""
    if fragment_run() and "top" in st.session_state.get(actions.MESSAGES, {}):
        st.rerun()


def clear_field_later(widget_key: str) -> None:
    """Empty a text field the next time it is drawn (it may already be drawn in this run)."""
    memo().setdefault(_PENDING_CLEAR, set()).add(widget_key)


def apply_pending_clear(widget_key: str) -> None:
    """Call right before drawing the field."""
    pending = memo().get(_PENDING_CLEAR, set())
    if widget_key in pending:
        pending.discard(widget_key)
        st.session_state[widget_key] = ""
