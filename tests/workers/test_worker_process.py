"""`athanor worker` in its own process takes tasks from Redis and works on the database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from athanor.auth.models import AuthSession
from athanor.db.migrate import upgrade
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.runtime import build_runtime
from athanor.workers.celery_app import create_celery
from tests.builders import make_member
from tests.conftest import make_settings

pytestmark = pytest.mark.slow


async def _expired_sessions(settings: object) -> int:
    runtime = build_runtime(settings)  # type: ignore[arg-type]
    try:
        async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
            return int(await session.scalar(select(func.count()).select_from(AuthSession)) or 0)
    finally:
        await runtime.close()


async def _seed_old_session(settings: object) -> None:
    runtime = build_runtime(settings)  # type: ignore[arg-type]
    try:
        await make_member(runtime, "old@example.com", tenant_name="Old")
        async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
            for row in (await session.scalars(select(AuthSession))).all():
                row.expires_at = utcnow() - timedelta(days=30)
    finally:
        await runtime.close()


def test_worker_process_runs_tasks_from_redis(tmp_path: Path, redis_url: str) -> None:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'athanor.db'}", tmp_path, broker_url=redis_url, redis_url=redis_url
    )
    upgrade(settings)
    asyncio.run(_seed_old_session(settings))
    assert asyncio.run(_expired_sessions(settings)) == 1

    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("ATHANOR_")},
        "ATHANOR_DATA_DIR": str(tmp_path),
        "ATHANOR_DATABASE_URL": settings.database_url,
        "ATHANOR_SECRET_KEY": settings.secret_key.get_secret_value(),  # type: ignore[union-attr]
        "ATHANOR_ENCRYPTION_KEYS": ",".join(settings.encryption_keys),
        "ATHANOR_BROKER_URL": redis_url,
        "ATHANOR_REDIS_URL": redis_url,
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "athanor", "worker", "--queues", "default", "--concurrency", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        client = create_celery(settings)
        removed = client.send_task("athanor.auth.purge_expired", queue="default").get(timeout=60)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        log.close()
    assert removed == 1, (tmp_path / "worker.log").read_text()[-3000:]
    assert asyncio.run(_expired_sessions(settings)) == 0
