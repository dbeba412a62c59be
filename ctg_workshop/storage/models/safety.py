"""Access and safety, shared by every server process through the database (migration 0005):
facilitator sessions, failed-login throttling, the shared secret, the automatic backup's lease."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctg_workshop.storage.models.base import PK, Base, Timestamp


class FacilitatorSession(Base):
    """A facilitator logged in on one browser: the cookie carries the token, the database only
    its SHA-256 (a stolen copy of the database opens no session). Deleted on logout, on a
    passphrase change, and once expired."""

    __tablename__ = "facilitator_session"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        CheckConstraint("length(token_hash) = 64", name="token_hash_length"),
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[Timestamp]
    expires_at: Mapped[Timestamp]


class LoginThrottle(Base):
    """Failed logins of one client (a hash of what the caller names it by, e.g. its address) on
    one target (`admin`, or `workshop:<id>`): every process counts the same attempts, and one
    person's mistakes slow down only that person."""

    __tablename__ = "login_throttle"
    __table_args__ = (
        UniqueConstraint("target", "client_hash"),
        CheckConstraint("failures >= 0", name="failures_positive"),
        CheckConstraint("length(client_hash) = 64", name="client_hash_length"),
    )

    id: Mapped[PK]
    target: Mapped[str] = mapped_column(String(40))
    client_hash: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[Timestamp]


class AppSecret(Base):
    """A secret the server processes share, generated once (the key that signs the
    facilitator's cookie, unless `CTG_SESSION_SECRET` sets it)."""

    __tablename__ = "app_secret"
    __table_args__ = (CheckConstraint("length(value) >= 32", name="value_length"),)

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[Timestamp]


class BackupLease(Base):
    """Who writes the next automatic backup: the first process whose conditional UPDATE moves
    `due_at` forward (archive/backups.py). One row per schedule, created by migration 0005."""

    __tablename__ = "backup_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    due_at: Mapped[Timestamp]
    holder: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
