"""Worker test fixtures: an in-process worker on the memory broker that runs its tasks on
the test's own event loop and runtime, as `athanor serve` does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from athanor.runtime import Runtime
from athanor.settings import Settings
from athanor.workers.celery_app import celery_app
from athanor.workers.embedded import EmbeddedWorker
from tests.builders import Member, make_member
from tests.conftest import make_settings
from tests.workers import sample_tasks  # registers the tasks before a worker starts

T = TypeVar("T")
HEARTBEAT = 0.3


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        database_url, tmp_path, worker_heartbeat_seconds=HEARTBEAT, embedded_worker_concurrency=4
    )


@pytest.fixture
async def embedded(runtime: Runtime) -> AsyncIterator[EmbeddedWorker]:
    """The embedded worker (without the scheduler), hosted on this test's loop."""
    celery_app.control.purge()
    sample_tasks.reset()
    worker = EmbeddedWorker(runtime, beat=False)
    worker.start(asyncio.get_running_loop())
    yield worker
    await asyncio.to_thread(worker.stop)


@pytest.fixture
async def admin(runtime: Runtime) -> Member:
    return await make_member(runtime, "root@example.com", tenant_name="Ops", superadmin=True)


async def eventually(check: Callable[[], Awaitable[T | None]], *, within: float = 15.0) -> T:
    """Poll `check` until it returns something truthy (without blocking the loop the
    worker's tasks run on)."""
    deadline = time.monotonic() + within
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {within} s")
        await asyncio.sleep(0.1)
