"""Running Alembic from the CLI and tests, without an alembic.ini."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from athanor.db.engine import create_engine
from athanor.db.rls import app_role_statement
from athanor.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option(
        "file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(slug)s"
    )
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    if settings.database_backend == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), revision)
    if settings.database_backend == "postgresql":
        asyncio.run(_sync_app_role(settings))


async def _sync_app_role(settings: Settings) -> None:
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with engine.begin() as connection:
            statement = app_role_statement(settings.database_app_role, settings.app_role_password)
            await connection.exec_driver_sql(statement)
    finally:
        await engine.dispose()


def downgrade(settings: Settings, revision: str = "base") -> None:
    command.downgrade(alembic_config(settings), revision)
