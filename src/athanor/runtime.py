"""The long-lived parts one process shares: settings, database, rate limiter."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from athanor.apikeys.usage import UsageTally
from athanor.core.cachebus import CacheBus
from athanor.core.crypto import KeyRing
from athanor.core.ratelimit import RateLimiter
from athanor.core.ttlcache import TtlCache
from athanor.db.engine import Database
from athanor.execution.metering import Metering
from athanor.execution.services import AiServices
from athanor.settings import Environment, Settings, derive_secret
from athanor.storage.backends import Backend, build_backend

if TYPE_CHECKING:
    from athanor.access.principal import CachedPrincipal


@dataclass
class Runtime:
    settings: Settings
    db: Database
    limiter: RateLimiter
    # Key for the keyed hashes of session tokens, API keys and link tokens.
    token_key: str
    # Seals provider credentials at rest.
    key_ring: KeyRing
    # Provider clients, routing and its metrics: the AI call path's process-wide parts.
    ai: AiServices
    # API keys seen in the last seconds, by secret hash: the gateway's hot path skips
    # four lookups. Revoking or rotating a key removes it (see apikeys.router).
    api_key_principals: TtlCache[str, CachedPrincipal] = field(default_factory=lambda: TtlCache(ttl=10.0))
    key_usage: UsageTally = field(default_factory=UsageTally)
    cache_bus: CacheBus = field(init=False)
    # Batched writes of the AI call path (holds, settlements, execution records).
    metering: Metering = field(init=False)
    # Where file bytes live (local folder or S3).
    files: Backend = field(init=False)

    def __post_init__(self) -> None:
        self.cache_bus = CacheBus(self.settings.redis_url, self._forget_locally)
        self.metering = Metering(self.db)
        self.files = build_backend(self.settings)

    @property
    def reveals_links(self) -> bool:
        """Whether sign-up and reset links may be logged (until mail is configured)."""
        return self.settings.environment is not Environment.PRODUCTION

    async def forget(self, *, tenant_id: uuid.UUID | None = None, key_id: uuid.UUID | None = None) -> None:
        """Drop what every API server caches about a changed key (revoked, rotated) or
        tenant (members, roles, status, providers, deployments, prices, levels); nothing
        given means everything (a platform-wide change)."""
        await self.cache_bus.publish(
            {"tenant_id": str(tenant_id) if tenant_id else None, "key_id": str(key_id) if key_id else None}
        )

    def _forget_locally(self, message: dict[str, Any]) -> None:
        tenant_id = uuid.UUID(message["tenant_id"]) if message.get("tenant_id") else None
        key_id = uuid.UUID(message["key_id"]) if message.get("key_id") else None

        def stale(_digest: str, cached: CachedPrincipal) -> bool:
            principal = cached.principal
            if key_id is not None:
                return principal.api_key is not None and principal.api_key.id == key_id
            return tenant_id is None or principal.tenant_id == tenant_id

        self.api_key_principals.discard_where(stale)
        if key_id is None:
            self.ai.forget(tenant_id)

    async def close(self) -> None:
        await self.metering.close()
        await self.ai.flush_metrics(self.db, everything=True)
        await self.key_usage.flush(self.db)
        await self.cache_bus.close()
        await self.ai.close()
        await self.db.dispose()
        await self.limiter.close()
        await self.files.close()


def build_runtime(settings: Settings) -> Runtime:
    return Runtime(
        settings=settings,
        db=Database(settings.app_database_url, pool_size=settings.database_pool_size),
        limiter=RateLimiter(settings.redis_url),
        token_key=derive_secret(settings, "token-hash"),
        key_ring=KeyRing(settings.encryption_keys),
        ai=AiServices(settings),
    )
