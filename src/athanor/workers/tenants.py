"""Periodic work run once per tenant, each tenant in its own scoped transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.core.logging import get_logger
from athanor.db.engine import Database
from athanor.db.scope import DbScope
from athanor.tenancy.models import Tenant

log = get_logger("athanor.workers.tenants")

TenantWork = Callable[[AsyncSession], Awaitable[int]]


class TenantWorkFailed(Exception):
    """Some tenants failed; the others were done. Raised so Celery records and retries."""


async def each_tenant(db: Database, work: TenantWork, *, name: str) -> int:
    """Run `work` once per tenant, each in its own tenant-scoped transaction, so one
    tenant's failure neither undoes nor stops another's; returns the summed counts."""
    async with db.session(DbScope.anonymous()) as session:
        tenant_ids = (await session.scalars(select(Tenant.id).order_by(Tenant.id))).all()
    total, failed = 0, 0
    for tenant_id in tenant_ids:
        try:
            async with db.session(DbScope.for_tenant(tenant_id)) as session, session.begin():
                total += await work(session)
        except Exception:
            failed += 1
            log.exception("tenant_work.failed", work=name, tenant_id=str(tenant_id))
    if failed:
        raise TenantWorkFailed(f"{name} failed for {failed} of {len(tenant_ids)} tenants")
    return total
