"""Indexes that bound per-workshop reads of `item` and `vote` to the workshop.

- `ix_item_workshop_id` (workshop_id, hidden, topic_id, quadrant): the visible items of a
  workshop counted per topic and quadrant (projection counters `live.topic_live_counts`,
  `workshops.topic_counts`, the documents' figures) are read from the index alone; the
  workshop's visible items (`results`, `documents.facts`) use its first two columns.
- `ix_vote_workshop_id` (workshop_id, item_id): the votes of a workshop (`phases.vote_count`,
  the reset when voting reopens, `documents.facts`, `setup`) and their totals per item
  (`results`, `moderation`, the archive) no longer scan the whole `vote` table, every
  workshop included.

Plain CREATE INDEX on both databases (no table rebuild on SQLite). On PostgreSQL it blocks
writes to the table while it builds: run `python -m ctg_workshop migrate` before the day, not
during it (docs/deploiement.md).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_item_workshop_id"),
        "item",
        ["workshop_id", "hidden", "topic_id", "quadrant"],
        unique=False,
    )
    op.create_index(op.f("ix_vote_workshop_id"), "vote", ["workshop_id", "item_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_vote_workshop_id"), table_name="vote")
    op.drop_index(op.f("ix_item_workshop_id"), table_name="item")
