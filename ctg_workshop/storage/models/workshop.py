"""The workshop and the rows it is made of: its themes, its topics (sujets d'étude) each with
its fiche action, its diagnostic lines and its participants. They sit together because each
pair points at the other (`back_populates`)."""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctg_workshop.storage.models.base import (
    PK,
    Base,
    EnumText,
    SheetText,
    Short,
    StringList,
    Timestamp,
    charset_checks,
    in_list,
)


class Phase(StrEnum):
    COLLECT = "collect"
    GROUP = "group"
    VOTE = "vote"
    CLOSED = "closed"


class Workshop(Base):
    __tablename__ = "workshop"
    __table_args__ = (
        CheckConstraint("length(code) BETWEEN 4 AND 12", name="code_length"),
        *charset_checks("code", "*[^A-Z0-9]*", "^[A-Z0-9]+$"),
        CheckConstraint("length(title) BETWEEN 1 AND 200", name="title_length"),
        CheckConstraint("length(territory) BETWEEN 1 AND 200", name="territory_length"),
        CheckConstraint("length(partner_body) BETWEEN 1 AND 200", name="partner_body_length"),
        CheckConstraint("period_start <= period_end", name="period_order"),
        CheckConstraint(in_list("phase", Phase), name="phase_value"),
        CheckConstraint("vote_budget BETWEEN 1 AND 20", name="vote_budget_range"),
        CheckConstraint("max_dots_per_item BETWEEN 1 AND vote_budget", name="max_dots_per_item_range"),
        CheckConstraint("failed_logins >= 0", name="failed_logins_positive"),
    )

    id: Mapped[PK]
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[Short]
    territory: Mapped[Short]
    partner_body: Mapped[Short]
    period_start: Mapped[int]
    period_end: Mapped[int]
    held_on: Mapped[dt.date | None]
    phase: Mapped[Phase] = mapped_column(EnumText(Phase), default=Phase.COLLECT)
    vote_budget: Mapped[int] = mapped_column(default=5)
    max_dots_per_item: Mapped[int] = mapped_column(default=3)
    # Whether organisations are shown next to items on phones and on the projection.
    show_organisations: Mapped[bool] = mapped_column(Boolean, default=True)
    # Facilitator access (hashed passphrase), projection link token and countdown.
    facilitator_secret_hash: Mapped[str | None] = mapped_column(String(255))
    view_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    timer_ends_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
    # Unused since 0005 (failed logins are counted per client in `login_throttle`). Kept: dropping
    # a column of `workshop` rebuilds the table on SQLite, and the rebuild's DROP TABLE would
    # cascade into every table that references it.
    failed_logins: Mapped[int] = mapped_column(default=0)
    last_failed_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
    created_at: Mapped[Timestamp]
    # The day the convention was signed (archive version 2, `follow_up.signed_on`).
    signed_on: Mapped[dt.date | None]

    themes: Mapped[list[Theme]] = relationship(
        back_populates="workshop", order_by="Theme.position", cascade="all, delete-orphan"
    )
    diagnostic: Mapped[list[DiagnosticLine]] = relationship(
        back_populates="workshop", order_by="DiagnosticLine.position", cascade="all, delete-orphan"
    )
    topics: Mapped[list[Topic]] = relationship(
        back_populates="workshop", order_by="Topic.position", cascade="all, delete-orphan"
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="workshop", order_by="Participant.id", cascade="all, delete-orphan"
    )


class Theme(Base):
    __tablename__ = "theme"
    __table_args__ = (
        UniqueConstraint("workshop_id", "label"),
        UniqueConstraint("workshop_id", "position"),
        CheckConstraint("length(label) BETWEEN 1 AND 200", name="label_length"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    position: Mapped[int]
    label: Mapped[Short]

    workshop: Mapped[Workshop] = relationship(back_populates="themes")


class DiagnosticLine(Base):
    __tablename__ = "diagnostic_line"
    __table_args__ = (
        UniqueConstraint("workshop_id", "position"),
        CheckConstraint("length(section) BETWEEN 1 AND 200", name="section_length"),
        CheckConstraint("length(label) BETWEEN 1 AND 200", name="label_length"),
        CheckConstraint("length(value) BETWEEN 1 AND 200", name="value_length"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    position: Mapped[int]
    section: Mapped[Short]
    label: Mapped[Short]
    value: Mapped[Short]
    note: Mapped[str | None] = mapped_column(String(200))

    workshop: Mapped[Workshop] = relationship(back_populates="diagnostic")


def new_cards_version() -> int:
    """A topic's first `cards_version`: random, like the ones the triggers write, so that a topic
    made again with the id of a deleted one does not take its cards."""
    return secrets.randbits(62)


class Topic(Base):
    __tablename__ = "topic"
    __table_args__ = (
        UniqueConstraint("workshop_id", "key"),
        UniqueConstraint("workshop_id", "position"),
        # Target of the composite keys that keep an item in its topic's workshop.
        UniqueConstraint("id", "workshop_id"),
        CheckConstraint("length(key) BETWEEN 1 AND 32", name="key_length"),
        *charset_checks("key", "*[^a-z0-9-]*", "^[a-z0-9-]+$"),
        CheckConstraint("length(title) BETWEEN 1 AND 200", name="title_length"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    title: Mapped[Short]
    summary: Mapped[str | None] = mapped_column(Text)
    objectives: Mapped[StringList]
    # Changed by the database (triggers of migration 0009) at every write that could change a
    # card of the topic's vote: the partners' screens keep the cards under it (`day.cards_cache`).
    cards_version: Mapped[int] = mapped_column(BigInteger, default=new_cards_version, server_default="0")

    workshop: Mapped[Workshop] = relationship(back_populates="topics")
    action_sheet: Mapped[ActionSheet | None] = relationship(
        back_populates="topic", cascade="all, delete-orphan"
    )


class Participant(Base):
    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("workshop_id", "key"),
        UniqueConstraint("token"),
        UniqueConstraint("id", "workshop_id"),
        CheckConstraint("length(key) BETWEEN 1 AND 64", name="key_length"),
        CheckConstraint("length(token) >= 22", name="token_length"),
        CheckConstraint("name IS NULL OR length(name) BETWEEN 1 AND 200", name="name_length"),
        CheckConstraint("length(organisation) BETWEEN 1 AND 200", name="organisation_length"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    # 128 random bits, URL-safe: the participant's only credential (link, cookie).
    token: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[Short]
    created_at: Mapped[Timestamp]
    # A paper card typed in by the facilitator for a partner without a phone (day/paper.py).
    # Not part of the archive: once typed, it counts like any other contribution.
    entered_by_facilitator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    workshop: Mapped[Workshop] = relationship(back_populates="participants")


class ActionSheet(Base):
    """A fiche action: the nine parts of the seed convention's two-column table."""

    __tablename__ = "action_sheet"
    __table_args__ = (UniqueConstraint("topic_id"),)

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    title: Mapped[SheetText]
    target_public: Mapped[SheetText]
    # [{"heading": str, "points": [str, ...]}, ...]
    operational_objectives: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    implementation: Mapped[StringList]
    schedule: Mapped[SheetText]
    lead: Mapped[SheetText]
    services: Mapped[StringList]
    expected_results: Mapped[StringList]
    partners: Mapped[StringList]
    indicators: Mapped[StringList]
    # Which item keys each drafted line came from (not part of the archive).
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[Timestamp]

    topic: Mapped[Topic] = relationship(back_populates="action_sheet")
