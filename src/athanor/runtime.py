"""The long-lived parts one process shares: settings, database, rate limiter."""

from __future__ import annotations

from dataclasses import dataclass

from athanor.core.crypto import KeyRing
from athanor.core.ratelimit import RateLimiter
from athanor.db.engine import Database
from athanor.execution.services import AiServices
from athanor.settings import Environment, Settings, derive_secret


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

    @property
    def reveals_links(self) -> bool:
        """Whether sign-up and reset links may be logged (until mail is configured)."""
        return self.settings.environment is not Environment.PRODUCTION

    async def close(self) -> None:
        await self.ai.flush_metrics(self.db, everything=True)
        await self.ai.close()
        await self.db.dispose()
        await self.limiter.close()


def build_runtime(settings: Settings) -> Runtime:
    return Runtime(
        settings=settings,
        db=Database(settings.app_database_url, pool_size=settings.database_pool_size),
        limiter=RateLimiter(settings.redis_url),
        token_key=derive_secret(settings, "token-hash"),
        key_ring=KeyRing(settings.encryption_keys),
        ai=AiServices(settings),
    )
