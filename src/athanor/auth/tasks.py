"""Periodic clean-up of identity records."""

from __future__ import annotations

from athanor.auth import service
from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.workers.durable import durable_task
from athanor.workers.queues import QueueName
from athanor.workers.runner import run_async


async def _purge(runtime: Runtime) -> int:
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        return await service.purge_expired(session)


@durable_task(name="athanor.auth.purge_expired", queue=QueueName.BATCH, idempotent=False)
def purge_expired() -> int:
    """Delete sessions and link tokens that ended more than a week ago."""
    return run_async(_purge)
