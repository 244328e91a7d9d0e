"""INSERT ... ON CONFLICT for the session's database (SQLite and PostgreSQL share the syntax)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


def insert_for(target: AsyncSession | AsyncConnection, table: Any) -> Any:
    """An insert with `on_conflict_do_nothing` / `on_conflict_do_update` for this database."""
    bind = target.bind if isinstance(target, AsyncSession) else target
    dialect = bind.dialect.name if bind is not None else "sqlite"
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
