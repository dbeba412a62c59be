"""After the signature, and the diagnostic's analysis (archive format version 2).

- `workshop.signed_on`;
- `narrative_section` (the written analysis under each heading of the diagnostic) and
  `narrative_revision` (every saved version);
- `indicator`, `indicator_value` (one per indicator and year), `action_progress` (one per fiche
  and year), `follow_up_change` (who changed a figure or a status, and when), `meeting` (COPIL
  and COTECH) and `reporting_link` (a partner's link to report its figures);
- triggers keep every yearly figure and status within the workshop's period, under concurrent
  writers as for the vote budget (0001): messages start with `ctg:` for the domain to translate.

Revision ID: 0006_follow_up
Revises: 0005_day_safety
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_follow_up"
down_revision = "0005_day_safety"
branch_labels = None
depends_on = None


def _key_charset_check(table: str) -> sa.CheckConstraint:
    sqlite = op.get_bind().dialect.name == "sqlite"
    rule = "key NOT GLOB '*[^a-z0-9-]*'" if sqlite else "key ~ '^[a-z0-9-]+$'"
    return sa.CheckConstraint(rule, name=op.f(f"ck_{table}_key_charset"))


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        _key_charset_check("meeting"),
        sa.CheckConstraint("kind IN ('copil', 'cotech')", name=op.f("ck_meeting_kind_value")),
        sa.CheckConstraint("length(key) BETWEEN 1 AND 32", name=op.f("ck_meeting_key_length")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], name=op.f("fk_meeting_workshop_id_workshop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("workshop_id", "key", name=op.f("uq_meeting_workshop_id_key")),
    )
    op.create_table(
        "narrative_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "length(section) BETWEEN 1 AND 200", name=op.f("ck_narrative_revision_section_length")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_narrative_revision_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_narrative_revision")),
    )
    with op.batch_alter_table("narrative_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_narrative_revision_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "narrative_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "length(section) BETWEEN 1 AND 200", name=op.f("ck_narrative_section_section_length")
        ),
        sa.CheckConstraint("length(text) BETWEEN 1 AND 20000", name=op.f("ck_narrative_section_text_length")),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_narrative_section_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_narrative_section")),
        sa.UniqueConstraint(
            "workshop_id", "position", name=op.f("uq_narrative_section_workshop_id_position")
        ),
        sa.UniqueConstraint("workshop_id", "section", name=op.f("uq_narrative_section_workshop_id_section")),
    )
    op.create_table(
        "reporting_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("topic_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "length(organisation) BETWEEN 1 AND 200", name=op.f("ck_reporting_link_organisation_length")
        ),
        sa.CheckConstraint("length(token) >= 22", name=op.f("ck_reporting_link_token_length")),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_reporting_link_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_link")),
        sa.UniqueConstraint("token", name=op.f("uq_reporting_link_token")),
    )
    with op.batch_alter_table("reporting_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reporting_link_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "action_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('not_started', 'in_progress', 'done', 'dropped')",
            name=op.f("ck_action_progress_status_value"),
        ),
        sa.CheckConstraint(
            "note IS NULL OR length(note) BETWEEN 1 AND 2000", name=op.f("ck_action_progress_note_length")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id", "workshop_id"],
            ["topic.id", "topic.workshop_id"],
            name=op.f("fk_action_progress_topic_id_workshop_id_topic"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_action_progress_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_progress")),
        sa.UniqueConstraint("topic_id", "year", name=op.f("uq_action_progress_topic_id_year")),
    )
    with op.batch_alter_table("action_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_progress_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("baseline_value_milli", sa.BigInteger(), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("target_value_milli", sa.BigInteger(), nullable=True),
        _key_charset_check("indicator"),
        sa.CheckConstraint(
            "(baseline_year IS NULL) = (baseline_value_milli IS NULL)",
            name=op.f("ck_indicator_baseline_complete"),
        ),
        sa.CheckConstraint(
            "(target_year IS NULL) = (target_value_milli IS NULL)", name=op.f("ck_indicator_target_complete")
        ),
        sa.CheckConstraint(
            "baseline_value_milli IS NULL OR baseline_value_milli BETWEEN -1000000000000 AND 1000000000000",
            name=op.f("ck_indicator_baseline_value_milli_range"),
        ),
        sa.CheckConstraint("length(key) BETWEEN 1 AND 32", name=op.f("ck_indicator_key_length")),
        sa.CheckConstraint("length(label) BETWEEN 1 AND 200", name=op.f("ck_indicator_label_length")),
        sa.CheckConstraint(
            "target_value_milli IS NULL OR target_value_milli BETWEEN -1000000000000 AND 1000000000000",
            name=op.f("ck_indicator_target_value_milli_range"),
        ),
        sa.CheckConstraint(
            "unit IS NULL OR length(unit) BETWEEN 1 AND 40", name=op.f("ck_indicator_unit_length")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id", "workshop_id"],
            ["topic.id", "topic.workshop_id"],
            name=op.f("fk_indicator_topic_id_workshop_id_topic"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_indicator_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
        sa.UniqueConstraint("id", "workshop_id", name=op.f("uq_indicator_id_workshop_id")),
        sa.UniqueConstraint("topic_id", "label", name=op.f("uq_indicator_topic_id_label")),
        sa.UniqueConstraint("workshop_id", "key", name=op.f("uq_indicator_workshop_id_key")),
        sa.UniqueConstraint("workshop_id", "position", name=op.f("uq_indicator_workshop_id_position")),
    )
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_topic_id"), ["topic_id"], unique=False)

    op.create_table(
        "follow_up_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value_milli", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('value', 'progress')", name=op.f("ck_follow_up_change_kind_value")),
        sa.CheckConstraint(
            "length(changed_by) BETWEEN 1 AND 200", name=op.f("ck_follow_up_change_changed_by_length")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_follow_up_change_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topic.id"], name=op.f("fk_follow_up_change_topic_id_topic"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_follow_up_change_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_change")),
    )
    with op.batch_alter_table("follow_up_change", schema=None) as batch_op:
        batch_op.create_index("ix_follow_up_change_workshop_id", ["workshop_id", "changed_at"], unique=False)

    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value_milli", sa.BigInteger(), nullable=False),
        sa.Column("reported_by", sa.String(length=200), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "comment IS NULL OR length(comment) BETWEEN 1 AND 2000",
            name=op.f("ck_indicator_value_comment_length"),
        ),
        sa.CheckConstraint(
            "reported_by IS NULL OR length(reported_by) BETWEEN 1 AND 200",
            name=op.f("ck_indicator_value_reported_by_length"),
        ),
        sa.CheckConstraint(
            "value_milli IS NULL OR value_milli BETWEEN -1000000000000 AND 1000000000000",
            name=op.f("ck_indicator_value_value_milli_range"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_value_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
        sa.UniqueConstraint("indicator_id", "year", name=op.f("uq_indicator_value_indicator_id_year")),
    )
    # A plain ADD COLUMN: no rebuild of `workshop` on SQLite.
    op.add_column("workshop", sa.Column("signed_on", sa.Date(), nullable=True))
    for statement in _PERIOD_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP_PERIOD_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)
    for table in (
        "indicator_value",
        "follow_up_change",
        "indicator",
        "action_progress",
        "reporting_link",
        "narrative_section",
        "narrative_revision",
        "meeting",
    ):
        op.drop_table(table)
    # SQLite 3.35+ drops a column in place (a batch rebuild of `workshop` would cascade).
    op.execute("ALTER TABLE workshop DROP COLUMN signed_on")


_SQLITE_VALUE_YEAR = """
    SELECT RAISE(ABORT, 'ctg:year_outside_period') WHERE NOT EXISTS (
        SELECT 1 FROM indicator i JOIN workshop w ON w.id = i.workshop_id
        WHERE i.id = NEW.indicator_id AND NEW.year BETWEEN w.period_start AND w.period_end);
"""
_SQLITE_PROGRESS_YEAR = """
    SELECT RAISE(ABORT, 'ctg:year_outside_period') WHERE NOT EXISTS (
        SELECT 1 FROM workshop w
        WHERE w.id = NEW.workshop_id AND NEW.year BETWEEN w.period_start AND w.period_end);
"""
_PG_YEAR_FUNCTION = """
CREATE FUNCTION ctg_check_follow_up_year() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    first_year integer;
    last_year integer;
BEGIN
    IF TG_TABLE_NAME = 'indicator_value' THEN
        SELECT w.period_start, w.period_end INTO first_year, last_year
          FROM indicator i JOIN workshop w ON w.id = i.workshop_id WHERE i.id = NEW.indicator_id;
    ELSE
        SELECT w.period_start, w.period_end INTO first_year, last_year
          FROM workshop w WHERE w.id = NEW.workshop_id;
    END IF;
    IF NEW.year < first_year OR NEW.year > last_year THEN
        -- A check violation: drivers report it as an integrity error, as SQLite's RAISE(ABORT).
        RAISE EXCEPTION 'ctg:year_outside_period' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$
"""
_PERIOD_TRIGGERS = {
    "sqlite": [
        f"CREATE TRIGGER trg_indicator_value_year_insert BEFORE INSERT ON indicator_value "
        f"BEGIN {_SQLITE_VALUE_YEAR} END",
        f"CREATE TRIGGER trg_indicator_value_year_update BEFORE UPDATE OF year, indicator_id "
        f"ON indicator_value BEGIN {_SQLITE_VALUE_YEAR} END",
        f"CREATE TRIGGER trg_action_progress_year_insert BEFORE INSERT ON action_progress "
        f"BEGIN {_SQLITE_PROGRESS_YEAR} END",
        f"CREATE TRIGGER trg_action_progress_year_update BEFORE UPDATE OF year, workshop_id "
        f"ON action_progress BEGIN {_SQLITE_PROGRESS_YEAR} END",
    ],
    "postgresql": [
        _PG_YEAR_FUNCTION,
        "CREATE TRIGGER trg_indicator_value_year BEFORE INSERT OR UPDATE OF year, indicator_id "
        "ON indicator_value FOR EACH ROW EXECUTE FUNCTION ctg_check_follow_up_year()",
        "CREATE TRIGGER trg_action_progress_year BEFORE INSERT OR UPDATE OF year, workshop_id "
        "ON action_progress FOR EACH ROW EXECUTE FUNCTION ctg_check_follow_up_year()",
    ],
}
_DROP_PERIOD_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS trg_indicator_value_year_insert",
        "DROP TRIGGER IF EXISTS trg_indicator_value_year_update",
        "DROP TRIGGER IF EXISTS trg_action_progress_year_insert",
        "DROP TRIGGER IF EXISTS trg_action_progress_year_update",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS trg_indicator_value_year ON indicator_value",
        "DROP TRIGGER IF EXISTS trg_action_progress_year ON action_progress",
        "DROP FUNCTION IF EXISTS ctg_check_follow_up_year()",
    ],
}
