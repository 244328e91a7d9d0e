"""API-key use counted in memory and written in batches: one UPDATE per key and flush,
instead of one per request on the hot path."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.apikeys.models import ApiKey
from athanor.db.engine import Database
from athanor.db.scope import DbScope
from athanor.db.types import utcnow


class UsageTally:
    def __init__(self) -> None:
        self._counts: Counter[tuple[uuid.UUID, uuid.UUID]] = Counter()
        self._last_used: dict[tuple[uuid.UUID, uuid.UUID], datetime] = {}

    def add(self, *, tenant_id: uuid.UUID, key_id: uuid.UUID) -> None:
        self._counts[tenant_id, key_id] += 1
        self._last_used[tenant_id, key_id] = utcnow()

    async def write(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        """Write one tenant's counts in the caller's transaction (scoped to that tenant)."""
        for tenant, key_id in [pair for pair in self._counts if pair[0] == tenant_id]:
            count = self._counts.pop((tenant, key_id))
            await session.execute(
                update(ApiKey)
                .where(ApiKey.id == key_id)
                .values(
                    usage_count=ApiKey.usage_count + count, last_used_at=self._last_used.pop((tenant, key_id))
                )
                .execution_options(synchronize_session=False)
            )

    async def flush(self, db: Database) -> int:
        """Write every tenant's counts so far, each in its own scope (RLS)."""
        tenants = {tenant_id for tenant_id, _key in self._counts}
        for tenant_id in tenants:
            async with db.session(DbScope.for_tenant(tenant_id)) as session, session.begin():
                await self.write(session, tenant_id)
        return len(tenants)
