"""Migrations run both ways on both databases, and match the models."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from athanor.db.migrate import downgrade, upgrade
from athanor.db.models import Base
from tests.conftest import PG_ADMIN_URL, make_settings, require_service


@pytest.fixture
def fresh_url(backend: str, services: dict[str, bool], tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    require_service("PostgreSQL", services["postgres"])
    name = f"athanor_mig_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin_sql(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin_sql(sql: str) -> None:
    engine = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    return set(names) - {"alembic_version"}


async def _model_differences(url: str) -> list[object]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await engine.dispose()


def test_upgrade_downgrade_upgrade(fresh_url: str, tmp_path: Path) -> None:
    settings = make_settings(fresh_url, tmp_path)
    upgrade(settings)
    assert asyncio.run(_tables(fresh_url)) == set(Base.metadata.tables)
    downgrade(settings)
    assert asyncio.run(_tables(fresh_url)) == set()
    upgrade(settings)
    assert asyncio.run(_tables(fresh_url)) == set(Base.metadata.tables)


def test_models_match_migrations(fresh_url: str, tmp_path: Path) -> None:
    upgrade(make_settings(fresh_url, tmp_path))
    assert asyncio.run(_model_differences(fresh_url)) == []
