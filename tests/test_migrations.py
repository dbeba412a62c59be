"""Migrations: a database made by an earlier release is brought up to date, its data kept.

Each test runs on SQLite and on PostgreSQL. A database is first migrated to revision 0001 only
(what a town installed before the indexes of 0002), filled, then opened as the app opens it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, inspect, select, text, update

from ctg_workshop.archive.load import import_archive
from ctg_workshop.day.ballot import vote_page
from ctg_workshop.day.phases import vote_count
from ctg_workshop.day.projection import topic_live_counts
from ctg_workshop.day.results import rankings
from ctg_workshop.storage.db import _alembic_config, make_engine, open_database, read_session, write_session
from ctg_workshop.storage.models import Base, Item, Participant, Topic, Workshop

# The indexes added after revision 0001: (table, name, columns).
NEW_INDEXES = (
    ("item", "ix_item_workshop_id", ["workshop_id", "hidden", "topic_id", "quadrant"]),
    ("vote", "ix_vote_workshop_id", ["workshop_id", "item_id"]),
    ("item", "ix_item_topic_open", ["topic_id", "quadrant", "hidden", "merged_into_id"]),
)
# The index of revision 0001 that 0008 replaces (its only column leads ix_item_topic_open).
REPLACED_INDEX = ("item", "ix_item_topic_id")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    with engine.begin() as connection:
        config = _alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _head() -> str:
    head = ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def _indexes(engine: Engine, table: str) -> dict[str, list[str]]:
    return {index["name"]: list(index["column_names"]) for index in inspect(engine).get_indexes(table)}


def _differences(engine: Engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("workshop", "topic", "participant", "item", "vote")
        }


@pytest.fixture
def old_database(database_url: str, demo_archive: bytes) -> Iterator[str]:
    """A database at revision 0001 holding the demo workshop (items and votes): filled through
    today's models, then downgraded (the models may have columns revision 0001 lacks)."""
    engine = open_database(database_url)
    try:
        with write_session(engine) as session:
            import_archive(session=session, data=demo_archive)
        _migrate(engine, "0001", down=True)
    finally:
        engine.dispose()
    yield database_url


def test_a_0001_database_is_upgraded_with_its_data_and_matches_the_models(old_database: str) -> None:
    old = make_engine(old_database)
    try:
        before = _counts(old)
        assert before["vote"] > 0 and before["item"] > 0
        for table, name, _columns in NEW_INDEXES:
            assert name not in _indexes(old, table)
        assert REPLACED_INDEX[1] in _indexes(old, REPLACED_INDEX[0])
    finally:
        old.dispose()

    engine = open_database(old_database)  # what the app and `python -m ctg_workshop migrate` do
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == _head()
        for table, name, columns in NEW_INDEXES:
            assert _indexes(engine, table).get(name) == columns
        assert REPLACED_INDEX[1] not in _indexes(engine, REPLACED_INDEX[0])
        assert _counts(engine) == before
        assert _differences(engine) == []
        with read_session(engine) as session:
            workshop_id = session.query(Workshop.id).filter(Workshop.code == "ARMDEMO").scalar()
            assert vote_count(session=session, workshop_id=workshop_id) == before["vote"]
    finally:
        engine.dispose()


def test_the_indexes_downgrade_to_0001_and_upgrade_again(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        _migrate(engine, "0001", down=True)
        for table, name, _columns in NEW_INDEXES:
            assert name not in _indexes(engine, table)
        tables = {table for table, _name, _columns in NEW_INDEXES}
        differences = _differences(engine)
        missing = {
            diff[1].name for diff in differences if diff[0] == "add_index" and diff[1].table.name in tables
        }
        assert missing == {name for _table, name, _columns in NEW_INDEXES}
        extra = {diff[1].name for diff in differences if diff[0] == "remove_index"}
        assert extra == {REPLACED_INDEX[1]}
        _migrate(engine, "head")
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_the_per_workshop_queries_read_the_new_indexes(sqlite_url: str, demo_archive: bytes) -> None:
    """SQLite's plan for the statements the app really runs (captured, then explained)."""
    engine = open_database(sqlite_url)
    statements: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement: str, parameters, _context, _many) -> None:
        statements.append((statement, tuple(parameters)))

    try:
        with write_session(engine) as session:
            workshop_id = import_archive(session=session, data=demo_archive).id
        event.listen(engine, "before_cursor_execute", capture)
        with read_session(engine) as session:
            topic_live_counts(session=session, workshop_id=workshop_id)
            vote_count(session=session, workshop_id=workshop_id)
            rankings(session=session, workshop_id=workshop_id)
            participant_id, topic_key = session.execute(
                select(Participant.id, Topic.key)
                .join(Topic, Topic.workshop_id == Participant.workshop_id)
                .where(Participant.workshop_id == workshop_id)
                .limit(1)
            ).one()
            vote_page(session=session, participant_id=participant_id, topic_key=topic_key)
        event.remove(engine, "before_cursor_execute", capture)
        plans: dict[str, str] = {}
        with engine.connect() as connection:
            for statement, parameters in statements:
                if statement.lstrip().upper().startswith("SELECT"):
                    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                    plans[" ".join(statement.split())] = " | ".join(row[-1] for row in rows)
    finally:
        engine.dispose()

    def plan_of(*fragments: str) -> str:
        found = [plan for sql, plan in plans.items() if all(fragment in sql for fragment in fragments)]
        assert len(found) == 1, (fragments, list(plans))
        return found[0]

    counters = plan_of("count(*)", "FROM item", "GROUP BY item.topic_id, item.quadrant")
    assert "COVERING INDEX ix_item_workshop_id" in counters
    assert "ix_vote_workshop_id" in plan_of("count(*)", "FROM vote WHERE vote.workshop_id")
    assert "ix_vote_workshop_id" in plan_of("sum(vote.dots)", "GROUP BY vote.item_id")
    assert "ix_item_workshop_id" in plan_of(
        "FROM item LEFT OUTER JOIN participant", "item.hidden", "item.workshop_id"
    )
    # A partner's vote page: the counts per quadrant, and one sorted pick per quadrant.
    assert "COVERING INDEX ix_item_topic_open" in plan_of("count(*)", "GROUP BY item.quadrant")
    previews = plan_of("FROM item LEFT OUTER JOIN participant", "UNION ALL")
    assert previews.count("COVERING INDEX ix_item_topic_open") == 4, previews


def _cards_version(engine: Engine, topic_id: int) -> int:
    with read_session(engine) as session:
        return session.scalar(select(Topic.cards_version).where(Topic.id == topic_id))


def _hide_first_item(engine: Engine) -> int:
    """Hide an item (a write the version triggers follow); its topic's id."""
    with write_session(engine) as session:
        item_id, topic_id = session.execute(select(Item.id, Item.topic_id).order_by(Item.id).limit(1)).one()
        session.execute(update(Item).where(Item.id == item_id).values(hidden=True))
    return topic_id


def test_topics_get_their_cards_version_and_its_triggers_and_lose_them_downgraded(old_database: str) -> None:
    engine = open_database(old_database)  # 0001 upgraded to the head, as the app does
    try:
        with read_session(engine) as session:
            versions = session.scalars(select(Topic.cards_version)).all()
        assert len(versions) > 1 and len(set(versions)) == len(versions) and 0 not in versions
        topic_id = _hide_first_item(engine)
        assert _cards_version(engine, topic_id) not in versions

        _migrate(engine, "0008_item_topic_open", down=True)
        assert "cards_version" not in {column["name"] for column in inspect(engine).get_columns("topic")}
        _hide_first_item(engine)  # no trigger left behind pointing at the column
        _migrate(engine, "head")
        assert _differences(engine) == []
        before = _cards_version(engine, topic_id)
        _hide_first_item(engine)
        assert _cards_version(engine, topic_id) != before
    finally:
        engine.dispose()
