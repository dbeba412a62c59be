"""Facilitator and administrator access for pages.

`require_facilitator()` is the gate of every facilitator or coordinator page: it returns the
authorised workshop id, or shows a French login form (workshop code + passphrase) and stops the
script. Session state keeps only the workshop id and a fingerprint of its passphrase hash, so
changing the passphrase ends every open facilitator session.
"""

from __future__ import annotations

import streamlit as st

from ctg_workshop.access import (
    AccessDeniedError,
    check_admin_password,
    check_facilitator,
    configured_admin_password,
    facilitator_stamp,
)
from ctg_workshop.errors import CtgError
from ctg_workshop.storage.db import read_session, write_session
from ui.engine import engine
from ui.safe import plain

WORKSHOP_KEY = "facilitator_workshop_id"
STAMP_KEY = "facilitator_stamp"
ADMIN_KEY = "admin_authorised"


def _current_stamp(workshop_id: int) -> str | None:
    with read_session(engine()) as session:
        return facilitator_stamp(session=session, workshop_id=workshop_id)


def authorised_workshop_id() -> int | None:
    """The workshop this browser session may facilitate, or None (no login, or passphrase changed)."""
    workshop_id = st.session_state.get(WORKSHOP_KEY)
    if workshop_id is None:
        return None
    stamp = _current_stamp(workshop_id)
    if stamp is None or stamp != st.session_state.get(STAMP_KEY):
        logout()
        return None
    return workshop_id


def authorise(workshop_id: int) -> None:
    """Remember that this browser session facilitates `workshop_id` (after a login or a creation)."""
    st.session_state[WORKSHOP_KEY] = workshop_id
    st.session_state[STAMP_KEY] = _current_stamp(workshop_id)


def logout() -> None:
    st.session_state.pop(WORKSHOP_KEY, None)
    st.session_state.pop(STAMP_KEY, None)


def _attempt_login(code: str, passphrase: str) -> str | None:
    """Log in; return None on success or the French reason of the refusal."""
    if not code.strip() or not passphrase:
        return "Saisissez le code de l'atelier et la phrase secrète d'animation."
    error: CtgError | None = None
    with write_session(engine()) as session:
        try:
            workshop_id = check_facilitator(session=session, code=code, passphrase=passphrase)
        except CtgError as refusal:
            # Caught inside the transaction: the failed attempt is counted and committed.
            error = refusal
    if error is not None:
        return error.message
    authorise(workshop_id)
    return None


def login_form(*, intro: str | None = None) -> None:
    """The facilitator login form (code + passphrase); reruns the page once logged in."""
    st.header("Accès animateur", anchor=False)
    st.write(
        intro
        or "Cette page est réservée à l'animation de l'atelier. Saisissez le code de l'atelier et "
        "la phrase secrète d'animation reçue lors de sa création."
    )
    with st.form("facilitator_login"):
        code = st.text_input("Code de l'atelier", key="login_code", max_chars=16)
        passphrase = st.text_input(
            "Phrase secrète d'animation", type="password", key="login_passphrase", max_chars=200
        )
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        reason = _attempt_login(code, passphrase)
        if reason is None:
            st.rerun()
        st.error(plain(reason))


def logout_button() -> None:
    """A sidebar button that ends the facilitator session."""
    if st.sidebar.button("Se déconnecter de l'animation", key="facilitator_logout", icon=":material/logout:"):
        logout()
        st.rerun()


def require_facilitator() -> int:
    """The authorised workshop id; otherwise the login form is shown and the script stops."""
    workshop_id = authorised_workshop_id()
    if workshop_id is not None:
        logout_button()
        return workshop_id
    login_form()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the script run


# --------------------------------------------------------------------------- administrator


def admin_password_secret() -> str | None:
    """`admin_password` from .streamlit/secrets.toml, if there is one."""
    try:
        value = st.secrets.get("admin_password")
    except FileNotFoundError:
        return None
    return str(value) if value else None


def admin_configured() -> bool:
    return configured_admin_password(admin_password_secret()) is not None


def admin_authorised() -> bool:
    return bool(st.session_state.get(ADMIN_KEY))


def admin_login(password: str) -> str | None:
    """Check the administrator password; None on success, else the French reason."""
    try:
        check_admin_password(password, expected=configured_admin_password(admin_password_secret()))
    except AccessDeniedError as refusal:
        return refusal.message
    st.session_state[ADMIN_KEY] = True
    return None
