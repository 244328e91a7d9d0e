"""Rate limits on the `limits` library: in memory embedded, in Redis when configured."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import cast

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage as AsyncStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from athanor.core.errors import RateLimited
from athanor.core.metrics import RATE_LIMITED


@dataclass(frozen=True, slots=True)
class LimitRule:
    """One limit to apply: `name` labels it (user, tenant, api_key...), `identity` keys it."""

    name: str
    identity: str
    rate: str


@dataclass(frozen=True, slots=True)
class LimitState:
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


class RateLimiter:
    def __init__(self, redis_url: str | None, *, namespace: str = "athanor") -> None:
        if redis_url:
            uri = "async+" + redis_url
            storage = storage_from_string(uri, implementation="redispy", key_prefix=namespace)
        else:
            storage = storage_from_string("async+memory://")
        self._storage = cast(AsyncStorage, storage)
        self._limiter = MovingWindowRateLimiter(storage)

    async def enforce(self, rules: list[LimitRule]) -> LimitState | None:
        """Count one hit against every rule; raise RateLimited when any is exhausted.

        Returns the tightest limit's state for the RateLimit-* headers.
        """
        tightest: LimitState | None = None
        for rule in rules:
            for item in _parse(rule.rate):
                allowed = await self._limiter.hit(item, rule.name, rule.identity)
                stats = await self._limiter.get_window_stats(item, rule.name, rule.identity)
                state = LimitState(
                    limit=item.amount,
                    remaining=max(stats.remaining, 0),
                    reset_seconds=max(math.ceil(stats.reset_time - time.time()), 1),
                )
                if not allowed:
                    RATE_LIMITED.labels(rule.name).inc()
                    raise RateLimited(
                        params={"retry_after": state.reset_seconds},
                        headers={"Retry-After": str(state.reset_seconds), **state.headers()},
                    )
                if tightest is None or state.remaining < tightest.remaining:
                    tightest = state
        return tightest

    async def check_storage(self) -> bool:
        return bool(await self._storage.check())


def _parse(rate: str) -> list[RateLimitItem]:
    return list(parse_many(rate))
