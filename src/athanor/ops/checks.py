"""Reaching the services a deployment depends on; shared by /readyz and `athanor doctor`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import text

from athanor.db.engine import Database
from athanor.settings import Settings


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


async def check_database(db: Database) -> CheckResult:
    try:
        async with db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return CheckResult("database", False, f"{type(exc).__name__}: {exc}"[:300])
    return CheckResult("database", True, db.backend)


async def check_redis(url: str) -> CheckResult:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001
        return CheckResult("redis", False, f"{type(exc).__name__}: {exc}"[:300])
    finally:
        await client.aclose()
    return CheckResult("redis", True, "ping ok")


def _ping_broker(url: str) -> None:
    from kombu import Connection

    with Connection(url, connect_timeout=2) as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


async def check_broker(url: str) -> CheckResult:
    try:
        await asyncio.wait_for(asyncio.to_thread(_ping_broker, url), timeout=5)
    except Exception as exc:  # noqa: BLE001
        return CheckResult("broker", False, f"{type(exc).__name__}: {exc}"[:300])
    return CheckResult("broker", True, "connected")


async def readiness(settings: Settings, db: Database) -> list[CheckResult]:
    checks = [check_database(db)]
    if settings.redis_url:
        checks.append(check_redis(settings.redis_url))
    if settings.broker_url and not settings.broker_url.startswith("memory://"):
        checks.append(check_broker(settings.broker_url))
    return list(await asyncio.gather(*checks))
