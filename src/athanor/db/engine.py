"""Engines and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from athanor.db.scope import SCOPE_KEY, DbScope


def create_engine(url: URL | str, *, pool_size: int = 10) -> AsyncEngine:
    url_text = url if isinstance(url, str) else url.render_as_string(hide_password=False)
    if url_text.startswith("sqlite"):
        engine = create_async_engine(url_text, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_async_engine(url_text, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN IMMEDIATE below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # One writer at a time: a transaction that reads then writes never meets a
        # stale snapshot, which deferred transactions in WAL mode would.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine and its session factory; sessions are always opened with a scope."""

    def __init__(self, url: URL | str, *, pool_size: int = 10) -> None:
        self.engine = create_engine(url, pool_size=pool_size)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def session(self, scope: DbScope) -> AsyncSession:
        session = self._sessions()
        session.info[SCOPE_KEY] = scope
        return session

    async def dispose(self) -> None:
        await self.engine.dispose()
