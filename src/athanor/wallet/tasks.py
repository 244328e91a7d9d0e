"""The wallet sweeper: frees holds whose caller never came back and expires old tokens."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from athanor.runtime import Runtime
from athanor.wallet import service
from athanor.workers.durable import durable_task
from athanor.workers.queues import QueueName
from athanor.workers.runner import run_async
from athanor.workers.tenants import each_tenant


async def sweep_tenant(session: AsyncSession) -> int:
    """Expired holds back to their wallets, then expired lots to the expired account."""
    return await service.expire_holds(session) + await service.expire_lots(session)


@durable_task(name="athanor.wallet.sweep", queue=QueueName.BATCH, idempotent=False)
def sweep() -> int:
    """Release stale holds and expire lots in every tenant (every minute, on the beat)."""
    return run_async(_each_wallet_tenant)


async def _each_wallet_tenant(runtime: Runtime) -> int:
    return await each_tenant(runtime.db, sweep_tenant, name="wallet.sweep")
