"""The queues, their priorities and what each kind of work may take.

Priorities are 0 (least urgent) to 9 (most urgent) everywhere in Athanor. RabbitMQ reads
them that way (`x-max-priority`); Redis serves the lowest number first, so they are
mirrored on the way to and from a Redis broker.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kombu import Exchange, Queue

MAX_PRIORITY = 9
DEFAULT_PRIORITY = 5
# Redis keeps one list per step; a message goes to the highest step not above its number.
REDIS_PRIORITY_STEPS = [0, 3, 6, 9]
# kombu's separator between a queue's name and its priority step in Redis keys.
REDIS_PRIORITY_SEPARATOR = "\x06\x16"


class QueueName(StrEnum):
    INTERACTIVE = "interactive"
    DEFAULT = "default"
    BATCH = "batch"
    EXPORT = "export"


QUEUES = tuple(queue.value for queue in QueueName)


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    """Defaults for tasks of one queue; a task may set its own."""

    soft_time_limit: int
    max_retries: int
    backoff_seconds: float
    backoff_max_seconds: float


# Interactive work has a person waiting: short limits, quick and few retries. Batch and
# export work may run long and wait longer between attempts.
POLICIES = {
    QueueName.INTERACTIVE: QueuePolicy(
        soft_time_limit=120, max_retries=3, backoff_seconds=1, backoff_max_seconds=30
    ),
    QueueName.DEFAULT: QueuePolicy(
        soft_time_limit=600, max_retries=5, backoff_seconds=5, backoff_max_seconds=600
    ),
    QueueName.BATCH: QueuePolicy(
        soft_time_limit=3600, max_retries=8, backoff_seconds=30, backoff_max_seconds=3600
    ),
    QueueName.EXPORT: QueuePolicy(
        soft_time_limit=1800, max_retries=5, backoff_seconds=10, backoff_max_seconds=900
    ),
}
# The hard limit kills a task that ignored its soft limit this much later.
HARD_LIMIT_GRACE_SECONDS = 30


def is_redis(broker_url: str) -> bool:
    return broker_url.startswith(("redis://", "rediss://", "redis+socket://"))


def broker_priority(priority: int, broker_url: str) -> int:
    """Athanor's priority (9 most urgent) as the broker reads it; the mapping is its own
    inverse, so it also reads a broker's priority back."""
    priority = max(0, min(MAX_PRIORITY, priority))
    return MAX_PRIORITY - priority if is_redis(broker_url) else priority


def declarations() -> list[Queue]:
    """The queues as kombu declares them (priorities on RabbitMQ; Redis ignores the argument)."""
    return [
        Queue(name, Exchange(name), routing_key=name, queue_arguments={"x-max-priority": MAX_PRIORITY})
        for name in QUEUES
    ]


def redis_keys(queue: str, prefix: str = "") -> list[str]:
    """The Redis lists holding a queue's messages, most urgent step first."""
    return [
        f"{prefix}{queue}" if step == 0 else f"{prefix}{queue}{REDIS_PRIORITY_SEPARATOR}{step}"
        for step in REDIS_PRIORITY_STEPS
    ]
