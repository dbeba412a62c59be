"""Initial schema: workshops, topics, participants, items, votes, action sheets.

The vote budget per topic, the per-item cap and "no vote on a hidden or merged item" span
several tables: triggers hold them, on SQLite (where writers are serialised by BEGIN
IMMEDIATE) and on PostgreSQL (where the trigger first locks the participant's row, so two
phones spending the last dot at once are serialised and the second one is refused).

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _charset_check(
    table: str, column: str, *, sqlite_glob: str, pg_regex: str
) -> sa.CheckConstraint:
    if op.get_bind().dialect.name == "sqlite":
        rule = f"{column} NOT GLOB '{sqlite_glob}'"
    else:
        rule = f"{column} ~ '{pg_regex}'"
    return sa.CheckConstraint(rule, name=op.f(f"ck_{table}_{column}_charset"))


def upgrade() -> None:
    op.create_table(
        "workshop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("territory", sa.String(length=200), nullable=False),
        sa.Column("partner_body", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("vote_budget", sa.Integer(), nullable=False),
        sa.Column("max_dots_per_item", sa.Integer(), nullable=False),
        sa.Column("show_organisations", sa.Boolean(), nullable=False),
        sa.Column("facilitator_secret_hash", sa.String(length=255), nullable=True),
        sa.Column("view_token", sa.String(length=64), nullable=True),
        sa.Column("timer_ends_at", sa.DateTime(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("last_failed_login_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _charset_check(
            "workshop", "code", sqlite_glob="*[^A-Z0-9]*", pg_regex="^[A-Z0-9]+$"
        ),
        sa.CheckConstraint(
            "phase IN ('collect', 'group', 'vote', 'closed')",
            name=op.f("ck_workshop_phase_value"),
        ),
        sa.CheckConstraint(
            "failed_logins >= 0", name=op.f("ck_workshop_failed_logins_positive")
        ),
        sa.CheckConstraint(
            "length(code) BETWEEN 4 AND 12", name=op.f("ck_workshop_code_length")
        ),
        sa.CheckConstraint(
            "length(partner_body) BETWEEN 1 AND 200",
            name=op.f("ck_workshop_partner_body_length"),
        ),
        sa.CheckConstraint(
            "length(territory) BETWEEN 1 AND 200",
            name=op.f("ck_workshop_territory_length"),
        ),
        sa.CheckConstraint(
            "length(title) BETWEEN 1 AND 200", name=op.f("ck_workshop_title_length")
        ),
        sa.CheckConstraint(
            "max_dots_per_item BETWEEN 1 AND vote_budget",
            name=op.f("ck_workshop_max_dots_per_item_range"),
        ),
        sa.CheckConstraint(
            "period_start <= period_end", name=op.f("ck_workshop_period_order")
        ),
        sa.CheckConstraint(
            "vote_budget BETWEEN 1 AND 20", name=op.f("ck_workshop_vote_budget_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop")),
        sa.UniqueConstraint("code", name=op.f("uq_workshop_code")),
        sa.UniqueConstraint("view_token", name=op.f("uq_workshop_view_token")),
    )
    op.create_table(
        "diagnostic_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "length(label) BETWEEN 1 AND 200",
            name=op.f("ck_diagnostic_line_label_length"),
        ),
        sa.CheckConstraint(
            "length(section) BETWEEN 1 AND 200",
            name=op.f("ck_diagnostic_line_section_length"),
        ),
        sa.CheckConstraint(
            "length(value) BETWEEN 1 AND 200",
            name=op.f("ck_diagnostic_line_value_length"),
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_diagnostic_line_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnostic_line")),
        sa.UniqueConstraint(
            "workshop_id",
            "position",
            name=op.f("uq_diagnostic_line_workshop_id_position"),
        ),
    )
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "length(key) BETWEEN 1 AND 64", name=op.f("ck_participant_key_length")
        ),
        sa.CheckConstraint(
            "length(organisation) BETWEEN 1 AND 200",
            name=op.f("ck_participant_organisation_length"),
        ),
        sa.CheckConstraint(
            "length(token) >= 22", name=op.f("ck_participant_token_length")
        ),
        sa.CheckConstraint(
            "name IS NULL OR length(name) BETWEEN 1 AND 200",
            name=op.f("ck_participant_name_length"),
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_participant_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant")),
        sa.UniqueConstraint(
            "id", "workshop_id", name=op.f("uq_participant_id_workshop_id")
        ),
        sa.UniqueConstraint("token", name=op.f("uq_participant_token")),
        sa.UniqueConstraint(
            "workshop_id", "key", name=op.f("uq_participant_workshop_id_key")
        ),
    )
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "length(label) BETWEEN 1 AND 200", name=op.f("ck_theme_label_length")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_theme_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint(
            "workshop_id", "label", name=op.f("uq_theme_workshop_id_label")
        ),
        sa.UniqueConstraint(
            "workshop_id", "position", name=op.f("uq_theme_workshop_id_position")
        ),
    )
    op.create_table(
        "topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("objectives", sa.JSON(), nullable=False),
        _charset_check(
            "topic", "key", sqlite_glob="*[^a-z0-9-]*", pg_regex="^[a-z0-9-]+$"
        ),
        sa.CheckConstraint(
            "length(key) BETWEEN 1 AND 32", name=op.f("ck_topic_key_length")
        ),
        sa.CheckConstraint(
            "length(title) BETWEEN 1 AND 200", name=op.f("ck_topic_title_length")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_topic_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic")),
        sa.UniqueConstraint("id", "workshop_id", name=op.f("uq_topic_id_workshop_id")),
        sa.UniqueConstraint(
            "workshop_id", "key", name=op.f("uq_topic_workshop_id_key")
        ),
        sa.UniqueConstraint(
            "workshop_id", "position", name=op.f("uq_topic_workshop_id_position")
        ),
    )
    op.create_table(
        "action_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("target_public", sa.Text(), nullable=False),
        sa.Column("operational_objectives", sa.JSON(), nullable=False),
        sa.Column("implementation", sa.JSON(), nullable=False),
        sa.Column("schedule", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("expected_results", sa.JSON(), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
            name=op.f("fk_action_sheet_topic_id_topic"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_action_sheet_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_sheet")),
        sa.UniqueConstraint("topic_id", name=op.f("uq_action_sheet_topic_id")),
    )
    op.create_table(
        "item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("quadrant", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "quadrant IN ('strength', 'weakness', 'opportunity', 'threat')",
            name=op.f("ck_item_quadrant_value"),
        ),
        sa.CheckConstraint(
            "length(key) BETWEEN 1 AND 64", name=op.f("ck_item_key_length")
        ),
        sa.CheckConstraint(
            "length(text) BETWEEN 1 AND 500", name=op.f("ck_item_text_length")
        ),
        sa.CheckConstraint(
            "merged_into_id IS NULL OR merged_into_id <> id",
            name=op.f("ck_item_not_merged_into_self"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id", "workshop_id"],
            ["participant.id", "participant.workshop_id"],
            name=op.f("fk_item_author_id_workshop_id_participant"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id", "topic_id", "quadrant"],
            ["item.id", "item.topic_id", "item.quadrant"],
            name=op.f("fk_item_merged_into_id_topic_id_quadrant_item"),
        ),
        sa.ForeignKeyConstraint(
            ["topic_id", "workshop_id"],
            ["topic.id", "topic.workshop_id"],
            name=op.f("fk_item_topic_id_workshop_id_topic"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_item_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint(
            "id", "topic_id", "quadrant", name=op.f("uq_item_id_topic_id_quadrant")
        ),
        sa.UniqueConstraint("id", "workshop_id", name=op.f("uq_item_id_workshop_id")),
        sa.UniqueConstraint("workshop_id", "key", name=op.f("uq_item_workshop_id_key")),
    )
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_item_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_item_topic_id"), ["topic_id"], unique=False
        )

    op.create_table(
        "item_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("previous_text", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=16), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "changed_by IN ('participant', 'facilitator')",
            name=op.f("ck_item_revision_changed_by_value"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
            name=op.f("fk_item_revision_item_id_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_revision")),
    )
    with op.batch_alter_table("item_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_revision_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "merge_rejection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_low_id", sa.Integer(), nullable=False),
        sa.Column("item_high_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "item_low_id < item_high_id", name=op.f("ck_merge_rejection_pair_order")
        ),
        sa.ForeignKeyConstraint(
            ["item_high_id"],
            ["item.id"],
            name=op.f("fk_merge_rejection_item_high_id_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_low_id"],
            ["item.id"],
            name=op.f("fk_merge_rejection_item_low_id_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_rejection")),
        sa.UniqueConstraint(
            "item_low_id",
            "item_high_id",
            name=op.f("uq_merge_rejection_item_low_id_item_high_id"),
        ),
    )
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("dots", sa.Integer(), nullable=False),
        sa.CheckConstraint("dots BETWEEN 1 AND 20", name=op.f("ck_vote_dots_range")),
        sa.ForeignKeyConstraint(
            ["item_id", "workshop_id"],
            ["item.id", "item.workshop_id"],
            name=op.f("fk_vote_item_id_workshop_id_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id", "workshop_id"],
            ["participant.id", "participant.workshop_id"],
            name=op.f("fk_vote_participant_id_workshop_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_vote_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
        sa.UniqueConstraint(
            "participant_id", "item_id", name=op.f("uq_vote_participant_id_item_id")
        ),
    )
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_vote_participant_id"), ["participant_id"], unique=False
        )

    for statement in _VOTE_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP_VOTE_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_participant_id"))
        batch_op.drop_index(batch_op.f("ix_vote_item_id"))

    op.drop_table("vote")
    op.drop_table("merge_rejection")
    with op.batch_alter_table("item_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_revision_item_id"))

    op.drop_table("item_revision")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_topic_id"))
        batch_op.drop_index(batch_op.f("ix_item_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_item_author_id"))

    op.drop_table("item")
    op.drop_table("action_sheet")
    op.drop_table("topic")
    op.drop_table("theme")
    op.drop_table("participant")
    op.drop_table("diagnostic_line")
    op.drop_table("workshop")


# Messages start with "ctg:" so that the domain can translate them into French errors.
_SQLITE_VOTE_CHECKS = """
    SELECT RAISE(ABORT, 'ctg:vote_target') WHERE EXISTS (
        SELECT 1 FROM item WHERE id = NEW.item_id AND (hidden OR merged_into_id IS NOT NULL));
    SELECT RAISE(ABORT, 'ctg:vote_cap') WHERE NEW.dots > (
        SELECT w.max_dots_per_item FROM workshop w WHERE w.id = NEW.workshop_id);
    SELECT RAISE(ABORT, 'ctg:vote_budget') WHERE NEW.dots + (
        SELECT COALESCE(SUM(v.dots), 0) FROM vote v JOIN item i ON i.id = v.item_id
        WHERE v.participant_id = NEW.participant_id AND v.id IS NOT NEW.id
          AND i.topic_id = (SELECT topic_id FROM item WHERE id = NEW.item_id)
    ) > (SELECT w.vote_budget FROM workshop w WHERE w.id = NEW.workshop_id);
"""

_PG_VOTE_FUNCTION = """
CREATE FUNCTION ctg_check_vote() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    item_topic integer;
    item_hidden boolean;
    item_merged integer;
    budget integer;
    cap integer;
    spent integer;
BEGIN
    -- Serialise the votes of one participant: the sum below then sees every committed vote.
    PERFORM 1 FROM participant WHERE id = NEW.participant_id FOR UPDATE;
    SELECT i.topic_id, i.hidden, i.merged_into_id, w.vote_budget, w.max_dots_per_item
      INTO item_topic, item_hidden, item_merged, budget, cap
      FROM item i JOIN workshop w ON w.id = i.workshop_id WHERE i.id = NEW.item_id;
    IF item_hidden OR item_merged IS NOT NULL THEN
        RAISE EXCEPTION 'ctg:vote_target';
    END IF;
    IF NEW.dots > cap THEN
        RAISE EXCEPTION 'ctg:vote_cap';
    END IF;
    SELECT COALESCE(SUM(v.dots), 0) INTO spent FROM vote v JOIN item i ON i.id = v.item_id
     WHERE v.participant_id = NEW.participant_id AND i.topic_id = item_topic
       AND v.id IS DISTINCT FROM NEW.id;
    IF spent + NEW.dots > budget THEN
        RAISE EXCEPTION 'ctg:vote_budget';
    END IF;
    RETURN NEW;
END
$$
"""

_VOTE_TRIGGERS = {
    "sqlite": [
        f"CREATE TRIGGER trg_vote_check_insert BEFORE INSERT ON vote BEGIN {_SQLITE_VOTE_CHECKS} END",
        "CREATE TRIGGER trg_vote_check_update BEFORE UPDATE OF dots, item_id, participant_id "
        f"ON vote BEGIN {_SQLITE_VOTE_CHECKS} END",
    ],
    "postgresql": [
        _PG_VOTE_FUNCTION,
        "CREATE TRIGGER trg_vote_check BEFORE INSERT OR UPDATE OF dots, item_id, participant_id "
        "ON vote FOR EACH ROW EXECUTE FUNCTION ctg_check_vote()",
    ],
}
_DROP_VOTE_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS trg_vote_check_insert",
        "DROP TRIGGER IF EXISTS trg_vote_check_update",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS trg_vote_check ON vote",
        "DROP FUNCTION IF EXISTS ctg_check_vote()",
    ],
}
