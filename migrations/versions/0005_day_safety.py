"""The day's safety: paper cards, facilitator sessions, login throttling per client, automatic
backups' lease, and every stored text normalised under the spec's new *Text* rules.

Schema:
- `participant.entered_by_facilitator` (a paper card typed in by the facilitator), false for
  every existing participant (plain ADD COLUMN: no table rebuild on SQLite);
- `facilitator_session` (a login that survives a reload: hashed token, expiry);
- `login_throttle` (failed logins per client and per target, shared by every process);
- `app_secret` (the key that signs the facilitator's cookie, generated once);
- `backup_lease` with its one row `snapshots`, due at once.

Data: the spec's text rules changed (a tab becomes a space, bidirectional controls are
removed, three or more line breaks become two), so every text a person typed is normalised
again with `ctg_workshop.text.normalize_text`, table by table (items and their revisions,
participants' names and organisations, workshop, themes, diagnostic lines, topics, action
sheets' fields and lists). What changes for a text already normalised under the old rules is
only the removal of bidirectional controls and of extra blank lines (tabs had been removed).
What normalisation could break, and what this migration does:

- an item, a participant or a vote is never deleted: two items of one author that now read the
  same stay two items (the facilitator's duplicate grouping can merge them), with their votes;
- a required text left empty (it held nothing but bidirectional controls) gets a visible
  placeholder in brackets, and an optional one (a name, a note, a summary) becomes null;
- themes are unique per workshop (`uq_theme_workshop_id_label`, and an import refuses two
  themes that differ only by case): a theme that now reads like an earlier one, or is empty,
  is removed (a theme is only a label) and the remaining ones keep their order;
- a topic's objective left empty is removed (an import refuses empty objectives).

An export then always imports again: the automatic backups are restorable. The data change is
not undone by a downgrade (the texts read the same).

Revision ID: 0005_day_safety
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from alembic import op

from ctg_workshop.text import normalize_text

revision = "0005_day_safety"
down_revision = "0002"
branch_labels = None
depends_on = None

BACKUP_SCHEDULE = "snapshots"
EMPTY_PLACEHOLDERS = {
    "item": "(contribution sans texte lisible)",
    "organisation": "(organisation sans nom)",
    "title": "(sans titre)",
    "territory": "(territoire non renseigné)",
    "partner_body": "(organisme non renseigné)",
    "diagnostic": "(non renseigné)",
}


def upgrade() -> None:
    _create_tables()
    normalise_stored_texts(op.get_bind())


def downgrade() -> None:
    op.drop_table("backup_lease")
    op.drop_table("app_secret")
    op.drop_table("login_throttle")
    op.drop_index(op.f("ix_facilitator_session_workshop_id"), table_name="facilitator_session")
    op.drop_table("facilitator_session")
    # SQLite drops the column in place (3.35+): no rebuild of `participant`.
    op.drop_column("participant", "entered_by_facilitator")


def _create_tables() -> None:
    op.add_column(
        "participant",
        sa.Column("entered_by_facilitator", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "facilitator_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("length(token_hash) = 64", name=op.f("ck_facilitator_session_token_hash_length")),
        sa.CheckConstraint(
            "expires_at > created_at", name=op.f("ck_facilitator_session_expires_after_creation")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_facilitator_session_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilitator_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_facilitator_session_token_hash")),
    )
    op.create_index(
        op.f("ix_facilitator_session_workshop_id"), "facilitator_session", ["workshop_id"], unique=False
    )
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_login_throttle_failures_positive")),
        sa.CheckConstraint("length(client_hash) = 64", name=op.f("ck_login_throttle_client_hash_length")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttle")),
        sa.UniqueConstraint("target", "client_hash", name=op.f("uq_login_throttle_target_client_hash")),
    )
    op.create_table(
        "app_secret",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("length(value) >= 32", name=op.f("ck_app_secret_value_length")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_app_secret")),
    )
    lease = op.create_table(
        "backup_lease",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_backup_lease")),
    )
    op.bulk_insert(lease, [{"name": BACKUP_SCHEDULE, "due_at": dt.datetime(2000, 1, 1)}])


# --------------------------------------------------------------------------- stored texts
# Frozen table shapes (the models may change later; this migration must not).

_item = sa.table("item", sa.column("id", sa.Integer), sa.column("text", sa.Text))
_revision = sa.table("item_revision", sa.column("id", sa.Integer), sa.column("previous_text", sa.Text))
_participant = sa.table(
    "participant",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("organisation", sa.String),
)
_workshop = sa.table(
    "workshop",
    sa.column("id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("territory", sa.String),
    sa.column("partner_body", sa.String),
)
_theme = sa.table(
    "theme",
    sa.column("id", sa.Integer),
    sa.column("workshop_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("label", sa.String),
)
_diagnostic = sa.table(
    "diagnostic_line",
    sa.column("id", sa.Integer),
    sa.column("section", sa.String),
    sa.column("label", sa.String),
    sa.column("value", sa.String),
    sa.column("note", sa.String),
)
_topic = sa.table(
    "topic",
    sa.column("id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("summary", sa.Text),
    sa.column("objectives", sa.JSON),
)
_SHEET_TEXTS = ("title", "target_public", "schedule", "lead")
_SHEET_LISTS = ("implementation", "services", "expected_results", "partners", "indicators")
_sheet = sa.table(
    "action_sheet",
    sa.column("id", sa.Integer),
    *(sa.column(name, sa.Text) for name in _SHEET_TEXTS),
    *(sa.column(name, sa.JSON) for name in (*_SHEET_LISTS, "operational_objectives")),
)

Row = dict[str, Any]


def _required(placeholder: str) -> Callable[[str], str]:
    return lambda text: normalize_text(text) or placeholder


def _optional(text: str | None) -> str | None:
    return (normalize_text(text) or None) if text is not None else None


def _kept(text: str) -> str:
    return normalize_text(text)


def _non_empty_list(values: list[str] | None) -> list[str]:
    return [n for n in (normalize_text(v) for v in values or []) if n]


def _text_list(values: list[str] | None) -> list[str]:
    return [normalize_text(v) for v in values or []]


def _objectives(values: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [
        {"heading": normalize_text(o.get("heading") or ""), "points": _text_list(o.get("points"))}
        for o in values or []
    ]


def _rewrite(connection: sa.Connection, table: sa.TableClause, rules: dict[str, Callable[[Any], Any]]) -> int:
    """Apply `rules` (column: new value from old) to every row; write the rows that change."""
    columns = [table.c.id, *(table.c[name] for name in rules)]
    changed = 0
    for row in connection.execute(sa.select(*columns).order_by(table.c.id)).mappings().all():
        new = {name: rule(row[name]) for name, rule in rules.items()}
        if any(new[name] != row[name] for name in rules):
            connection.execute(sa.update(table).where(table.c.id == row["id"]).values(**new))
            changed += 1
    return changed


def _normalise_themes(connection: sa.Connection) -> None:
    """Themes in each workshop's order: a theme reading like an earlier one (case aside) or empty
    is removed; the others are normalised and keep their order, renumbered from 0."""
    rows = connection.execute(
        sa.select(_theme.c.id, _theme.c.workshop_id, _theme.c.position, _theme.c.label).order_by(
            _theme.c.workshop_id, _theme.c.position
        )
    ).all()
    kept: dict[int, list[tuple[int, int, str, str]]] = {}
    seen: dict[int, set[str]] = {}
    doomed: list[int] = []
    for theme_id, workshop_id, position, label in rows:
        new = normalize_text(label)
        folded = new.casefold()
        if not new or folded in seen.setdefault(workshop_id, set()):
            doomed.append(theme_id)
            continue
        seen[workshop_id].add(folded)
        kept.setdefault(workshop_id, []).append((theme_id, position, label, new))
    if doomed:
        connection.execute(sa.delete(_theme).where(_theme.c.id.in_(doomed)))
    for themes in kept.values():
        # Ascending order: each new position is at most the old one and already free.
        for new_position, (theme_id, position, label, new) in enumerate(themes):
            if (new_position, new) != (position, label):
                connection.execute(
                    sa.update(_theme).where(_theme.c.id == theme_id).values(position=new_position, label=new)
                )


def normalise_stored_texts(connection: sa.Connection) -> None:
    """Every typed text of every table, under the current rules (see the module's docstring)."""
    item_text = _required(EMPTY_PLACEHOLDERS["item"])
    diagnostic_text = _required(EMPTY_PLACEHOLDERS["diagnostic"])
    plans: Iterable[tuple[sa.TableClause, dict[str, Callable[[Any], Any]]]] = (
        (_item, {"text": item_text}),
        (_revision, {"previous_text": item_text}),
        (_participant, {"name": _optional, "organisation": _required(EMPTY_PLACEHOLDERS["organisation"])}),
        (
            _workshop,
            {name: _required(EMPTY_PLACEHOLDERS[name]) for name in ("title", "territory", "partner_body")},
        ),
        (
            _diagnostic,
            {
                "section": diagnostic_text,
                "label": diagnostic_text,
                "value": diagnostic_text,
                "note": _optional,
            },
        ),
        (
            _topic,
            {
                "title": _required(EMPTY_PLACEHOLDERS["title"]),
                "summary": _optional,
                "objectives": _non_empty_list,
            },
        ),
        (
            _sheet,
            {
                **dict.fromkeys(_SHEET_TEXTS, _kept),
                **dict.fromkeys(_SHEET_LISTS, _text_list),
                "operational_objectives": _objectives,
            },
        ),
    )
    for table, rules in plans:
        _rewrite(connection, table, rules)
    _normalise_themes(connection)
