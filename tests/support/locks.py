"""PostgreSQL row locks seen from another transaction: what a tap in flight still lets through."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError


def can_lock(engine: Engine, table: str, row_id: int, mode: str) -> bool:
    """Whether another connection can take `FOR <mode>` on the row right now (NOWAIT)."""
    with engine.connect() as other:
        try:
            other.exec_driver_sql(f"SELECT 1 FROM {table} WHERE id = {int(row_id)} FOR {mode} NOWAIT")
        except OperationalError:
            return False
        finally:
            other.rollback()
        return True
