"""Level periods: start the next one, with its tokens, when the last one ends."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from athanor.levels import service
from athanor.runtime import Runtime
from athanor.workers.durable import durable_task
from athanor.workers.queues import QueueName
from athanor.workers.runner import run_async
from athanor.workers.tenants import each_tenant


async def renew_tenant(session: AsyncSession) -> int:
    return await service.renew_due(session)


@durable_task(name="athanor.levels.renew_periods", queue=QueueName.BATCH, idempotent=False)
def renew_periods() -> int:
    """Renew every subscription whose period has ended; grants are keyed, so a repeated
    or overlapping run grants nothing twice."""
    return run_async(_each_levels_tenant)


async def _each_levels_tenant(runtime: Runtime) -> int:
    return await each_tenant(runtime.db, renew_tenant, name="levels.renew")
