"""Storage: both databases open, migrate, and keep the schema's rules."""

from sqlalchemy import inspect, text

from ctg_workshop.db import open_database


def test_schema_created_by_migrations(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"workshop", "topic", "participant", "item", "vote", "action_sheet", "alembic_version"} <= tables


def test_reopening_upgrades_without_dropping(sqlite_url, example_archive):
    from ctg_workshop.archive import import_archive
    from ctg_workshop.db import write_session

    first = open_database(sqlite_url)
    with write_session(first) as session:
        import_archive(session=session, data=example_archive)
    first.dispose()
    again = open_database(sqlite_url)
    with again.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM item")).scalar_one() == 16
    again.dispose()
