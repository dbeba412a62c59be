"""Drafting after the day: the written analysis of the diagnostic (archive version 2,
`workshop.narrative`, migration 0006) and what only the town knows for its deliberation
(migration 0007). The diagnostic lines and the fiches action hang off the workshop and its
topics (`workshop.py`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctg_workshop.storage.models.base import PK, Base, Short, StringList, Timestamp

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
