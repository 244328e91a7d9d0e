"""Worker management for platform operators: the registry's views, queue status with the
scaling recommendation, drain, resize, dead letters and revocation. Services flush; the
request commits."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from celery import Celery
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.db.types import utcnow
from athanor.settings import Settings
from athanor.workers import control, receipts
from athanor.workers.broker import QueueDepth, queue_depths
from athanor.workers.exceptions import AlreadyRequeued, DeadLetterNotFound, WorkerNotFound, WorkerNotRunning
from athanor.workers.health import Health, HealthRules, health_of
from athanor.workers.models import (
    DeadLetter,
    QueueMetric,
    Worker,
    WorkerEvent,
    WorkerEventKind,
    WorkerMetric,
    WorkerState,
)
from athanor.workers.queues import QUEUES, broker_priority
from athanor.workers.registry import record_event
from athanor.workers.scaling import QueueLoad, recommended_workers
from athanor.workers.schemas import QueueRead, WorkerDetail, WorkerEventRead, WorkerMetricRead, WorkerRead

LOAD_WINDOW = timedelta(minutes=5)
_clients: dict[str | None, Celery] = {}


def client_for(settings: Settings) -> Celery:
    """A Celery client on the settings' broker (the process's own app when they match)."""
    from athanor.workers.celery_app import celery_app, create_celery

    if settings.broker_url == celery_app.conf.broker_url or (
        settings.broker_url is None and celery_app.conf.broker_url.startswith("memory")
    ):
        return celery_app
    if settings.broker_url not in _clients:
        _clients[settings.broker_url] = create_celery(settings)
    return _clients[settings.broker_url]


def worker_read(worker: Worker, now: datetime, rules: HealthRules) -> WorkerRead:
    health = health_of(worker, now, rules)
    running = health not in {Health.LOST, Health.OFFLINE}
    in_flight = worker.in_flight if running else 0
    return WorkerRead(
        id=worker.id,
        name=worker.name,
        host=worker.host,
        pid=worker.pid,
        embedded=worker.embedded,
        queues=worker.queues,
        version=worker.version,
        state=worker.state,
        health=health,
        started_at=worker.started_at,
        last_heartbeat_at=worker.last_heartbeat_at,
        stopped_at=worker.stopped_at,
        heartbeat_seconds=worker.heartbeat_seconds,
        slots=worker.concurrency if running else 0,
        in_flight=in_flight,
        utilisation=round(in_flight / worker.concurrency, 4) if running and worker.concurrency else 0.0,
        processed=worker.processed,
        failed=worker.failed,
        recent_error_rate=worker.recent_error_rate,
    )


async def list_workers(
    session: AsyncSession, rules: HealthRules, *, include_offline: bool
) -> list[WorkerRead]:
    """Every worker that is running or went silent; with `include_offline`, stopped ones too."""
    statement = select(Worker).order_by(Worker.started_at.desc())
    if not include_offline:
        statement = statement.where(Worker.state != WorkerState.STOPPED)
    now = utcnow()
    return [worker_read(worker, now, rules) for worker in (await session.scalars(statement)).all()]


async def get_worker(session: AsyncSession, worker_id: uuid.UUID) -> Worker:
    worker = await session.get(Worker, worker_id)
    if worker is None:
        raise WorkerNotFound()
    return worker


async def worker_detail(
    session: AsyncSession, worker_id: uuid.UUID, rules: HealthRules, *, minutes: int, events: int
) -> WorkerDetail:
    worker = await get_worker(session, worker_id)
    recent = (
        await session.scalars(
            select(WorkerEvent)
            .where(WorkerEvent.worker_id == worker_id)
            .order_by(WorkerEvent.occurred_at.desc(), WorkerEvent.id.desc())
            .limit(events)
        )
    ).all()
    since = utcnow() - timedelta(minutes=minutes)
    series = (
        await session.scalars(
            select(WorkerMetric)
            .where(WorkerMetric.worker_id == worker_id, WorkerMetric.bucket_at >= since)
            .order_by(WorkerMetric.bucket_at)
        )
    ).all()
    return WorkerDetail(
        **worker_read(worker, utcnow(), rules).model_dump(),
        events=[WorkerEventRead.model_validate(event) for event in recent],
        series=[
            WorkerMetricRead(
                bucket_at=row.bucket_at,
                processed=row.processed,
                failed=row.failed,
                mean_latency_ms=row.latency_ms_total / row.processed if row.processed else None,
                latency_ms_max=row.latency_ms_max,
                in_flight_max=row.in_flight_max,
            )
            for row in series
        ],
    )


async def event_counts(
    session: AsyncSession, *, hours: int, worker_id: uuid.UUID | None = None
) -> list[tuple[datetime, WorkerEventKind, int]]:
    """Worker events per kind per hour over the last `hours`, oldest hour first."""
    since = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    statement = select(WorkerEvent.kind, WorkerEvent.occurred_at).where(WorkerEvent.occurred_at >= since)
    if worker_id is not None:
        statement = statement.where(WorkerEvent.worker_id == worker_id)
    # Counted here rather than with a per-dialect hour function: one pass over an
    # hour-bounded window of a small table.
    counts: defaultdict[tuple[datetime, WorkerEventKind], int] = defaultdict(int)
    for kind, occurred_at in (await session.execute(statement)).all():
        counts[(occurred_at.replace(minute=0, second=0, microsecond=0), kind)] += 1
    return [(hour, kind, count) for (hour, kind), count in sorted(counts.items())]


async def queue_status(
    session: AsyncSession, app: Celery, settings: Settings, workers: list[WorkerRead]
) -> list[QueueRead]:
    """Depth and oldest job per queue from the broker, load from the last five minutes,
    and how many workers each queue needs (see `scaling`)."""
    depths = {depth.queue: depth for depth in await queue_depths(app)}
    since = utcnow() - LOAD_WINDOW
    rows = (
        await session.execute(
            select(
                QueueMetric.queue,
                func.sum(QueueMetric.published),
                func.sum(QueueMetric.processed),
                func.sum(QueueMetric.latency_ms_total),
            )
            .where(QueueMetric.bucket_at >= since.replace(second=0, microsecond=0))
            .group_by(QueueMetric.queue)
        )
    ).all()
    load = {
        queue: (int(published or 0), int(processed or 0), int(latency or 0))
        for queue, published, processed, latency in rows
    }
    window = LOAD_WINDOW.total_seconds()
    found = []
    for queue in QUEUES:
        depth = depths.get(queue, QueueDepth(queue, 0, None))
        published, processed, latency_ms = load.get(queue, (0, 0, 0))
        live = [w for w in workers if queue in w.queues and w.health in {Health.HEALTHY, Health.DEGRADED}]
        slots = sum(w.slots for w in live)
        service = latency_ms / processed / 1000 if processed else None
        arrival = published / window
        needed = recommended_workers(
            QueueLoad(depth.depth, arrival, service, slots / len(live) if live else None),
            settings.queue_latency_target_seconds,
        )
        found.append(
            QueueRead(
                name=queue,
                depth=depth.depth,
                oldest_age_seconds=depth.oldest_age_seconds,
                arrival_per_second=round(arrival, 4),
                processed_per_second=round(processed / window, 4),
                mean_service_seconds=service,
                consumers=len(live),
                slots=slots,
                recommended_workers=needed,
            )
        )
    return found


def _require_running(worker: Worker, rules: HealthRules) -> None:
    if health_of(worker, utcnow(), rules) in {Health.LOST, Health.OFFLINE}:
        raise WorkerNotRunning()


async def drain(
    session: AsyncSession, app: Celery, worker: Worker, rules: HealthRules, actor: uuid.UUID
) -> Worker:
    """The worker stops taking new tasks from every queue and finishes those it runs."""
    _require_running(worker, rules)
    queues = list(worker.queues)
    await asyncio.to_thread(control.stop_consuming, app, worker.name, queues)
    worker.state = WorkerState.DRAINING
    worker.queues = []
    await record_event(session, WorkerEventKind.DRAINING, worker.id, {"queues": queues, "by": str(actor)})
    await session.flush()
    return worker


async def resize(
    session: AsyncSession,
    app: Celery,
    worker: Worker,
    rules: HealthRules,
    *,
    concurrency: int,
    actor: uuid.UUID,
) -> Worker:
    """Grow or shrink the worker's pool (Celery remote control); records `scaled`."""
    _require_running(worker, rules)
    before = worker.concurrency
    await asyncio.to_thread(control.resize_pool, app, worker.name, before, concurrency)
    worker.concurrency = concurrency
    detail = {"from": before, "to": concurrency, "by": str(actor)}
    await record_event(session, WorkerEventKind.SCALED, worker.id, detail)
    await session.flush()
    return worker


async def requeue(
    session: AsyncSession, app: Celery, dead_letter_id: uuid.UUID, actor: uuid.UUID
) -> DeadLetter:
    """Publish the task again with its original arguments, queue and priority."""
    letter = await session.get(DeadLetter, dead_letter_id, with_for_update=True)
    if letter is None:
        raise DeadLetterNotFound()
    if letter.requeued_at is not None:
        raise AlreadyRequeued()
    # One id per dead letter: a publish repeated after a failed commit is delivered once.
    task_id = f"requeue-{letter.id}"
    letter.requeued_at, letter.requeued_by, letter.requeued_task_id = utcnow(), actor, task_id
    await session.flush()
    options: dict[str, Any] = {"task_id": task_id, "queue": letter.queue or "default"}
    if letter.priority is not None:
        options["priority"] = broker_priority(letter.priority, app.conf.broker_url or "")
    await asyncio.to_thread(
        app.send_task, letter.task_name, args=letter.args, kwargs=letter.kwargs, **options
    )
    return letter


async def revoke(session: AsyncSession, app: Celery, task_id: str, *, terminate: bool) -> bool:
    """No delivery of the task runs from now on; with `terminate`, a running one is stopped."""
    revoked = await receipts.revoke(session, task_id=task_id)
    await asyncio.to_thread(control.revoke, app, task_id, terminate=terminate)
    return revoked
