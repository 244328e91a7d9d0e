"""`athanor doctor`: what is wrong with this installation, and how to fix it."""

from __future__ import annotations

import os
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from athanor.db.engine import Database
from athanor.db.migrate import alembic_config
from athanor.ops.checks import CheckResult, check_broker, check_database, check_redis
from athanor.settings import Environment, Settings


@dataclass(frozen=True, slots=True)
class Finding:
    name: str
    ok: bool
    detail: str


def _check_data_dir(settings: Settings) -> Finding:
    path = settings.data_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return Finding("data directory", False, f"{path}: {exc}. Set ATHANOR_DATA_DIR to a writable folder.")
    if not os.access(path, os.W_OK):
        return Finding(
            "data directory", False, f"{path} is not writable. Fix its permissions or set ATHANOR_DATA_DIR."
        )
    return Finding("data directory", True, str(path.resolve()))


async def _check_migrations(settings: Settings) -> Finding:
    head = ScriptDirectory.from_config(alembic_config(settings)).get_current_head()
    owner = Database(settings.database_url, pool_size=1)
    try:
        async with owner.engine.connect() as connection:
            current = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    except Exception as exc:  # noqa: BLE001
        return Finding(
            "migrations",
            False,
            f"cannot read the schema version ({type(exc).__name__}). Run `athanor migrate`.",
        )
    finally:
        await owner.dispose()
    if current != head:
        return Finding(
            "migrations", False, f"database at {current or 'nothing'}, code at {head}. Run `athanor migrate`."
        )
    return Finding("migrations", True, f"at {head}")


def _explained(result: CheckResult, name: str, fix: str) -> Finding:
    """A reachability check as a finding, with how to fix it when it failed."""
    return Finding(name, result.ok, result.detail if result.ok else f"{result.detail} {fix}")


async def run_doctor(settings: Settings) -> list[Finding]:
    findings = [Finding("configuration", True, f"{settings.environment.value}, {settings.database_backend}")]
    if settings.environment is Environment.PRODUCTION and settings.database_backend == "sqlite":
        findings.append(
            Finding(
                "database choice",
                False,
                "SQLite is for one machine; set ATHANOR_DATABASE_URL to postgresql+asyncpg://... in production.",
            )
        )
    if settings.environment is Environment.PRODUCTION and not settings.redis_url:
        findings.append(
            Finding(
                "redis",
                False,
                "Rate limits and caches stay in one process without Redis. Set ATHANOR_REDIS_URL.",
            )
        )
    findings.append(_check_data_dir(settings))
    findings.append(await _check_migrations(settings))
    app_db = Database(settings.app_database_url, pool_size=1)
    try:
        database = await check_database(app_db)
    finally:
        await app_db.dispose()
    findings.append(
        _explained(
            database,
            "database (app role)",
            "Check ATHANOR_DATABASE_URL and run `athanor migrate` (it creates the app role).",
        )
    )
    if settings.redis_url:
        findings.append(
            _explained(
                await check_redis(settings.redis_url), "redis", "Is Redis running at ATHANOR_REDIS_URL?"
            )
        )
    if settings.broker_url:
        broker = await check_broker(settings.broker_url)
        findings.append(_explained(broker, "broker", "Is the broker at ATHANOR_BROKER_URL running?"))
    return findings
