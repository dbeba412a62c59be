"""A topic's items open to dots, per quadrant, read from one index.

`ix_item_topic_open` (topic_id, quadrant, hidden, merged_into_id) replaces `ix_item_topic_id`
(topic_id, its first column): every full run of a partner's vote page counts the topic's items
open to dots per quadrant and takes the first cards of each quadrant in the partner's own order
(`day.ballot`); both now read the index alone, one quadrant at a time, instead of every item of
the topic from the table. One index fewer to keep up at each new item.

Plain CREATE INDEX on both databases (no table rebuild on SQLite). On PostgreSQL it blocks
writes to the table while it builds: run `python -m ctg_workshop migrate` before the day, not
during it (docs/deploiement.md).

Revision ID: 0008_item_topic_open
Revises: 0007_deliberation
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0008_item_topic_open"
down_revision = "0007_deliberation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_item_topic_open"), "item", ["topic_id", "quadrant", "hidden", "merged_into_id"], unique=False
    )
    op.drop_index(op.f("ix_item_topic_id"), table_name="item")


def downgrade() -> None:
    op.create_index(op.f("ix_item_topic_id"), "item", ["topic_id"], unique=False)
    op.drop_index(op.f("ix_item_topic_open"), table_name="item")
