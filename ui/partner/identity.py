"""Who this device is on the partner's page, kept across reloads.

A participant is their token (128 random bits). Once joined, the page writes it
into the URL (`?atelier=CODE&jeton=TOKEN`): a reload, a bookmark, a dropped websocket or a
restarted server re-run the page with the same URL, hence the same participant. It is also
kept in the session (page switches drop the URL's parameters) and in a cookie
`ctg_jeton_CODE` set by a tiny script, so that scanning the QR code again or typing the code
again on the same device finds the participant back. `st.context.cookies` is read-only and
only holds what the browser sent when the page was loaded: a new cookie counts from the next
page load, which is exactly when it is needed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import urlencode

import streamlit as st

from ctg_workshop.day.joining import Identity, is_valid_token, known_organisations
from ctg_workshop.privacy import participant_data_json
from ui import actions
from ui.partner.memo import memo

CODE_PARAM = "atelier"
TOKEN_PARAM = "jeton"
TOPIC_PARAM = "sujet"
COOKIE_PREFIX = "ctg_jeton_"
COOKIE_DAYS = 180

_IDENTITY = "participer_identity"
_FORGOTTEN = "participer_forgotten_codes"
_EXPIRE_COOKIE = "participer_expire_cookie"
# (code, token) whose cookie this page has already written: the browser reports its cookies
# when the page loads only, so without it every run of the session would write it again.
_COOKIE_WRITTEN = "participer_cookie_written"
_SAFE_COOKIE_PART = re.compile(r"^[A-Za-z0-9_-]+$")


def requested_code() -> str:
    return st.query_params.get(CODE_PARAM, "")


def cookie_name(code: str) -> str:
    return f"{COOKIE_PREFIX}{code}"


def browser_cookies() -> dict[str, str]:
    """The cookies the browser sent when the page was loaded (none outside a browser)."""
    cookies = st.context.cookies.to_dict()
    if not isinstance(cookies, dict):
        return {}
    return {
        name: value for name, value in cookies.items() if isinstance(name, str) and isinstance(value, str)
    }


def candidate_tokens(code: str) -> list[str]:
    """Tokens that may name this device's participant in the workshop `code`, best first."""
    kept = memo()
    remembered = kept.get(_IDENTITY) or {}
    candidates = [
        st.query_params.get(TOKEN_PARAM, ""),
        remembered.get("token", "") if remembered.get("code") == code else "",
    ]
    if code not in kept.get(_FORGOTTEN, set()):
        candidates.append(browser_cookies().get(cookie_name(code), ""))
    unique = dict.fromkeys(token for token in candidates if is_valid_token(token))
    return list(unique)


def drop_stale_token() -> None:
    """The address names no participant of this workshop: say so, and take the token out of it."""
    if TOKEN_PARAM in st.query_params:
        del st.query_params[TOKEN_PARAM]
        st.warning("Ce lien de participation n'est plus valable : rejoignez l'atelier de nouveau.")


def remembered_codes() -> list[str]:
    """Workshop codes this device joined before (from its cookies)."""
    return sorted(
        name.removeprefix(COOKIE_PREFIX)
        for name, value in browser_cookies().items()
        if name.startswith(COOKIE_PREFIX) and is_valid_token(value)
    )


def remember(identity: Identity) -> None:
    """Keep the identity in the session, a cookie, and the URL until the browser has the cookie.

    Once the browser sends the cookie back (it loaded the page with it), the token leaves the
    address bar: sharing the page's address no longer hands over one's identity and dots. The
    personal link stays in « Votre lien personnel »."""
    if st.query_params.get(CODE_PARAM) != identity.workshop_code:
        st.query_params[CODE_PARAM] = identity.workshop_code
    if browser_cookies().get(cookie_name(identity.workshop_code)) == identity.token:
        if TOKEN_PARAM in st.query_params:
            del st.query_params[TOKEN_PARAM]
    elif st.query_params.get(TOKEN_PARAM) != identity.token:
        st.query_params[TOKEN_PARAM] = identity.token
    kept = memo()
    kept[_IDENTITY] = {"code": identity.workshop_code, "token": identity.token}
    kept.get(_FORGOTTEN, set()).discard(identity.workshop_code)


def forget(code: str) -> None:
    """This device stops being the participant (a shared computer, a wrong organisation)."""
    kept = memo()
    kept.pop(_IDENTITY, None)
    if TOKEN_PARAM in st.query_params:
        del st.query_params[TOKEN_PARAM]
    # The cookie the browser sent at page load stays in st.context.cookies: ignore it from now on.
    kept.setdefault(_FORGOTTEN, set()).add(code)
    kept[_EXPIRE_COOKIE] = code
    kept.pop(_COOKIE_WRITTEN, None)


def cookie_script() -> None:
    """Write or expire the identity cookie when the browser does not hold the right value yet."""
    kept = memo()
    expired = kept.pop(_EXPIRE_COOKIE, None)
    remembered = kept.get(_IDENTITY) or {}
    code, token = remembered.get("code", ""), remembered.get("token", "")
    if expired and _SAFE_COOKIE_PART.match(expired):
        _run_cookie_js(cookie_name(expired), "", max_age=0)
        return
    safe = bool(_SAFE_COOKIE_PART.match(code) and _SAFE_COOKIE_PART.match(token))
    written = kept.get(_COOKIE_WRITTEN) == (code, token)
    if safe and not written and browser_cookies().get(cookie_name(code)) != token:
        _run_cookie_js(cookie_name(code), token, max_age=COOKIE_DAYS * 24 * 3600)
        kept[_COOKIE_WRITTEN] = (code, token)


def _run_cookie_js(name: str, value: str, *, max_age: int) -> None:
    # name and value only hold [A-Za-z0-9_-] (checked by the callers); json.dumps quotes them.
    cookie = f"{name}={value}; path=/; max-age={max_age}; SameSite=Lax"
    st.html(
        "<script>document.cookie = "
        f"{json.dumps(cookie)} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def personal_link(identity: Identity) -> str | None:
    """The URL that brings this participant back on any device (None outside a browser)."""
    base = st.context.url
    if not base:
        return None
    query = urlencode({CODE_PARAM: identity.workshop_code, TOKEN_PARAM: identity.token})
    return f"{base}?{query}"


# --- Shared data ------------------------------------------------------------------------------

ORGANISATIONS_TTL_S = 20


@st.cache_data(ttl=ORGANISATIONS_TTL_S, show_spinner=False, max_entries=50)
def organisations_of(workshop_id: int) -> list[str]:
    """The organisations already in the workshop, for the join form: read once per workshop and
    per 20 s for every phone this process serves (hundreds of phones join within minutes)."""
    return actions.read(lambda session: known_organisations(session=session, workshop_id=workshop_id))


def my_data_download(identity: Identity) -> Callable[[], bytes]:
    """What « Télécharger mes données » sends (RGPD right of access): everything stored about
    this participant, as JSON. Built only when the button is tapped, not on every run."""
    return actions.deferred_read(
        lambda s: participant_data_json(session=s, workshop_id=identity.workshop_id, reference=identity.token)
    )
