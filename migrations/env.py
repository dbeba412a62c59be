"""Alembic environment: the URL comes from CTG_DATABASE_URL (see ctg_workshop.db)."""

from alembic import context
from sqlalchemy import text

from ctg_workshop.storage.db import make_engine
from ctg_workshop.storage.models import Base

config = context.config
target_metadata = Base.metadata
# A fixed key: several app processes starting at once upgrade one after the other.
_PG_MIGRATION_LOCK = 7_342_001


def _run(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})"))
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    engine = make_engine(url or None)
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Les migrations hors ligne ne sont pas prises en charge.")
run_migrations_online()
