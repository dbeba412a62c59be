"""A facilitator who stays logged in: a session per browser that survives a reload.

After a login (`access.log_in_facilitator`), the server gives the browser a random token in an
HttpOnly cookie, signed (`sign`) with a key every server process shares: `CTG_SESSION_SECRET`
if set (32 characters at least), else a key generated once and kept in the database
(`app_secret`). The database keeps only the token's SHA-256 and its expiry: a copy of the
database opens no session. Each request's cookie is checked (`verify`) and then looked up
(`facilitator_for_session`); the session ends at logout (`close_facilitator_session`), when the
passphrase changes (`close_workshop_sessions`), or `SESSION_HOURS` after the login.

Nothing here commits: the caller's transaction does.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ctg_workshop.errors import InvalidInputError
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.models import AppSecret, FacilitatorSession, Workshop

SESSION_HOURS = 12  # a whole day of workshop from the morning's login
SECRET_ENV = "CTG_SESSION_SECRET"
COOKIE_PREFIX = "ctg_animation_"  # one cookie per workshop: ctg_animation_ARMDEMO
SIGNING_SECRET = "session-signing"
SECRET_MIN_LENGTH = 32
TOKEN_BYTES = 32


@dataclass(frozen=True)
class FacilitatorLogin:
    """An open session: `token` goes to the browser (signed, in an HttpOnly cookie), never to
    the database; `expires_at` (naive UTC) is the cookie's expiry too."""

    workshop_id: int
    token: str
    expires_at: dt.datetime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_facilitator_session(
    *, session: Session, workshop_id: int, now: dt.datetime | None = None
) -> FacilitatorLogin:
    """A new session for a facilitator who has just given the right passphrase."""
    now = now or utc_now()
    session.execute(delete(FacilitatorSession).where(FacilitatorSession.expires_at <= now))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + dt.timedelta(hours=SESSION_HOURS)
    session.add(
        FacilitatorSession(
            workshop_id=workshop_id, token_hash=_token_hash(token), created_at=now, expires_at=expires_at
        )
    )
    session.flush()
    return FacilitatorLogin(workshop_id, token, expires_at)


def facilitator_for_session(*, session: Session, token: str, now: dt.datetime | None = None) -> int | None:
    """The workshop the session `token` may facilitate; None if unknown, closed or expired."""
    if not token:
        return None
    now = now or utc_now()
    return session.scalar(
        select(FacilitatorSession.workshop_id).where(
            FacilitatorSession.token_hash == _token_hash(token), FacilitatorSession.expires_at > now
        )
    )


def close_facilitator_session(*, session: Session, token: str) -> None:
    """Logout: the session `token` stops working at once, in every process."""
    session.execute(delete(FacilitatorSession).where(FacilitatorSession.token_hash == _token_hash(token)))


def close_workshop_sessions(*, session: Session, workshop_id: int) -> int:
    """End every facilitator session of the workshop (its passphrase changed); how many ended."""
    result = session.execute(delete(FacilitatorSession).where(FacilitatorSession.workshop_id == workshop_id))
    return result.rowcount or 0


# --------------------------------------------------------------------------- signing


def signing_key(*, session: Session) -> bytes:
    """The key that signs cookies, the same in every server process: `CTG_SESSION_SECRET`, else
    the one generated on first use and kept in the database. The caller may keep it for the
    process's life (it changes only if the environment does)."""
    configured = os.environ.get(SECRET_ENV, "").strip()
    if configured:
        if len(configured) < SECRET_MIN_LENGTH:
            raise InvalidInputError(
                f"{SECRET_ENV} est trop court : {SECRET_MIN_LENGTH} caractères au moins "
                "(par exemple la sortie de « python -c 'import secrets; print(secrets.token_urlsafe(48))' »)."
            )
        return configured.encode("utf-8")
    stored = session.scalar(select(AppSecret.value).where(AppSecret.name == SIGNING_SECRET))
    if stored is None:
        stored = _create_secret(session, SIGNING_SECRET)
    return stored.encode("utf-8")


def _create_secret(session: Session, name: str) -> str:
    """Generate and store a secret; if another process stored one first, take theirs."""
    value = secrets.token_urlsafe(48)
    try:
        with session.begin_nested():
            session.add(AppSecret(name=name, value=value, created_at=utc_now()))
    except IntegrityError:
        return session.scalars(select(AppSecret.value).where(AppSecret.name == name)).one()
    return value


def _signature(value: str, key: bytes) -> str:
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign(value: str, key: bytes) -> str:
    """`value.signature` (HMAC-SHA256, URL-safe base64): what a cookie carries."""
    return f"{value}.{_signature(value, key)}"


def verify(signed: str, key: bytes) -> str | None:
    """The value `sign` signed with `key`, or None if the signature is missing or wrong
    (compared in constant time)."""
    value, dot, signature = (signed or "").rpartition(".")
    expected = _signature(value, key).encode("ascii")
    if not dot or not hmac.compare_digest(signature.encode("utf-8"), expected):
        return None
    return value


# --------------------------------------------------------------------------- cookie


def cookie_name(code: str) -> str:
    """The name of the cookie that keeps a facilitator of workshop `code` logged in."""
    return f"{COOKIE_PREFIX}{code}"


@dataclass(frozen=True)
class CookieSession:
    """What a valid facilitator cookie opens: the workshop (its id and code) until `expires_at`."""

    workshop_id: int
    code: str
    expires_at: dt.datetime


def session_for_cookie(
    *, session: Session, signed: str, now: dt.datetime | None = None
) -> CookieSession | None:
    """The open session a cookie's signed token names; None if the signature is wrong, or the
    session unknown, closed (logout, new passphrase) or expired."""
    token = verify(signed, signing_key(session=session))
    if not token:
        return None
    now = now or utc_now()
    row = session.execute(
        select(FacilitatorSession.workshop_id, Workshop.code, FacilitatorSession.expires_at)
        .join(Workshop, Workshop.id == FacilitatorSession.workshop_id)
        .where(FacilitatorSession.token_hash == _token_hash(token), FacilitatorSession.expires_at > now)
    ).one_or_none()
    return None if row is None else CookieSession(row.workshop_id, row.code, row.expires_at)


def close_cookie_session(*, session: Session, signed: str) -> None:
    """Logout from a cookie's signed token (a wrong signature closes nothing)."""
    token = verify(signed, signing_key(session=session))
    if token:
        close_facilitator_session(session=session, token=token)


@dataclass(frozen=True)
class SignedLogin:
    """A facilitator session as a browser keeps it: the workshop, its code, the signed token
    (for the HttpOnly cookie)."""

    workshop_id: int
    code: str
    signed: str


def signed_login(*, session: Session, login: FacilitatorLogin) -> SignedLogin:
    """`login` signed with the application's key, with its workshop's code."""
    code = session.get_one(Workshop, login.workshop_id).code
    return SignedLogin(login.workshop_id, code, sign(login.token, signing_key(session=session)))


def open_signed_session(*, session: Session, workshop_id: int) -> SignedLogin:
    """A new facilitator session for `workshop_id` (after its creation), signed."""
    return signed_login(
        session=session, login=open_facilitator_session(session=session, workshop_id=workshop_id)
    )
