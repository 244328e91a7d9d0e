"""Tasks the worker tests run: their calls are counted in this process."""

from __future__ import annotations

import time
from collections import Counter

from athanor.workers.durable import durable_task
from athanor.workers.queues import QueueName

CALLS: Counter[str] = Counter()
DONE: Counter[str] = Counter()


class FlakyError(RuntimeError):
    """A failure the test asked for."""


def reset() -> None:
    CALLS.clear()
    DONE.clear()


@durable_task(name="tests.workers.flaky", queue=QueueName.INTERACTIVE, max_retries=2, backoff_seconds=0.05)
def flaky(key: str, fail_times: int, tenant_id: str | None = None) -> str:
    """Fails its first `fail_times` calls for `key`, then succeeds."""
    CALLS[key] += 1
    if CALLS[key] <= fail_times:
        raise FlakyError(f"call {CALLS[key]} of {key} failed")
    DONE[key] += 1
    return key


@durable_task(name="tests.workers.count", queue=QueueName.DEFAULT)
def count(key: str, seconds: float = 0.0) -> int:
    """Counts its calls; optionally takes a while."""
    CALLS[key] += 1
    time.sleep(seconds)
    DONE[key] += 1
    return CALLS[key]
