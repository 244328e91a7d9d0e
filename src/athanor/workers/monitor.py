"""What an API server does for the registry in the background: writes the publish counts
of its requests (arrival rates) and keeps the queue gauges of `/metrics` current, so an
autoscaler (KEDA, HPA) reads the recommendation from any API server."""

from __future__ import annotations

import asyncio

from prometheus_client import Gauge

from athanor.core.logging import get_logger
from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.workers import service
from athanor.workers.health import Health, HealthRules
from athanor.workers.registry import add_published, report_silent_workers
from athanor.workers.stats import STATS

log = get_logger("athanor.workers.monitor")

QUEUE_DEPTH = Gauge("athanor_queue_depth", "Jobs waiting in a queue", ["queue"])
QUEUE_OLDEST_AGE = Gauge(
    "athanor_queue_oldest_age_seconds", "Age of the oldest waiting job (Redis brokers)", ["queue"]
)
RECOMMENDED_WORKERS = Gauge(
    "athanor_queue_recommended_workers",
    "Workers a queue needs for its arrivals, backlog and latency target (see workers/scaling.py)",
    ["queue"],
)
WORKERS = Gauge("athanor_workers", "Registered workers by health", ["health"])


async def refresh_gauges(runtime: Runtime) -> None:
    rules = HealthRules.from_settings(runtime.settings)
    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        workers = await service.list_workers(session, rules, include_offline=False)
        queues = await service.queue_status(
            session, service.client_for(runtime.settings), runtime.settings, workers
        )
    for queue in queues:
        QUEUE_DEPTH.labels(queue.name).set(queue.depth)
        QUEUE_OLDEST_AGE.labels(queue.name).set(queue.oldest_age_seconds or 0)
        RECOMMENDED_WORKERS.labels(queue.name).set(queue.recommended_workers)
    for health in Health:
        WORKERS.labels(health.value).set(sum(1 for worker in workers if worker.health is health))


async def watch_queues(runtime: Runtime) -> None:
    while True:
        await asyncio.sleep(runtime.settings.worker_heartbeat_seconds)
        taken = STATS.take_published()
        try:
            await add_published(runtime.db, taken)
        except Exception:
            STATS.give_back(taken)
            log.warning("queue_watch.counts_not_written", exc_info=True)
        try:
            await report_silent_workers(runtime.db, HealthRules.from_settings(runtime.settings))
            await refresh_gauges(runtime)
        except Exception:
            log.warning("queue_watch.gauges_not_refreshed", exc_info=True)
