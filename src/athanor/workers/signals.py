"""Celery signal handlers of every Athanor process: publish stamps and counts, and the
registry agent of a worker started by `athanor worker`."""

from __future__ import annotations

import time
from typing import Any

from celery import signals

from athanor.workers.stats import STATS

# Seconds since the epoch at publication: the age of the oldest job in a queue.
PUBLISHED_AT_HEADER = "athanor_published_at"


def _stamp_publication(
    sender: Any = None, headers: dict[str, Any] | None = None, routing_key: str | None = None, **_: Any
) -> None:
    if headers is not None:
        headers[PUBLISHED_AT_HEADER] = time.time()
    if routing_key:
        STATS.published(routing_key)


def _worker_ready(sender: Any = None, **_: Any) -> None:
    from athanor.workers.agent import start_agent

    start_agent(sender, embedded=False)


def _worker_shutdown(sender: Any = None, **_: Any) -> None:
    from athanor.workers.agent import stop_agent

    stop_agent()


def connect() -> None:
    """Idempotent: each handler is connected once per process."""
    signals.before_task_publish.connect(_stamp_publication, weak=False, dispatch_uid="athanor.publish")
    signals.worker_ready.connect(_worker_ready, weak=False, dispatch_uid="athanor.worker_ready")
    signals.worker_shutdown.connect(_worker_shutdown, weak=False, dispatch_uid="athanor.worker_shutdown")
