"""A version of each topic's cards, changed by the database at every write that could change one.

During the vote the items do not change (only dots do), yet every full run of a partner's page
(« Actualiser », another topic, another view) read them again. `topic.cards_version` lets the
app keep them in memory (`ctg_workshop.day.cards_cache`) and read only the version with the
workshop: triggers give it a new random value whenever an item of the topic is added, edited,
hidden, grouped, moved or deleted, and when an author's organisation (shown on the cards)
changes. Triggers, not the app's code: no write path can forget it, in any process.

A random value, never a counter: a topic made again with the id of a deleted one, or a database
put back from a copy, never finds another topic's cards under its version.

Plain ADD COLUMN (no table rebuild on SQLite); existing topics get a random version.

Revision ID: 0009_topic_cards_version
Revises: 0008_item_topic_open
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_topic_cards_version"
down_revision = "0008_item_topic_open"
branch_labels = None
depends_on = None

# A random 63-bit value: SQLite's random() is 64-bit signed; PostgreSQL's is a float in [0, 1).
_NEW_VERSION = {
    "sqlite": "random()",
    "postgresql": "floor(random() * 9.2e18)::bigint",
}

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER trg_item_cards_insert AFTER INSERT ON item BEGIN "
    "UPDATE topic SET cards_version = random() WHERE id = NEW.topic_id; END",
    "CREATE TRIGGER trg_item_cards_update AFTER UPDATE ON item BEGIN "
    "UPDATE topic SET cards_version = random() WHERE id IN (OLD.topic_id, NEW.topic_id); END",
    "CREATE TRIGGER trg_item_cards_delete AFTER DELETE ON item BEGIN "
    "UPDATE topic SET cards_version = random() WHERE id = OLD.topic_id; END",
    "CREATE TRIGGER trg_participant_cards AFTER UPDATE OF organisation ON participant "
    "WHEN OLD.organisation IS NOT NEW.organisation BEGIN "
    "UPDATE topic SET cards_version = random() WHERE workshop_id = NEW.workshop_id; END",
)
_SQLITE_DROPS = (
    "DROP TRIGGER IF EXISTS trg_item_cards_insert",
    "DROP TRIGGER IF EXISTS trg_item_cards_update",
    "DROP TRIGGER IF EXISTS trg_item_cards_delete",
    "DROP TRIGGER IF EXISTS trg_participant_cards",
)

_PG_NEW = _NEW_VERSION["postgresql"]
_PG_TRIGGERS = (
    # Nested IFs: PL/pgSQL does not promise to stop at the first false operand of an AND.
    "CREATE FUNCTION ctg_item_cards_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP <> 'INSERT' THEN "
    f"UPDATE topic SET cards_version = {_PG_NEW} WHERE id = OLD.topic_id; END IF; "
    "IF TG_OP = 'INSERT' THEN "
    f"UPDATE topic SET cards_version = {_PG_NEW} WHERE id = NEW.topic_id; "
    "ELSIF TG_OP = 'UPDATE' THEN IF NEW.topic_id <> OLD.topic_id THEN "
    f"UPDATE topic SET cards_version = {_PG_NEW} WHERE id = NEW.topic_id; END IF; END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER trg_item_cards AFTER INSERT OR UPDATE OR DELETE ON item "
    "FOR EACH ROW EXECUTE FUNCTION ctg_item_cards_changed()",
    "CREATE FUNCTION ctg_author_cards_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE topic SET cards_version = {_PG_NEW} WHERE workshop_id = NEW.workshop_id; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER trg_participant_cards AFTER UPDATE OF organisation ON participant "
    "FOR EACH ROW WHEN (OLD.organisation IS DISTINCT FROM NEW.organisation) "
    "EXECUTE FUNCTION ctg_author_cards_changed()",
)
_PG_DROPS = (
    "DROP TRIGGER IF EXISTS trg_participant_cards ON participant",
    "DROP FUNCTION IF EXISTS ctg_author_cards_changed()",
    "DROP TRIGGER IF EXISTS trg_item_cards ON item",
    "DROP FUNCTION IF EXISTS ctg_item_cards_changed()",
)

TRIGGERS = {"sqlite": _SQLITE_TRIGGERS, "postgresql": _PG_TRIGGERS}
DROPS = {"sqlite": _SQLITE_DROPS, "postgresql": _PG_DROPS}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("topic", sa.Column("cards_version", sa.BigInteger(), server_default="0", nullable=False))
    op.execute(f"UPDATE topic SET cards_version = {_NEW_VERSION[dialect]}")
    for statement in TRIGGERS[dialect]:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROPS[op.get_bind().dialect.name]:
        op.execute(statement)
    # SQLite drops the column in place (3.35+): no rebuild of `topic`.
    op.drop_column("topic", "cards_version")
