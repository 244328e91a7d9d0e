"""Telling every API server to drop cached entries, through Redis pub/sub.

Each process caches a few things for seconds (resolved API keys, routing plans, levels).
A change made on one server is applied there at once and published here, so the others
drop their copies within a round trip instead of waiting for the cache's time to live.
Without Redis (one process) the local drop is all there is.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from athanor.core.logging import get_logger

log = get_logger(__name__)

CHANNEL = "athanor:cache:forget"
Handler = Callable[[dict[str, Any]], None]


class CacheBus:
    def __init__(self, redis_url: str | None, handler: Handler) -> None:
        self._redis = Redis.from_url(redis_url) if redis_url else None
        self._handler = handler
        self._origin = uuid.uuid4().hex

    async def publish(self, message: dict[str, Any]) -> None:
        """Apply locally, then tell the other processes (best effort: their TTL bounds it)."""
        self._handler(message)
        if self._redis is None:
            return
        try:
            await self._redis.publish(CHANNEL, orjson.dumps({**message, "origin": self._origin}))
        except (RedisError, OSError):
            log.warning("cachebus.publish_failed")

    async def listen(self) -> None:
        """Apply other processes' messages until cancelled; reconnects after errors."""
        if self._redis is None:
            return
        while True:
            try:
                async with self._redis.pubsub() as channel:
                    await channel.subscribe(CHANNEL)
                    async for raw in channel.listen():
                        self._receive(raw)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError):
                log.warning("cachebus.listen_failed")
                await asyncio.sleep(1)

    def _receive(self, raw: dict[str, Any]) -> None:
        if raw.get("type") != "message":
            return
        with suppress(ValueError):
            message = orjson.loads(raw["data"])
            if message.pop("origin", None) != self._origin:
                self._handler(message)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
