"""Who may do what: the administrator password, the facilitator passphrase, the projection link.

- The administrator password (env `CTG_ADMIN_PASSWORD`, or the page passes Streamlit's secret
  `admin_password`) is needed to create a workshop. It should be configured as its scrypt hash
  (`python -m ctg_workshop hash-secret` prints one): then the server never holds it in clear.
- Each workshop has a facilitator passphrase, stored as `scrypt$n$r$p$salt$hash` (random salt,
  the parameters kept with the hash so they can be raised later), compared in constant time.
- Failed logins are counted per workshop: after `FREE_ATTEMPTS` failures, each new attempt must
  wait a delay that doubles with every further failure (30 s, 1 min, 2 min… at most one hour).
  `check_facilitator` records a failure in the caller's session *and* raises: the caller catches
  the error inside its `write_session` block so that the count is committed.
- The projection link carries the workshop's `view_token` (read-only, no passphrase).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.errors import CtgError, InvalidInputError, NotFoundError
from ctg_workshop.identifiers import new_token, normalize_code, utc_now
from ctg_workshop.storage.models import Workshop

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32
SALT_BYTES = 16
PASSPHRASE_MIN = 8
PASSPHRASE_MAX = 200
FREE_ATTEMPTS = 5
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
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


def retry_delay(failed_logins: int) -> int:
    """Seconds to wait after the last failure before a new attempt (0 while attempts are free)."""
    if failed_logins < FREE_ATTEMPTS:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** (failed_logins - FREE_ATTEMPTS), MAX_DELAY_SECONDS)


def wait_sentence(seconds: int) -> str:
    """« 2 minutes et 5 secondes » : a delay in French words."""
    minutes, rest = divmod(max(seconds, 1), 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes > 1 else ''}")
    if rest:
        parts.append(f"{rest} seconde{'s' if rest > 1 else ''}")
    return " et ".join(parts)


def seconds_to_wait(failed_logins: int, last_failed_at: dt.datetime | None, now: dt.datetime) -> int:
    """How long from `now` until the next attempt is accepted (0: it is accepted now)."""
    delay = retry_delay(failed_logins)
    if not delay or last_failed_at is None:
        return 0
    remaining = (last_failed_at + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(int(remaining + 0.999), 0)


def _too_many(wait: int) -> TooManyAttemptsError:
    return TooManyAttemptsError(
        f"Trop d'essais infructueux : patientez {wait_sentence(wait)} avant de réessayer.", wait
    )


# --------------------------------------------------------------------------- facilitator


def set_facilitator_passphrase(*, session: Session, workshop_id: int, passphrase: str) -> None:
    """Store the hash of a new facilitator passphrase (the old one stops working at once)."""
    check_passphrase_rules(passphrase)
    workshop = session.scalar(select(Workshop).where(Workshop.id == workshop_id).with_for_update())
    if workshop is None:
        raise NotFoundError("Cet atelier n'existe plus.")
    workshop.facilitator_secret_hash = hash_secret(passphrase)
    workshop.failed_logins = 0
    workshop.last_failed_login_at = None
    session.flush()


def check_facilitator(*, session: Session, code: str, passphrase: str, now: dt.datetime | None = None) -> int:
    """The id of workshop `code` if `passphrase` is its facilitator passphrase.

    Raises NotFoundError (unknown code), TooManyAttemptsError (wait before trying again) or
    AccessDeniedError (wrong passphrase). A wrong passphrase is counted in `session`: catch the
    error inside the `write_session` block so that the count is committed.
    """
    now = now or utc_now()
    wanted = normalize_code(code)
    workshop = session.scalar(select(Workshop).where(Workshop.code == wanted).with_for_update())
    if workshop is None:
        raise NotFoundError(f"Aucun atelier ne porte le code « {wanted} ».")
    wait = seconds_to_wait(workshop.failed_logins, workshop.last_failed_login_at, now)
    if wait:
        raise _too_many(wait)
    if not workshop.facilitator_secret_hash:
        raise AccessDeniedError(
            "Cet atelier n'a pas encore de phrase secrète d'animation : demandez à l'administrateur "
            "de la définir (page « Préparer »)."
        )
    if verify_secret(passphrase, workshop.facilitator_secret_hash):
        workshop.failed_logins = 0
        workshop.last_failed_login_at = None
        session.flush()
        return workshop.id
    workshop.failed_logins += 1
    workshop.last_failed_login_at = now
    session.flush()
    delay = retry_delay(workshop.failed_logins)
    if delay:
        raise _too_many(delay)
    left = FREE_ATTEMPTS - workshop.failed_logins
    raise AccessDeniedError(
        f"Phrase secrète incorrecte. Encore {left} essai{'s' if left > 1 else ''} avant un délai d'attente."
    )


# --------------------------------------------------------------------------- administrator

_admin_lock = threading.Lock()
_admin_failures = {"count": 0, "last": None}


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
    password: str, *, expected: str | None = None, now: dt.datetime | None = None
) -> None:
    """Accept the administrator password or raise AccessDeniedError (French).

    `expected` defaults to `configured_admin_password()`. Failures are counted per server process
    and slowed down the same way as facilitator logins.
    """
    expected = expected if expected is not None else configured_admin_password()
    if not expected:
        raise AccessDeniedError(
            "Aucun mot de passe administrateur n'est configuré : définissez la variable "
            f"d'environnement {ADMIN_PASSWORD_ENV} (ou `admin_password` dans .streamlit/secrets.toml), "
            "puis redémarrez l'application."
        )
    now = now or utc_now()
    with _admin_lock:
        wait = seconds_to_wait(_admin_failures["count"], _admin_failures["last"], now)
        if wait:
            raise _too_many(wait)
        if admin_password_matches(password, expected):
            _admin_failures.update(count=0, last=None)
            return
        _admin_failures.update(count=_admin_failures["count"] + 1, last=now)
        delay = retry_delay(_admin_failures["count"])
    if delay:
        raise _too_many(delay)
    raise AccessDeniedError("Mot de passe administrateur incorrect.")


def reset_admin_throttle() -> None:
    """Forget the administrator's failed attempts (tests, or a server restart)."""
    with _admin_lock:
        _admin_failures.update(count=0, last=None)


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
