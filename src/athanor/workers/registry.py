"""The worker registry in the database: registration, heartbeats, the performance series
and worker events. Written by workers (platform scope), read by the operators' API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.db.base import new_id
from athanor.db.engine import Database
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.db.upsert import insert_for
from athanor.workers.health import HealthRules, health_of
from athanor.workers.models import (
    QueueMetric,
    Worker,
    WorkerEvent,
    WorkerEventKind,
    WorkerMetric,
    WorkerState,
)
from athanor.workers.stats import Taken, Tally


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    name: str
    host: str
    pid: int
    embedded: bool
    queues: list[str]
    concurrency: int
    version: str
    heartbeat_seconds: float


@dataclass(frozen=True, slots=True)
class Pulse:
    """What a heartbeat reports besides the counts taken since the last one."""

    queues: list[str]
    concurrency: int
    in_flight: int


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def platform(db: Database) -> Any:
    """A session that may write registry rows whatever tenant a task is about."""
    return db.session(DbScope.for_platform(None))


async def record_event(
    session: AsyncSession,
    kind: WorkerEventKind,
    worker_id: uuid.UUID | None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    session.add(WorkerEvent(worker_id=worker_id, kind=kind, detail=detail or {}, occurred_at=at or utcnow()))


async def register(db: Database, info: WorkerInfo) -> uuid.UUID:
    """Register (or re-register under the same name) a starting worker; records `online`."""
    now = utcnow()
    async with platform(db) as session, session.begin():
        worker = await session.scalar(select(Worker).where(Worker.name == info.name))
        if worker is None:
            worker = Worker(name=info.name)
            session.add(worker)
        worker.host, worker.pid, worker.embedded = info.host, info.pid, info.embedded
        worker.queues, worker.concurrency, worker.version = info.queues, info.concurrency, info.version
        worker.heartbeat_seconds = info.heartbeat_seconds
        worker.state, worker.started_at, worker.last_heartbeat_at = WorkerState.RUNNING, now, now
        worker.stopped_at, worker.missed_reported_at = None, None
        worker.in_flight, worker.processed, worker.failed, worker.recent_error_rate = 0, 0, 0, 0.0
        await session.flush()
        detail = {"host": info.host, "pid": info.pid, "queues": info.queues, "concurrency": info.concurrency}
        worker_id: uuid.UUID = worker.id
        await record_event(session, WorkerEventKind.ONLINE, worker_id, detail, now)
        return worker_id


async def heartbeat(
    db: Database, worker_id: uuid.UUID, pulse: Pulse, taken: Taken, rules: HealthRules
) -> None:
    """One heartbeat: the worker's state and totals, this minute's performance rows, and
    a `heartbeat_missed` event for any other worker that went silent."""
    now = utcnow()
    done = taken.worker
    async with platform(db) as session, session.begin():
        await session.execute(
            update(Worker)
            .where(Worker.id == worker_id)
            .values(
                last_heartbeat_at=now,
                missed_reported_at=None,
                queues=pulse.queues,
                concurrency=pulse.concurrency,
                in_flight=pulse.in_flight,
                processed=Worker.processed + done.processed,
                failed=Worker.failed + done.failed,
                recent_error_rate=done.failed / done.processed if done.processed else 0.0,
                updated_at=now,
            )
        )
        await _add_worker_minute(session, worker_id, minute_of(now), done, pulse.in_flight)
        await _add_queue_minutes(session, minute_of(now), taken)
        await _report_silent_workers(session, now, rules, exclude=worker_id)


async def _add_worker_minute(
    session: AsyncSession, worker_id: uuid.UUID, bucket: datetime, done: Tally, in_flight: int
) -> None:
    now = utcnow()
    table = WorkerMetric.__table__
    statement = insert_for(session, table).values(
        id=new_id(),
        worker_id=worker_id,
        bucket_at=bucket,
        processed=done.processed,
        failed=done.failed,
        latency_ms_total=done.latency_ms_total,
        latency_ms_max=done.latency_ms_max,
        in_flight_max=in_flight,
        created_at=now,
        updated_at=now,
    )
    new = statement.excluded
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["worker_id", "bucket_at"],
            set_={
                "processed": table.c.processed + new.processed,
                "failed": table.c.failed + new.failed,
                "latency_ms_total": table.c.latency_ms_total + new.latency_ms_total,
                "latency_ms_max": _greatest(session, table.c.latency_ms_max, new.latency_ms_max),
                "in_flight_max": _greatest(session, table.c.in_flight_max, new.in_flight_max),
                "updated_at": now,
            },
        )
    )


async def _add_queue_minutes(session: AsyncSession, bucket: datetime, taken: Taken) -> None:
    now = utcnow()
    table = QueueMetric.__table__
    for queue in sorted(set(taken.queues) | set(taken.published)):
        done = taken.queues.get(queue, Tally())
        statement = insert_for(session, table).values(
            id=new_id(),
            queue=queue,
            bucket_at=bucket,
            published=taken.published.get(queue, 0),
            processed=done.processed,
            failed=done.failed,
            latency_ms_total=done.latency_ms_total,
            created_at=now,
            updated_at=now,
        )
        new = statement.excluded
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["queue", "bucket_at"],
                set_={
                    "published": table.c.published + new.published,
                    "processed": table.c.processed + new.processed,
                    "failed": table.c.failed + new.failed,
                    "latency_ms_total": table.c.latency_ms_total + new.latency_ms_total,
                    "updated_at": now,
                },
            )
        )


async def add_published(db: Database, taken: Taken) -> None:
    """Publish counts of a process without a worker (an API server)."""
    if not taken.published:
        return
    async with platform(db) as session, session.begin():
        await _add_queue_minutes(session, minute_of(utcnow()), taken)


def _greatest(session: AsyncSession, left: Any, right: Any) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    # SQLite's two-argument max() is its GREATEST.
    return func.greatest(left, right) if dialect == "postgresql" else func.max(left, right)


async def _report_silent_workers(
    session: AsyncSession, now: datetime, rules: HealthRules, *, exclude: uuid.UUID | None
) -> None:
    statement = select(Worker).where(Worker.state != WorkerState.STOPPED, Worker.missed_reported_at.is_(None))
    if exclude is not None:
        statement = statement.where(Worker.id != exclude)
    candidates = (await session.scalars(statement)).all()
    for worker in candidates:
        health = health_of(worker, now, rules)
        late = (now - worker.last_heartbeat_at).total_seconds() >= rules.late_after * worker.heartbeat_seconds
        if not late:
            continue
        # Conditional, so two workers noticing the same silence record it once.
        claimed = await session.execute(
            update(Worker)
            .where(Worker.id == worker.id, Worker.missed_reported_at.is_(None))
            .values(missed_reported_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            detail = {"last_heartbeat_at": worker.last_heartbeat_at.isoformat(), "health": health.value}
            await record_event(session, WorkerEventKind.HEARTBEAT_MISSED, worker.id, detail, now)


async def report_silent_workers(db: Database, rules: HealthRules) -> None:
    """What a heartbeat does for the others, from a process without a worker (an API
    server), so a lone worker's death is recorded too."""
    async with platform(db) as session, session.begin():
        await _report_silent_workers(session, utcnow(), rules, exclude=None)


async def mark_stopped(db: Database, worker_id: uuid.UUID) -> None:
    now = utcnow()
    async with platform(db) as session, session.begin():
        await session.execute(
            update(Worker)
            .where(Worker.id == worker_id)
            .values(state=WorkerState.STOPPED, stopped_at=now, in_flight=0, updated_at=now)
        )
        await record_event(session, WorkerEventKind.OFFLINE, worker_id, {}, now)


async def worker_id_named(session: AsyncSession, name: str | None) -> uuid.UUID | None:
    if name is None:
        return None
    found: uuid.UUID | None = await session.scalar(select(Worker.id).where(Worker.name == name))
    return found
