"""After the signature: indicators and their yearly figures, each fiche's progress, the history
of changes, committee meetings, and the partners' reporting links."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctg_workshop.storage.models.base import (
    PK,
    Base,
    EnumText,
    Short,
    StringList,
    Timestamp,
    charset_checks,
    in_list,
)

# --------------------------------------------------------------------------- after the signature
# Archive version 2, `workshop.follow_up` (migration 0006). Figures are stored as whole
# thousandths (`value_milli`): the spec allows three decimals, and integers compare and sum
# exactly on every database.


class ProgressStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class MeetingKind(StrEnum):
    COPIL = "copil"
    COTECH = "cotech"


VALUE_MILLI_LIMIT = 1_000_000_000_000  # ±1 000 000 000 with three decimals
Milli = Annotated[int, mapped_column(BigInteger)]


def _milli_range(column: str) -> CheckConstraint:
    return CheckConstraint(
        f"{column} IS NULL OR {column} BETWEEN {-VALUE_MILLI_LIMIT} AND {VALUE_MILLI_LIMIT}",
        name=f"{column}_range",
    )


def _year_and_value_together(prefix: str) -> CheckConstraint:
    return CheckConstraint(
        f"({prefix}_year IS NULL) = ({prefix}_value_milli IS NULL)", name=f"{prefix}_complete"
    )


class Indicator(Base):
    """What is measured for one fiche action: a baseline, a target, one value per year."""

    __tablename__ = "indicator"
    __table_args__ = (
        UniqueConstraint("workshop_id", "key"),
        UniqueConstraint("workshop_id", "position"),
        UniqueConstraint("topic_id", "label"),
        UniqueConstraint("id", "workshop_id"),
        ForeignKeyConstraint(
            ["topic_id", "workshop_id"], ["topic.id", "topic.workshop_id"], ondelete="CASCADE"
        ),
        CheckConstraint("length(key) BETWEEN 1 AND 32", name="key_length"),
        *charset_checks("key", "*[^a-z0-9-]*", "^[a-z0-9-]+$"),
        CheckConstraint("length(label) BETWEEN 1 AND 200", name="label_length"),
        CheckConstraint("unit IS NULL OR length(unit) BETWEEN 1 AND 40", name="unit_length"),
        _year_and_value_together("baseline"),
        _year_and_value_together("target"),
        _milli_range("baseline_value_milli"),
        _milli_range("target_value_milli"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(index=True)
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    label: Mapped[Short]
    unit: Mapped[str | None] = mapped_column(String(40))
    baseline_year: Mapped[int | None]
    baseline_value_milli: Mapped[int | None] = mapped_column(BigInteger)
    target_year: Mapped[int | None]
    target_value_milli: Mapped[int | None] = mapped_column(BigInteger)

    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", order_by="IndicatorValue.year", cascade="all, delete-orphan"
    )


class IndicatorValue(Base):
    """An indicator's figure for one year (a trigger keeps the year within the period)."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "year"),
        _milli_range("value_milli"),
        CheckConstraint(
            "reported_by IS NULL OR length(reported_by) BETWEEN 1 AND 200", name="reported_by_length"
        ),
        CheckConstraint("comment IS NULL OR length(comment) BETWEEN 1 AND 2000", name="comment_length"),
    )

    id: Mapped[PK]
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    year: Mapped[int]
    value_milli: Mapped[Milli]
    reported_by: Mapped[str | None] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[Timestamp]

    indicator: Mapped[Indicator] = relationship(back_populates="values")


class ActionProgress(Base):
    """Where one fiche action stands in one year (a trigger keeps the year within the period)."""

    __tablename__ = "action_progress"
    __table_args__ = (
        UniqueConstraint("topic_id", "year"),
        ForeignKeyConstraint(
            ["topic_id", "workshop_id"], ["topic.id", "topic.workshop_id"], ondelete="CASCADE"
        ),
        CheckConstraint(in_list("status", ProgressStatus), name="status_value"),
        CheckConstraint("note IS NULL OR length(note) BETWEEN 1 AND 2000", name="note_length"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int]
    year: Mapped[int]
    status: Mapped[ProgressStatus] = mapped_column(EnumText(ProgressStatus))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[Timestamp]


class FollowUpChange(Base):
    """Who changed a figure or a status, when, and to what: the history of the follow-up,
    append-only (not part of the archive). `changed_by` is an organisation or a role."""

    __tablename__ = "follow_up_change"
    __table_args__ = (
        CheckConstraint("kind IN ('value', 'progress')", name="kind_value"),
        CheckConstraint("length(changed_by) BETWEEN 1 AND 200", name="changed_by_length"),
        Index("ix_follow_up_change_workshop_id", "workshop_id", "changed_at"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    year: Mapped[int]
    # The new figure (kind `value`, null when removed) or status (kind `progress`).
    value_milli: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[Short]
    changed_at: Mapped[Timestamp]


class Meeting(Base):
    """A steering (COPIL) or technical (COTECH) committee's meeting and its decisions.
    Attendees are organisations or roles, never a person's name."""

    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("workshop_id", "key"),
        CheckConstraint("length(key) BETWEEN 1 AND 32", name="key_length"),
        *charset_checks("key", "*[^a-z0-9-]*", "^[a-z0-9-]+$"),
        CheckConstraint(in_list("kind", MeetingKind), name="kind_value"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[MeetingKind] = mapped_column(EnumText(MeetingKind))
    held_on: Mapped[dt.date]
    attendees: Mapped[StringList]
    decisions: Mapped[StringList]


class ReportingLink(Base):
    """A partner organisation's link to report its figures without an account: 128 random bits,
    revocable, with the fiches it reports for (not part of the archive)."""

    __tablename__ = "reporting_link"
    __table_args__ = (
        UniqueConstraint("token"),
        CheckConstraint("length(token) >= 22", name="token_length"),
        CheckConstraint("length(organisation) BETWEEN 1 AND 200", name="organisation_length"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[Short]
    token: Mapped[str] = mapped_column(String(64))
    # The fiches (topic ids) this organisation reports for.
    topic_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[Timestamp]
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
