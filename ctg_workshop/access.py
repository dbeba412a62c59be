"""Who may do what: the administrator password, the facilitator passphrase, the projection link.

- The administrator password (env `CTG_ADMIN_PASSWORD`, or the page passes Streamlit's secret
  `admin_password`) is needed to create a workshop. It should be configured as its scrypt hash
  (`python -m ctg_workshop hash-secret` prints one): then the server never holds it in clear.
- Each workshop has a facilitator passphrase, stored as `scrypt$n$r$p$salt$hash` (random salt,
  the parameters kept with the hash so they can be raised later), compared in constant time.
  The right passphrase opens a session that survives a reload (`log_in_facilitator`, see
  `sessions.py`); changing the passphrase ends every session of the workshop.
- Failed logins are counted per client and per workshop (or for the administrator) in the
  database (`throttle.py`): every process counts the same attempts, and one person's mistakes
  slow down only that person. After `FREE_ATTEMPTS` failures, each new attempt must wait a
  delay that doubles with every further failure (30 s, 1 min, 2 min… at most one hour).
  A refusal records the failure in the caller's session *and* raises: the caller catches the
  error inside its `write_session` block so that the count is committed.
- The projection link carries the workshop's `view_token` (read-only, no passphrase).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.errors import CtgError, InvalidInputError, NotFoundError
from ctg_workshop.identifiers import new_token, normalize_code, utc_now
from ctg_workshop.sessions import (
    FacilitatorLogin,
    SignedLogin,
    close_workshop_sessions,
    open_facilitator_session,
    signed_login,
)
from ctg_workshop.storage.models import Workshop
from ctg_workshop.throttle import (
    ADMIN_TARGET,
    FREE_ATTEMPTS,
    DatabaseThrottle,
    Throttle,
    retry_delay,
    wait_sentence,
    workshop_target,
)

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32
SALT_BYTES = 16
PASSPHRASE_MIN = 8
PASSPHRASE_MAX = 200
ADMIN_PASSWORD_ENV = "CTG_ADMIN_PASSWORD"


class AccessDeniedError(CtgError):
    """A wrong passphrase or password, or no credential configured."""


class TooManyAttemptsError(AccessDeniedError):
    """Too many failed attempts: the next one is accepted only after `wait_seconds`."""

    def __init__(self, message: str, wait_seconds: int) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


# --------------------------------------------------------------------------- hashing


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=256 * 1024 * 1024
    )


def hash_secret(secret: str) -> str:
    """`scrypt$n$r$p$salt$hash` for `secret`, with a fresh random salt (never the secret itself)."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str | None) -> bool:
    """Whether `secret` matches the `stored` hash (constant-time comparison; False if malformed)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest, validate=True)
        if scheme != "scrypt":
            return False
        actual = _scrypt(secret, base64.b64decode(salt, validate=True), int(n), int(r), int(p), len(expected))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def check_passphrase_rules(passphrase: str) -> str:
    """The passphrase if it is long enough to resist guessing, else InvalidInputError (French)."""
    if len(passphrase) < PASSPHRASE_MIN:
        raise InvalidInputError(
            f"Phrase secrète trop courte : {PASSPHRASE_MIN} caractères au moins "
            "(par exemple trois mots séparés par des tirets)."
        )
    if len(passphrase) > PASSPHRASE_MAX:
        raise InvalidInputError(f"Phrase secrète trop longue : {PASSPHRASE_MAX} caractères au plus.")
    return passphrase


# --------------------------------------------------------------------------- throttling


def _too_many(wait: int) -> TooManyAttemptsError:
    return TooManyAttemptsError(
        f"Trop d'essais infructueux : patientez {wait_sentence(wait)} avant de réessayer.", wait
    )


# --------------------------------------------------------------------------- throttled checks


def _checked(
    throttle: Throttle,
    target: str,
    client: str | None,
    now: dt.datetime,
    matches: bool,
    wrong: Callable[[int], str],
) -> None:
    """Let a right secret through (the client's failures forgotten), or count a failure and
    raise: the delay to wait once attempts are no longer free, else `wrong(failures)`."""
    if matches:
        throttle.clear(target, client)
        return
    failures = throttle.fail(target, client, now)
    delay = retry_delay(failures)
    if delay:
        raise _too_many(delay)
    raise AccessDeniedError(wrong(failures))


def _wrong_passphrase(failures: int) -> str:
    left = FREE_ATTEMPTS - failures
    return (
        f"Phrase secrète incorrecte. Encore {left} essai{'s' if left > 1 else ''} avant un délai d'attente."
    )


def _refuse_if_waiting(throttle: Throttle, target: str, client: str | None, now: dt.datetime) -> None:
    wait = throttle.wait(target, client, now)
    if wait:
        raise _too_many(wait)


# --------------------------------------------------------------------------- facilitator


def set_facilitator_passphrase(*, session: Session, workshop_id: int, passphrase: str) -> None:
    """Store the hash of a new facilitator passphrase: the old one, and every session opened
    with it, stop working at once."""
    check_passphrase_rules(passphrase)
    workshop = session.scalar(select(Workshop).where(Workshop.id == workshop_id).with_for_update())
    if workshop is None:
        raise NotFoundError("Cet atelier n'existe plus.")
    workshop.facilitator_secret_hash = hash_secret(passphrase)
    close_workshop_sessions(session=session, workshop_id=workshop.id)
    session.flush()


def check_facilitator(
    *,
    session: Session,
    code: str,
    passphrase: str,
    client: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """The id of workshop `code` if `passphrase` is its facilitator passphrase.

    `client` names who is trying (the address the server sees): failures are counted for that
    client on that workshop only. Raises NotFoundError (unknown code), TooManyAttemptsError
    (wait before trying again) or AccessDeniedError (wrong passphrase). A wrong passphrase is
    counted in `session`: catch the error inside the `write_session` block so that the count
    is committed. The workshop's row is not locked: votes go on while the passphrase is checked.
    """
    now = now or utc_now()
    wanted = normalize_code(code)
    workshop = session.scalar(select(Workshop).where(Workshop.code == wanted))
    if workshop is None:
        raise NotFoundError(f"Aucun atelier ne porte le code « {wanted} ».")
    throttle, target = DatabaseThrottle(session), workshop_target(workshop.id)
    _refuse_if_waiting(throttle, target, client, now)
    if not workshop.facilitator_secret_hash:
        raise AccessDeniedError(
            "Cet atelier n'a pas encore de phrase secrète d'animation : demandez à l'administrateur "
            "de la définir (page « Préparer »)."
        )
    matches = verify_secret(passphrase, workshop.facilitator_secret_hash)
    _checked(throttle, target, client, now, matches, _wrong_passphrase)
    session.flush()
    return workshop.id


def log_in_facilitator(
    *,
    session: Session,
    code: str,
    passphrase: str,
    client: str | None = None,
    now: dt.datetime | None = None,
) -> FacilitatorLogin:
    """`check_facilitator`, then a session that survives a reload (its token for the cookie)."""
    workshop_id = check_facilitator(session=session, code=code, passphrase=passphrase, client=client, now=now)
    return open_facilitator_session(session=session, workshop_id=workshop_id, now=now)


def log_in_signed(*, session: Session, code: str, passphrase: str, client: str | None = None) -> SignedLogin:
    """`log_in_facilitator`, signed for the browser's cookie."""
    login = log_in_facilitator(session=session, code=code, passphrase=passphrase, client=client)
    return signed_login(session=session, login=login)


def facilitator_failures(*, session: Session, workshop_id: int, client: str | None = None) -> int:
    """The failed logins counted now for `client` on the workshop (0 after a success)."""
    return DatabaseThrottle(session).failures(workshop_target(workshop_id), client)


# --------------------------------------------------------------------------- administrator


def configured_admin_password(secret_value: str | None = None) -> str | None:
    """The administrator password: `CTG_ADMIN_PASSWORD`, else the page's secret, else None."""
    value = os.environ.get(ADMIN_PASSWORD_ENV, "") or (secret_value or "")
    return value or None


def admin_password_matches(password: str, expected: str) -> bool:
    """`password` against the configured value: a scrypt hash (recommended) or, for a quick
    start, the password itself — both compared in constant time."""
    if expected.startswith("scrypt$"):
        return verify_secret(password, expected)
    # Digests first: equal lengths, and compare_digest accepts any text once encoded.
    given = hashlib.sha256(password.encode("utf-8")).digest()
    wanted = hashlib.sha256(expected.encode("utf-8")).digest()
    return hmac.compare_digest(given, wanted)


def check_admin_password(
    password: str,
    *,
    session: Session,
    client: str | None = None,
    expected: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Accept the administrator password or raise AccessDeniedError (French).

    `expected` defaults to `configured_admin_password()`. Failures are counted per `client` in
    the database through `session` (catch the error inside the `write_session` block so that
    the count is committed), slowed down like facilitator logins, the same in every process.
    """
    expected = expected if expected is not None else configured_admin_password()
    if not expected:
        raise AccessDeniedError(
            "Aucun mot de passe administrateur n'est configuré : définissez la variable "
            f"d'environnement {ADMIN_PASSWORD_ENV} (ou `admin_password` dans .streamlit/secrets.toml), "
            "puis redémarrez l'application."
        )
    now = now or utc_now()
    throttle: Throttle = DatabaseThrottle(session)
    _refuse_if_waiting(throttle, ADMIN_TARGET, client, now)
    matches = admin_password_matches(password, expected)
    _checked(
        throttle,
        ADMIN_TARGET,
        client,
        now,
        matches,
        lambda _failures: "Mot de passe administrateur incorrect.",
    )


# --------------------------------------------------------------------------- projection link


def ensure_view_token(*, session: Session, workshop_id: int) -> str:
    """The workshop's projection token, created on first use."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFoundError("Cet atelier n'existe plus.")
    if not workshop.view_token:
        workshop.view_token = new_token()
        session.flush()
    return workshop.view_token


def renew_view_token(*, session: Session, workshop_id: int) -> str:
    """A new projection token: links given out before stop working."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFoundError("Cet atelier n'existe plus.")
    workshop.view_token = new_token()
    session.flush()
    return workshop.view_token


def workshop_for_view_token(*, session: Session, token: str) -> int:
    """The id of the workshop whose projection link carries `token`."""
    token = token.strip()
    if len(token) < 16:
        raise NotFoundError("Lien de projection invalide : demandez le lien à l'animateur.")
    workshop_id = session.scalar(select(Workshop.id).where(Workshop.view_token == token))
    if workshop_id is None:
        raise NotFoundError(
            "Lien de projection inconnu ou renouvelé : demandez le nouveau lien à l'animateur."
        )
    return workshop_id


def projection_path(view_token: str) -> str:
    """The projection page's path and query, to append to the app's base URL."""
    return f"/projection?vue={view_token}"


def facilitator_stamp(*, session: Session, workshop_id: int) -> str | None:
    """A short fingerprint of the current passphrase hash (None: no such workshop or passphrase).

    A login remembers it: when the passphrase is changed, every open facilitator session ends.
    """
    stored = session.scalar(select(Workshop.facilitator_secret_hash).where(Workshop.id == workshop_id))
    if not stored:
        return None
    return hashlib.sha256(stored.encode("ascii")).hexdigest()[:16]
