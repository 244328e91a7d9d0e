"""Alembic environment: async engines for SQLite and PostgreSQL, run as the owner role."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from athanor.db.engine import create_engine
from athanor.db.models import Base
from athanor.settings import Settings, get_settings

config = context.config
target_metadata = Base.metadata


def _settings() -> Settings:
    settings = config.attributes.get("settings")
    return settings if isinstance(settings, Settings) else get_settings()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    settings = _settings()
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    asyncio.run(_run_online())


run()
