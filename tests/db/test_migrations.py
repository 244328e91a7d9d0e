"""Migrations run both ways on both databases, and match the models."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from athanor.db.migrate import downgrade, upgrade
from athanor.db.models import Base
from tests.conftest import empty_postgres_database, make_settings, require_service


@pytest.fixture
def fresh_url(backend: str, services: dict[str, bool], tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    require_service("PostgreSQL", services["postgres"])
    with empty_postgres_database("athanor_mig") as url:
        yield url


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
