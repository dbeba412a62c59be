"""Facilitator and administrator access for pages.

`require_facilitator()` is the gate of every facilitator or coordinator page: it returns the
authorised workshop id, or shows a French login form (workshop code + passphrase) and stops the
script.

A login opens a facilitator session in the database (`ctg_workshop.sessions`): the browser
session keeps its signed token, and the browser gets it as a signed, expiring, HttpOnly cookie
per workshop — posted once to the route `serve.py` adds (`…/_ctg/animation/connexion`), since a
page script cannot set an HttpOnly cookie. After a reload the cookie comes back in
`st.context.cookies` and is checked against the database at each run: logout, a new passphrase
or the expiry end it, in every process. Logout closes the session and expires the cookie.

Failed logins are counted in the database per client (`throttle.py`): the address the server
sees and a random id this browser keeps (`ctg_poste`), so every process counts the same
attempts and one browser's mistakes do not lock out another.
"""

from __future__ import annotations

import json
import re
import secrets

import streamlit as st

from ctg_workshop.access import (
    check_admin_password,
    configured_admin_password,
    facilitator_stamp,
    log_in_signed,
)
from ctg_workshop.errors import CtgError
from ctg_workshop.sessions import (
    COOKIE_PREFIX,
    SignedLogin,
    close_cookie_session,
    open_signed_session,
    session_for_cookie,
)
from ui import actions
from ui.safe import plain

WORKSHOP_KEY = "facilitator_workshop_id"
STAMP_KEY = "facilitator_stamp"
TOKEN_KEY = "facilitator_signed_token"
CODE_KEY = "facilitator_code"
SET_COOKIE_KEY = "facilitator_set_cookie"
CLEAR_COOKIE_KEY = "facilitator_clear_cookie"
IGNORED_KEY = "facilitator_ignored_cookies"
ADMIN_KEY = "admin_authorised"
CLIENT_COOKIE = "ctg_poste"
CLIENT_KEY = "login_client_id"
SESSION_ROUTE = "_ctg/animation"  # serve.FacilitatorCookieRoutes
SESSION_HEADER = "X-CTG-Animation"
_SIGNED = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
_CODE = re.compile(r"^[A-Z0-9]{1,16}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _cookies() -> dict[str, str]:
    """The cookies the browser sent when the page was loaded (none outside a browser)."""
    cookies = st.context.cookies.to_dict()
    if not isinstance(cookies, dict):
        return {}
    return {
        name: value for name, value in cookies.items() if isinstance(name, str) and isinstance(value, str)
    }


def _current_stamp(workshop_id: int) -> str | None:
    return actions.read(lambda s: facilitator_stamp(session=s, workshop_id=workshop_id))


def _remember(workshop_id: int, code: str, signed: str, *, set_cookie: bool) -> None:
    st.session_state[WORKSHOP_KEY] = workshop_id
    st.session_state[TOKEN_KEY] = signed
    st.session_state[CODE_KEY] = code
    st.session_state.pop(STAMP_KEY, None)
    if set_cookie:
        st.session_state[SET_COOKIE_KEY] = signed


def _from_cookies() -> int | None:
    """A facilitator session this browser's cookies still open (the first valid one)."""
    ignored = st.session_state.get(IGNORED_KEY, set())
    candidates = [
        value
        for name, value in _cookies().items()
        if name.startswith(COOKIE_PREFIX) and value not in ignored and _SIGNED.match(value)
    ]
    if not candidates:
        return None
    opened = actions.read(lambda s: _first_open(s, candidates))
    if opened is None:
        return None
    _remember(opened.workshop_id, opened.code, opened.signed, set_cookie=False)
    return opened.workshop_id


def _first_open(session, candidates: list[str]) -> SignedLogin | None:
    """The first of the signed tokens that still opens a facilitator session."""
    for signed in candidates:
        opened = session_for_cookie(session=session, signed=signed)
        if opened is not None:
            return SignedLogin(opened.workshop_id, opened.code, signed)
    return None


def authorised_workshop_id() -> int | None:
    """The workshop this browser may facilitate, or None (no login, logged out, passphrase
    changed, session expired)."""
    workshop_id = st.session_state.get(WORKSHOP_KEY)
    signed = st.session_state.get(TOKEN_KEY)
    if workshop_id is not None and signed:
        opened = actions.read(lambda s: session_for_cookie(session=s, signed=signed))
        if opened is None or opened.workshop_id != workshop_id:
            _forget()
            return None
        return workshop_id
    if workshop_id is not None:  # a browser session authorised without a database session
        stamp = _current_stamp(workshop_id)
        if stamp is None or stamp != st.session_state.get(STAMP_KEY):
            _forget()
            return None
        return workshop_id
    return _from_cookies()


def authorise(workshop_id: int) -> None:
    """Open a facilitator session for `workshop_id` in this browser (after a creation)."""
    login = actions.write(lambda s: open_signed_session(session=s, workshop_id=workshop_id))
    _remember(login.workshop_id, login.code, login.signed, set_cookie=True)


def _forget() -> None:
    """Forget the login in this browser session; the browser's cookie is expired too."""
    code = st.session_state.pop(CODE_KEY, None)
    signed = st.session_state.pop(TOKEN_KEY, None)
    st.session_state.pop(WORKSHOP_KEY, None)
    st.session_state.pop(STAMP_KEY, None)
    st.session_state.pop(SET_COOKIE_KEY, None)
    if signed:
        # The cookie sent at page load stays in st.context.cookies: never read it again.
        st.session_state.setdefault(IGNORED_KEY, set()).add(signed)
    if code:
        st.session_state[CLEAR_COOKIE_KEY] = code


def logout() -> None:
    """End the facilitator session: in the database (every process, every tab) and the cookie."""
    signed = st.session_state.get(TOKEN_KEY)
    if signed:
        actions.write(lambda s: close_cookie_session(session=s, signed=signed))
    _forget()


def client_key() -> str:
    """Who is trying to log in, for the throttle: the address the server sees and this
    browser's random id (`ctg_poste`), else one drawn for this browser session."""
    browser = _cookies().get(CLIENT_COOKIE, "")
    if not _CLIENT_ID.match(browser):
        browser = "session:" + st.session_state.setdefault(CLIENT_KEY, secrets.token_urlsafe(16))
    address = st.context.ip_address
    return f"{address if isinstance(address, str) else 'local'}|{browser}"


def _attempt_login(code: str, passphrase: str) -> str | None:
    """Log in; return None on success or the French reason of the refusal."""
    if not code.strip() or not passphrase:
        return "Saisissez le code de l'atelier et la phrase secrète d'animation."
    client = client_key()
    # A refusal is returned inside the transaction: the failed attempt is counted and committed.
    login = actions.attempt(
        lambda s: log_in_signed(session=s, code=code, passphrase=passphrase, client=client)
    )
    if isinstance(login, CtgError):
        return login.message
    _remember(login.workshop_id, login.code, login.signed, set_cookie=True)
    return None


def _route() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(part for part in (base, SESSION_ROUTE) if part)


def _post(path: str, body: str) -> None:
    """Post `body` to one of our session routes from the browser (the answer sets a cookie)."""
    st.html(
        "<script>fetch("
        f"{json.dumps(_route() + path)}, {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'text/plain', {json.dumps(SESSION_HEADER)}: '1'}}, "
        f"body: {json.dumps(body)}}}).catch(() => undefined);</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def cookie_scripts() -> None:
    """Give the browser its facilitator cookie after a login, expire it after a logout, and
    give it a random client id for the throttle when it has none."""
    signed = st.session_state.pop(SET_COOKIE_KEY, None)
    if (
        signed
        and _SIGNED.match(signed)
        and _cookies().get(COOKIE_PREFIX + st.session_state.get(CODE_KEY, "")) != signed
    ):
        _post("/connexion", signed)
    code = st.session_state.pop(CLEAR_COOKIE_KEY, None)
    if code and _CODE.match(code) and COOKIE_PREFIX + code in _cookies():
        _post("/deconnexion", code)
    if not _CLIENT_ID.match(_cookies().get(CLIENT_COOKIE, "")):
        client = secrets.token_urlsafe(24)
        cookie = f"{CLIENT_COOKIE}={client}; path=/; max-age={365 * 24 * 3600}; SameSite=Lax"
        st.html(
            "<script>if (!document.cookie.split('; ').some((c) => c.startsWith("
            f"{json.dumps(CLIENT_COOKIE + '=')}))) document.cookie = {json.dumps(cookie)}"
            " + (location.protocol === 'https:' ? '; Secure' : '');</script>",
            unsafe_allow_javascript=True,
            width="content",
        )


def login_form(*, intro: str | None = None) -> None:
    """The facilitator login form (code + passphrase); reruns the page once logged in."""
    with st.sidebar:
        cookie_scripts()  # a cookie to expire (after a logout), the throttle's client id
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
    with st.sidebar:
        cookie_scripts()  # the cookie to set after a login or a creation
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
    client, expected = client_key(), configured_admin_password(admin_password_secret())
    # A refusal is returned inside the transaction: the failure is counted and committed.
    refusal = actions.attempt(
        lambda s: check_admin_password(password, session=s, client=client, expected=expected)
    )
    if isinstance(refusal, CtgError):
        return refusal.message
    st.session_state[ADMIN_KEY] = True
    return None
