"""The workshop's data model (SQLAlchemy 2.0, typed).

What the database can hold is written here as named constraints; the vote budget and the
per-item cap are held by triggers (see `migrations/versions/0001_initial.py`), because they
span several tables and must hold under concurrent writers.

Glossary: workshop = atelier / journée participative, topic = sujet d'étude,
item = contribution SWOT, action sheet = fiche action.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Phase(StrEnum):
    COLLECT = "collect"
    GROUP = "group"
    VOTE = "vote"
    CLOSED = "closed"


class Quadrant(StrEnum):
    STRENGTH = "strength"
    WEAKNESS = "weakness"
    OPPORTUNITY = "opportunity"
    THREAT = "threat"


def _in_list(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _charset_checks(column: str, sqlite_glob: str, pg_regex: str) -> tuple[CheckConstraint, ...]:
    """The same character-set rule written for each dialect (SQLite has GLOB, PostgreSQL regexes)."""
    return (
        CheckConstraint(f"{column} NOT GLOB '{sqlite_glob}'", name=f"{column}_charset").ddl_if(
            dialect="sqlite"
        ),
        CheckConstraint(f"{column} ~ '{pg_regex}'", name=f"{column}_charset").ddl_if(dialect="postgresql"),
    )


class EnumText(TypeDecorator):
    """A StrEnum stored as its value in a VARCHAR (a named CHECK lists the values): the model
    hands out enum members, so no caller converts strings."""

    impl = String(16)
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum(value)


PK = Annotated[int, mapped_column(Integer, primary_key=True)]
Short = Annotated[str, mapped_column(String(200))]
SheetText = Annotated[str, mapped_column(Text, default="")]
StringList = Annotated[list[str], mapped_column(JSON, default=list)]
Timestamp = Annotated[dt.datetime, mapped_column(DateTime())]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Workshop(Base):
    __tablename__ = "workshop"
    __table_args__ = (
        CheckConstraint("length(code) BETWEEN 4 AND 12", name="code_length"),
        *_charset_checks("code", "*[^A-Z0-9]*", "^[A-Z0-9]+$"),
        CheckConstraint("length(title) BETWEEN 1 AND 200", name="title_length"),
        CheckConstraint("length(territory) BETWEEN 1 AND 200", name="territory_length"),
        CheckConstraint("length(partner_body) BETWEEN 1 AND 200", name="partner_body_length"),
        CheckConstraint("period_start <= period_end", name="period_order"),
        CheckConstraint(_in_list("phase", Phase), name="phase_value"),
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


class Topic(Base):
    __tablename__ = "topic"
    __table_args__ = (
        UniqueConstraint("workshop_id", "key"),
        UniqueConstraint("workshop_id", "position"),
        # Target of the composite keys that keep an item in its topic's workshop.
        UniqueConstraint("id", "workshop_id"),
        CheckConstraint("length(key) BETWEEN 1 AND 32", name="key_length"),
        *_charset_checks("key", "*[^a-z0-9-]*", "^[a-z0-9-]+$"),
        CheckConstraint("length(title) BETWEEN 1 AND 200", name="title_length"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    title: Mapped[Short]
    summary: Mapped[str | None] = mapped_column(Text)
    objectives: Mapped[StringList]

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


class Item(Base):
    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("workshop_id", "key"),
        UniqueConstraint("id", "workshop_id"),
        # Target of the merge key: a group stays within one topic and one quadrant.
        UniqueConstraint("id", "topic_id", "quadrant"),
        ForeignKeyConstraint(
            ["topic_id", "workshop_id"], ["topic.id", "topic.workshop_id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["author_id", "workshop_id"], ["participant.id", "participant.workshop_id"]),
        ForeignKeyConstraint(
            ["merged_into_id", "topic_id", "quadrant"],
            ["item.id", "item.topic_id", "item.quadrant"],
        ),
        CheckConstraint("length(key) BETWEEN 1 AND 64", name="key_length"),
        CheckConstraint(_in_list("quadrant", Quadrant), name="quadrant_value"),
        CheckConstraint("length(text) BETWEEN 1 AND 500", name="text_length"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_self"),
        # The visible items of one workshop counted per topic and quadrant (projection counters,
        # home page, documents): read from the index alone (migration 0002).
        Index("ix_item_workshop_id", "workshop_id", "hidden", "topic_id", "quadrant"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    topic_id: Mapped[int] = mapped_column(index=True)
    quadrant: Mapped[Quadrant] = mapped_column(EnumText(Quadrant))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[Timestamp]
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(index=True)

    topic: Mapped[Topic] = relationship(
        primaryjoin="Item.topic_id == Topic.id", foreign_keys=[topic_id], viewonly=True
    )
    author: Mapped[Participant | None] = relationship(
        primaryjoin="Item.author_id == Participant.id", foreign_keys=[author_id], viewonly=True
    )


class ItemRevision(Base):
    """The text an item had before a correction (moderation keeps the original)."""

    __tablename__ = "item_revision"
    __table_args__ = (
        CheckConstraint("changed_by IN ('participant', 'facilitator')", name="changed_by_value"),
    )

    id: Mapped[PK]
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    previous_text: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[Timestamp]


class MergeRejection(Base):
    """A duplicate suggestion the facilitator rejected: not suggested again."""

    __tablename__ = "merge_rejection"
    __table_args__ = (
        UniqueConstraint("item_low_id", "item_high_id"),
        CheckConstraint("item_low_id < item_high_id", name="pair_order"),
    )

    id: Mapped[PK]
    item_low_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    item_high_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))


class Vote(Base):
    __tablename__ = "vote"
    __table_args__ = (
        UniqueConstraint("participant_id", "item_id"),
        # Participant and item must belong to the vote's workshop.
        ForeignKeyConstraint(
            ["participant_id", "workshop_id"],
            ["participant.id", "participant.workshop_id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(["item_id", "workshop_id"], ["item.id", "item.workshop_id"], ondelete="CASCADE"),
        CheckConstraint("dots BETWEEN 1 AND 20", name="dots_range"),
        # The votes of one workshop (count, reset, totals per item), not the whole table (0002).
        Index("ix_vote_workshop_id", "workshop_id", "item_id"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(index=True)
    item_id: Mapped[int] = mapped_column(index=True)
    dots: Mapped[int]


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


# --------------------------------------------------------------------------- access and safety
# Shared by every server process through the database (migration 0005).


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


# --------------------------------------------------------------------------- the diagnostic's analysis
# Archive version 2, `workshop.narrative` (migration 0006).


class NarrativeSection(Base):
    """The written analysis under one heading of the diagnostic (a diagnostic section, or a
    heading of its own): paragraphs separated by a blank line."""

    __tablename__ = "narrative_section"
    __table_args__ = (
        UniqueConstraint("workshop_id", "section"),
        UniqueConstraint("workshop_id", "position"),
        CheckConstraint("length(section) BETWEEN 1 AND 200", name="section_length"),
        CheckConstraint("length(text) BETWEEN 1 AND 20000", name="text_length"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    position: Mapped[int]
    section: Mapped[Short]
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[Timestamp]


class NarrativeRevision(Base):
    """Every saved version of a section's analysis, newest last (not part of the archive)."""

    __tablename__ = "narrative_revision"
    __table_args__ = (CheckConstraint("length(section) BETWEEN 1 AND 200", name="section_length"),)

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    section: Mapped[Short]
    # Null when the section's text was emptied.
    text: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[Timestamp]


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
        *_charset_checks("key", "*[^a-z0-9-]*", "^[a-z0-9-]+$"),
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
        CheckConstraint(_in_list("status", ProgressStatus), name="status_value"),
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
        *_charset_checks("key", "*[^a-z0-9-]*", "^[a-z0-9-]+$"),
        CheckConstraint(_in_list("kind", MeetingKind), name="kind_value"),
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


# --------------------------------------------------------------------------- the deliberation
# What only the town knows, typed once on page Rédiger (migration 0007); not part of the archive.


class DeliberationSettings(Base):
    __tablename__ = "deliberation_settings"
    __table_args__ = (
        UniqueConstraint("workshop_id"),
        CheckConstraint("councillors IS NULL OR councillors BETWEEN 1 AND 200", name="councillors_range"),
        CheckConstraint("present IS NULL OR present BETWEEN 0 AND 200", name="present_range"),
        CheckConstraint("bonus_cents IS NULL OR bonus_cents >= 0", name="bonus_positive"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    number: Mapped[str | None] = mapped_column(String(50))
    session_date: Mapped[dt.date | None]
    convocation_date: Mapped[dt.date | None]
    councillors: Mapped[int | None]
    present: Mapped[int | None]
    bonus_cents: Mapped[int | None] = mapped_column(BigInteger)
    # A renewal: the date of the deliberation that authorised the previous CTG, and its end.
    previous_deliberation_date: Mapped[dt.date | None]
    previous_end_date: Mapped[dt.date | None]
    themes_committee_date: Mapped[dt.date | None]
    validation_committee_date: Mapped[dt.date | None]
    recruitment: Mapped[bool] = mapped_column(Boolean, default=True)
    # Structures whose funding goes through their Conventions d'Objectifs et de Financement.
    funded_structures: Mapped[StringList]
    mayor: Mapped[str | None] = mapped_column(String(200))
    secretary: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[Timestamp]
