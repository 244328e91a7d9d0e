"""Engines and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_

from athanor.db.scope import SCOPE_KEY, DbScope

# As long as SQLite's own busy timeout: a writer waiting longer fails as it did before.
WRITER_WAIT_SECONDS = 30
_HOLDS_WRITER = "athanor_holds_writer"


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

    # SQLite lets one transaction write at a time; waiters in the same process queue on
    # this lock and start the moment it frees, instead of sleeping in SQLite's busy handler
    # (which under load made p95 latency seconds long). Other processes still meet the
    # busy handler.
    writer = asyncio.Lock()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # One writer at a time: a transaction that reads then writes never meets a
        # stale snapshot, which deferred transactions in WAL mode would.
        await_(asyncio.wait_for(writer.acquire(), timeout=WRITER_WAIT_SECONDS))
        connection.info[_HOLDS_WRITER] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(connection.info)
            raise

    def _release(info: dict[str, Any]) -> None:
        if info.pop(_HOLDS_WRITER, False):
            writer.release()

    # When the transaction ends, whichever way, and at the latest when the connection goes
    # back to the pool (a cancelled request may end neither by commit nor by rollback).
    event.listen(engine.sync_engine, "commit", lambda connection: _release(connection.info))
    event.listen(engine.sync_engine, "rollback", lambda connection: _release(connection.info))
    event.listen(engine.sync_engine.pool, "checkin", lambda _dbapi, record: _release(record.info))


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
