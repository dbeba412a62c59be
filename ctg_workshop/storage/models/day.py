"""The participatory day: the SWOT items (contributions) partners write, the corrections
moderation keeps, the duplicate suggestions the facilitator rejected, and the dot votes.

The vote budget and the per-item cap are held by triggers (see
`migrations/versions/0001_initial.py`), because they span several tables and must hold under
concurrent writers."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ctg_workshop.storage.models.base import PK, Base, EnumText, Timestamp, in_list
from ctg_workshop.storage.models.workshop import Participant, Topic


class Quadrant(StrEnum):
    STRENGTH = "strength"
    WEAKNESS = "weakness"
    OPPORTUNITY = "opportunity"
    THREAT = "threat"


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
        CheckConstraint(in_list("quadrant", Quadrant), name="quadrant_value"),
        CheckConstraint("length(text) BETWEEN 1 AND 500", name="text_length"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_self"),
        # The visible items of one workshop counted per topic and quadrant (projection counters,
        # home page, documents): read from the index alone (migration 0002).
        Index("ix_item_workshop_id", "workshop_id", "hidden", "topic_id", "quadrant"),
        # A topic's items open to dots, per quadrant (every partner's vote page, the counts and
        # each quadrant's first cards): read from the index alone (migration 0008).
        Index("ix_item_topic_open", "topic_id", "quadrant", "hidden", "merged_into_id"),
    )

    id: Mapped[PK]
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    topic_id: Mapped[int] = mapped_column()
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
