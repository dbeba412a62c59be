"""Codes, tokens and keys: what people type, what links carry, what archives reference."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from ctg_workshop.errors import InvalidInputError

# No O/0 and no I/1: a code read on a projector is typed on a phone without doubt.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_PATTERN = re.compile(r"^[A-Z0-9]{4,12}$")
TOPIC_KEY_PATTERN = re.compile(r"^[a-z0-9-]{1,32}$")


def generate_workshop_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalize_code(typed: str) -> str:
    """What a person typed as a workshop code: case and spaces forgiven."""
    return re.sub(r"[\s\-]+", "", typed).upper()


def check_code(code: str) -> str:
    """Return `code` if it is a valid workshop code, else raise with a French reason."""
    if not CODE_PATTERN.match(code):
        raise InvalidInputError(
            f"Code d'atelier « {code} » invalide : de 4 à 12 caractères, lettres A à Z "
            "(majuscules) et chiffres seulement."
        )
    return code


def new_token() -> str:
    """128 random bits, URL-safe (22 characters): a participant's or a view link's secret."""
    return secrets.token_urlsafe(16)


def new_key(prefix: str) -> str:
    """A short stable key for archives (`p…` for participants, `i…` for items)."""
    return f"{prefix}{secrets.token_hex(5)}"


def utc_now() -> dt.datetime:
    """Now, in UTC, naive, to the second: the precision archives keep."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
