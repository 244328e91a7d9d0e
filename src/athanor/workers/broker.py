"""What the broker holds: queue depths and the age of each queue's oldest job.

On Redis every queue is a few lists (one per priority step) whose oldest message sits at
the tail, stamped at publication (`signals.PUBLISHED_AT_HEADER`). Other brokers (RabbitMQ,
the in-memory one) tell the depth through a passive declare and not the age.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

from celery import Celery
from redis.asyncio import Redis

from athanor.workers.queues import QUEUES, is_redis, redis_keys
from athanor.workers.signals import PUBLISHED_AT_HEADER


@dataclass(frozen=True, slots=True)
class QueueDepth:
    queue: str
    depth: int
    oldest_age_seconds: float | None


async def queue_depths(app: Celery) -> list[QueueDepth]:
    broker_url: str = app.conf.broker_url or ""
    if is_redis(broker_url):
        return await _redis_depths(broker_url)
    return await asyncio.to_thread(_declared_depths, app)


async def _redis_depths(broker_url: str) -> list[QueueDepth]:
    client = Redis.from_url(broker_url, socket_connect_timeout=5, socket_timeout=5)
    now = time.time()
    try:
        found = []
        for queue in QUEUES:
            keys = redis_keys(queue)
            async with client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.llen(key)
                    pipe.lindex(key, -1)
                replies = await pipe.execute()
            depth = sum(int(length) for length in replies[0::2])
            stamps = [_published_at(raw) for raw in replies[1::2] if raw is not None]
            known = [stamp for stamp in stamps if stamp is not None]
            oldest = max(0.0, now - min(known)) if known else None
            found.append(QueueDepth(queue, depth, oldest))
        return found
    finally:
        await client.aclose()


def _published_at(raw: bytes) -> float | None:
    try:
        stamp = json.loads(raw)["headers"][PUBLISHED_AT_HEADER]
    except (ValueError, KeyError, TypeError):
        return None  # published by something that does not stamp
    return float(stamp)


def _declared_depths(app: Celery) -> list[QueueDepth]:
    found = []
    with app.connection_for_read() as connection:
        channel = connection.default_channel
        for queue in QUEUES:
            try:
                declared = channel.queue_declare(queue=queue, passive=True)
                depth = int(declared.message_count)
            except Exception:  # noqa: BLE001 - a queue nobody declared yet holds nothing
                depth = 0
                channel = connection.channel()
            found.append(QueueDepth(queue, depth, None))
    return found
