"""Rate limits on the `limits` library: in memory embedded, in Redis when configured."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage as AsyncStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from limits.util import WindowStats
from redis.asyncio import ConnectionPool
from redis.exceptions import RedisError

from athanor.core.errors import AppError, RateLimited
from athanor.core.i18n import _
from athanor.core.logging import get_logger
from athanor.core.metrics import RATE_LIMITED

log = get_logger(__name__)


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


class RateLimitUnavailable(AppError):
    status = 503
    code = "rate_limit.unavailable"
    message = _("The service is briefly unavailable. Try again in a few seconds.")


class RateLimiter:
    """Moving-window limits. With Redis, every API server sharing the URL and namespace
    shares the counts."""

    def __init__(self, redis_url: str | None, *, namespace: str = "athanor") -> None:
        self._pool: ConnectionPool | None = None
        if redis_url:
            # Our own pool, so that close() can release its connections.
            self._pool = ConnectionPool.from_url(redis_url)
            # The library's stubs type options as scalars; redis-py takes the pool as is.
            options: dict[str, Any] = {"connection_pool": self._pool}
            storage = storage_from_string(
                "async+" + redis_url, implementation="redispy", key_prefix=namespace, **options
            )
        else:
            storage = storage_from_string("async+memory://")
        self._storage = cast(AsyncStorage, storage)
        self._limiter = MovingWindowRateLimiter(storage)

    async def enforce(self, rules: list[LimitRule]) -> LimitState | None:
        """Count one hit against every rule; raise RateLimited when any is exhausted.

        A refused request counts against no rule: a client hammering a throttled API key
        must not use up its user's or tenant's allowance. Returns the tightest limit's
        state for the RateLimit-* headers. When the shared store cannot be reached the
        request is refused (503) rather than let through unlimited.
        """
        try:
            return await self._enforce(rules)
        except (RedisError, OSError) as error:
            log.error("ratelimit.storage_unavailable", error_type=type(error).__name__)
            raise RateLimitUnavailable(headers={"Retry-After": "5"}) from None

    async def _enforce(self, rules: list[LimitRule]) -> LimitState | None:
        checks = [(rule, item) for rule in rules for item in _parse(rule.rate)]
        windows: list[WindowStats] = []
        for rule, item in checks:
            stats = await self._limiter.get_window_stats(item, rule.name, rule.identity)
            if stats.remaining < 1:
                raise _refusal(rule, item, stats)
            windows.append(stats)
        tightest: LimitState | None = None
        for (rule, item), before in zip(checks, windows, strict=True):
            if not await self._limiter.hit(item, rule.name, rule.identity):
                # A concurrent request took the last slot since the window was read.
                raise _refusal(
                    rule, item, await self._limiter.get_window_stats(item, rule.name, rule.identity)
                )
            # An empty window starts with this hit; otherwise its oldest hit expires first.
            reset_at = (
                before.reset_time if before.remaining < item.amount else time.time() + item.get_expiry()
            )
            state = LimitState(
                limit=item.amount,
                remaining=max(before.remaining - 1, 0),
                reset_seconds=_seconds_until(reset_at),
            )
            if tightest is None or state.remaining < tightest.remaining:
                tightest = state
        return tightest

    async def check_storage(self) -> bool:
        return bool(await self._storage.check())

    async def close(self) -> None:
        """Release the Redis connections (nothing to do in memory)."""
        if self._pool is not None:
            await self._pool.aclose()


def _seconds_until(moment: float) -> int:
    return max(math.ceil(moment - time.time()), 1)


def _refusal(rule: LimitRule, item: RateLimitItem, stats: WindowStats) -> RateLimited:
    RATE_LIMITED.labels(rule.name).inc()
    state = LimitState(limit=item.amount, remaining=0, reset_seconds=_seconds_until(stats.reset_time))
    return RateLimited(
        params={"retry_after": state.reset_seconds},
        headers={"Retry-After": str(state.reset_seconds), **state.headers()},
    )


@lru_cache(maxsize=1024)
def _parse(rate: str) -> tuple[RateLimitItem, ...]:
    # Parsed once per distinct rate: this runs on every request.
    return tuple(parse_many(rate))
