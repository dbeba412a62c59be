"""Storage: both databases open, migrate, and keep the schema's rules."""

from sqlalchemy import inspect, text

from ctg_workshop.storage.db import open_database


def test_schema_created_by_migrations(engine):
    tables = set(inspect(engine).get_table_names())
    assert {"workshop", "topic", "participant", "item", "vote", "action_sheet", "alembic_version"} <= tables


def test_reopening_upgrades_without_dropping(sqlite_url, example_archive):
    from ctg_workshop.archive.load import import_archive
    from ctg_workshop.storage.db import write_session

    first = open_database(sqlite_url)
    with write_session(first) as session:
        import_archive(session=session, data=example_archive)
    first.dispose()
    again = open_database(sqlite_url)
    with again.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM item")).scalar_one() == 16
    again.dispose()


def test_migrations_match_the_models(engine):
    """A model change without its migration would be caught here (tables, columns, keys, indexes)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ctg_workshop.storage.models import Base

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_sqlite_settings(sqlite_engine):
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
