"""Level periods: start the next one, with its tokens, when the last one ends."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from athanor.levels import service
from athanor.workers.celery_app import celery_app
from athanor.workers.tenants import run_each_tenant


async def renew_tenant(session: AsyncSession) -> int:
    return await service.renew_due(session)


@celery_app.task(name="athanor.levels.renew_periods")
def renew_periods() -> int:
    """Renew every subscription whose period has ended; grants are keyed, so a repeated
    or overlapping run grants nothing twice."""
    return asyncio.run(run_each_tenant(renew_tenant, "levels.renew"))
