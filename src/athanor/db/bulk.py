"""Many rows in one statement (executemany), for the batched hot path: one round trip
writes what would otherwise be one ORM flush per row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from athanor.db.base import Base
from athanor.db.types import utcnow


async def insert_many(connection: AsyncConnection, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys; column defaults fill the rest."""
    if rows:
        await connection.execute(insert(model), list(rows))


async def update_many(connection: AsyncConnection, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Update rows by `id`; every row sets the same columns (and `updated_at`)."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    columns = [name for name in rows[0] if name != "id"]
    # Bound names must differ from the column names an UPDATE binds by itself.
    statement = (
        update(table)
        .where(table.c.id == bindparam("key_id"))
        .values({table.c[name]: bindparam(f"new_{name}") for name in [*columns, "updated_at"]})
    )
    now = utcnow()
    await connection.execute(
        statement,
        [
            {"key_id": row["id"], "new_updated_at": now, **{f"new_{name}": row[name] for name in columns}}
            for row in rows
        ],
    )
