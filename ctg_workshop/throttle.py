"""Failed logins, counted per client and per target, in the database.

A *target* is what is being logged into: `admin`, or one workshop's facilitator access
(`workshop_target(id)`). A *client* is what the caller knows the person by (their address, as
the server sees it); only its SHA-256 is stored, and a client's row goes on success or after a
day without failures. Every server process reads and writes the same rows: two processes
behind nginx count the same attempts. And one person's mistakes slow down that person only:
ten wrong passphrases from one browser do not lock the facilitator out of another.

After `FREE_ATTEMPTS` failures, each new attempt must wait a delay that doubles with every
further failure (30 s, 1 min, 2 min… at most one hour).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ctg_workshop.storage.models import LoginThrottle

FREE_ATTEMPTS = 5
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
FORGET_AFTER = dt.timedelta(days=1)
ADMIN_TARGET = "admin"


def workshop_target(workshop_id: int) -> str:
    return f"workshop:{workshop_id}"


def client_hash(client: str | None) -> str:
    """What is stored of a client: the SHA-256 of its key (an unknown client is one shared key)."""
    return hashlib.sha256((client or "").encode("utf-8")).hexdigest()


def retry_delay(failures: int) -> int:
    """Seconds to wait after the last failure before a new attempt (0 while attempts are free)."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_SECONDS)


def seconds_to_wait(failures: int, last_failed_at: dt.datetime | None, now: dt.datetime) -> int:
    """How long from `now` until the next attempt is accepted (0: it is accepted now)."""
    delay = retry_delay(failures)
    if not delay or last_failed_at is None:
        return 0
    remaining = (last_failed_at + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(int(remaining + 0.999), 0)


def wait_sentence(seconds: int) -> str:
    """« 2 minutes et 5 secondes » : a delay in French words."""
    minutes, rest = divmod(max(seconds, 1), 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes > 1 else ''}")
    if rest:
        parts.append(f"{rest} seconde{'s' if rest > 1 else ''}")
    return " et ".join(parts)


class Throttle(Protocol):
    """Where failures are counted: the database (`DatabaseThrottle`), shared by every process."""

    def wait(self, target: str, client: str | None, now: dt.datetime) -> int: ...

    def fail(self, target: str, client: str | None, now: dt.datetime) -> int: ...

    def clear(self, target: str, client: str | None) -> None: ...


@dataclass(frozen=True)
class DatabaseThrottle:
    """Failures in `login_throttle`, in the caller's transaction (never committed here)."""

    session: Session

    def wait(self, target: str, client: str | None, now: dt.datetime) -> int:
        """Seconds before `client` may try `target` again (0: now)."""
        row = self.session.execute(
            select(LoginThrottle.failures, LoginThrottle.last_failed_at)
            .where(LoginThrottle.target == target, LoginThrottle.client_hash == client_hash(client))
            .with_for_update()
        ).one_or_none()
        return 0 if row is None else seconds_to_wait(row.failures, row.last_failed_at, now)

    def fail(self, target: str, client: str | None, now: dt.datetime) -> int:
        """Count one more failure (one statement: two processes failing at once count two)."""
        self.session.execute(delete(LoginThrottle).where(LoginThrottle.last_failed_at < now - FORGET_AFTER))
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(LoginThrottle).values(
            target=target, client_hash=client_hash(client), failures=1, last_failed_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=[LoginThrottle.target, LoginThrottle.client_hash],
            set_={"failures": LoginThrottle.failures + 1, "last_failed_at": now},
        ).returning(LoginThrottle.failures)
        return int(self.session.execute(statement).scalar_one())

    def clear(self, target: str, client: str | None) -> None:
        self.session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.target == target, LoginThrottle.client_hash == client_hash(client)
            )
        )

    def failures(self, target: str, client: str | None) -> int:
        """The failures counted now (0 if none): what a page or a test may show."""
        count = self.session.scalar(
            select(LoginThrottle.failures).where(
                LoginThrottle.target == target, LoginThrottle.client_hash == client_hash(client)
            )
        )
        return count or 0
