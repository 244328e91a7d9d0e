"""The long-lived parts of the AI path one process keeps: pooled provider clients, the
router with its health state, metrics, and short caches of decrypted endpoints."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.audit.service import Actor
from athanor.catalog import credentials
from athanor.catalog.models import Deployment, DeploymentMetric, ProviderConnection
from athanor.core.crypto import KeyRing
from athanor.core.ttlcache import TtlCache
from athanor.db.base import new_id
from athanor.db.engine import Database
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.db.upsert import insert_for
from athanor.execution.planning import Plan
from athanor.levels.entitlements import Entitlement
from athanor.providers.registry import AdapterPool
from athanor.providers.types import Endpoint
from athanor.routing.metrics import MetricBucket, MetricsRecorder
from athanor.routing.service import Router
from athanor.routing.state import HealthState, MemoryHealthState, RedisHealthState
from athanor.settings import Settings
from athanor.wallet.models import AccountKind

PLAN_TTL = 5.0
ACCOUNT_TTL = 300.0


@dataclass(frozen=True, slots=True)
class _SealedEndpoint:
    sealed: str | None
    updated_at: object
    endpoint: Endpoint


class AiServices:
    def __init__(self, settings: Settings) -> None:
        self._redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        state: HealthState = RedisHealthState(self._redis) if self._redis else MemoryHealthState()
        self.metrics = MetricsRecorder()
        self.router = Router(state, metrics=self.metrics)
        self.adapters = AdapterPool()
        self._endpoints: dict[uuid.UUID, _SealedEndpoint] = {}
        # Seconds-old routing plans and levels spare every call six lookups; writes to
        # providers, deployments, prices and levels clear their tenant's (`forget`).
        self.plans: TtlCache[tuple[uuid.UUID, str, str | None], Plan] = TtlCache(ttl=PLAN_TTL)
        self.entitlements: TtlCache[tuple[uuid.UUID, uuid.UUID], Entitlement] = TtlCache(ttl=PLAN_TTL)
        # Wallet account ids by (tenant, kind, user): an account, once opened, keeps its id.
        self.accounts: TtlCache[tuple[uuid.UUID, AccountKind, uuid.UUID | None], uuid.UUID] = TtlCache(
            ttl=ACCOUNT_TTL
        )
        self.source = f"{socket.gethostname()}:{os.getpid()}"

    def cached_endpoint(self, connection: ProviderConnection) -> Endpoint | None:
        """The connection's endpoint if decrypted before, from the same key and settings
        (a change is seen through the row's updated_at)."""
        known = self._endpoints.get(connection.id)
        if known and known.sealed == connection.api_key_sealed and known.updated_at == connection.updated_at:
            return known.endpoint
        return None

    async def endpoint(
        self, session: AsyncSession, connection: ProviderConnection, ring: KeyRing, actor: Actor
    ) -> Endpoint:
        """The connection's decrypted endpoint. Decrypted (and audited) once per process and
        key version."""
        if (known := self.cached_endpoint(connection)) is not None:
            return known
        endpoint = await credentials.endpoint(session, connection, ring, actor=actor, purpose="execution")
        self._endpoints[connection.id] = _SealedEndpoint(
            connection.api_key_sealed, connection.updated_at, endpoint
        )
        return endpoint

    def forget(self, tenant_id: uuid.UUID | None = None) -> None:
        """Drop cached plans and levels of a tenant (all tenants: a shared row changed)."""
        self.plans.discard_where(lambda key, _plan: tenant_id is None or key[0] == tenant_id)
        self.entitlements.discard_where(lambda key, _level: tenant_id is None or key[0] == tenant_id)
        self.accounts.discard_where(lambda key, _id: tenant_id is None or key[0] == tenant_id)

    async def flush_metrics(self, db: Database, *, everything: bool = False) -> int:
        """Write finished minutes of routing metrics; rows of other processes add up."""
        buckets = self.metrics.drain(include_current=everything)
        if not buckets:
            return 0
        async with db.session(DbScope.for_platform(None)) as session:
            for bucket in buckets:
                await _store(session, bucket, self.source)
            await session.commit()
        return len(buckets)

    async def close(self) -> None:
        await self.adapters.aclose()
        if self._redis is not None:
            await self._redis.aclose()


async def _store(session: AsyncSession, bucket: MetricBucket, source: str) -> None:
    deployment = await session.get(Deployment, uuid.UUID(bucket.deployment_id))
    if deployment is None:
        return
    values = {
        "requests": bucket.requests,
        "errors": bucket.errors,
        "error_kinds": dict(bucket.error_kinds),
        "prompt_tokens": bucket.prompt_tokens,
        "completion_tokens": bucket.completion_tokens,
        "cost_nanos": bucket.cost,
        "latency_histogram": bucket.latency_ms,
        "ttft_histogram": bucket.ttft_ms,
        "max_in_flight": bucket.max_in_flight,
    }
    statement = insert_for(session, DeploymentMetric).values(
        id=new_id(),
        tenant_id=deployment.tenant_id,
        deployment_id=deployment.id,
        bucket_start=bucket.started_at,
        source=source,
        created_at=utcnow(),
        updated_at=utcnow(),
        **values,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["deployment_id", "bucket_start", "source"], set_=values
        )
    )
