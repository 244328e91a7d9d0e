"""The wallet sweeper: frees holds whose caller never came back and expires old tokens."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from athanor.wallet import service
from athanor.workers.celery_app import celery_app
from athanor.workers.tenants import run_each_tenant


async def sweep_tenant(session: AsyncSession) -> int:
    """Expired holds back to their wallets, then expired lots to the expired account."""
    return await service.expire_holds(session) + await service.expire_lots(session)


@celery_app.task(name="athanor.wallet.sweep")
def sweep() -> int:
    """Release stale holds and expire lots in every tenant (every minute, on the beat)."""
    return asyncio.run(run_each_tenant(sweep_tenant, "wallet.sweep"))
