"""Worker registry, performance history, events, failures, dead letters and delivery receipts.

Platform tables: written by workers in the platform scope, read by platform operators.
Dead letters and failures keep the tenant of the task (when it had one) in `tenant_id`,
guarded by row-level security like every tenant column.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base
from athanor.db.types import EnumText, JsonDocument, UtcDateTime, utcnow


class WorkerState(StrEnum):
    RUNNING = "running"
    DRAINING = "draining"
    STOPPED = "stopped"


class WorkerEventKind(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    HEARTBEAT_MISSED = "heartbeat_missed"
    TASK_FAILED = "task_failed"
    SCALED = "scaled"
    DRAINING = "draining"


class ReceiptState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    # The attempt failed; a retry (same task id) may claim it again.
    RELEASED = "released"
    # Cancelled by an operator: no delivery of it runs.
    REVOKED = "revoked"


class Worker(Base):
    __tablename__ = "worker"

    # Celery's node name (`athanor@host.pid`), unique per running process.
    name: Mapped[str] = mapped_column(String(255), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    embedded: Mapped[bool] = mapped_column(Boolean, default=False)
    queues: Mapped[list[str]] = mapped_column(JsonDocument)
    concurrency: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(32))
    state: Mapped[WorkerState] = mapped_column(EnumText(WorkerState), default=WorkerState.RUNNING)
    heartbeat_seconds: Mapped[float] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    in_flight: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(BigInteger, default=0)
    failed: Mapped[int] = mapped_column(BigInteger, default=0)
    # Share of failures among the tasks finished in the last heartbeat interval.
    recent_error_rate: Mapped[float] = mapped_column(default=0.0)
    # Set once a missed heartbeat has been recorded, so it is recorded once per silence.
    missed_reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class WorkerMetric(Base):
    """One worker's work in one minute: the performance time series."""

    __tablename__ = "worker_metric"
    __table_args__ = (UniqueConstraint("worker_id", "bucket_at"),)

    worker_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("worker.id", ondelete="CASCADE"))
    bucket_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms_total: Mapped[int] = mapped_column(BigInteger, default=0)
    latency_ms_max: Mapped[int] = mapped_column(Integer, default=0)
    in_flight_max: Mapped[int] = mapped_column(Integer, default=0)


class QueueMetric(Base):
    """One queue in one minute, summed over every publisher and worker: arrivals and
    service times for the scaling recommendation."""

    __tablename__ = "queue_metric"
    __table_args__ = (UniqueConstraint("queue", "bucket_at"),)

    queue: Mapped[str] = mapped_column(String(64))
    bucket_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    published: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms_total: Mapped[int] = mapped_column(BigInteger, default=0)


class WorkerEvent(Base):
    __tablename__ = "worker_event"
    __table_args__ = (Index("ix_worker_event_kind_occurred", "kind", "occurred_at"),)

    worker_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("worker.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[WorkerEventKind] = mapped_column(EnumText(WorkerEventKind))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)


class TaskFailure(Base):
    """Every failed attempt of a task: the failure log."""

    __tablename__ = "task_failure"

    task_id: Mapped[str] = mapped_column(String(64), index=True)
    task_name: Mapped[str] = mapped_column(String(255))
    queue: Mapped[str | None] = mapped_column(String(64))
    worker_name: Mapped[str | None] = mapped_column(String(255))
    attempt: Mapped[int] = mapped_column(Integer)
    final: Mapped[bool] = mapped_column(Boolean)
    exception_type: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    traceback: Mapped[str] = mapped_column(Text)
    # What the task worked on, from its keyword arguments (e.g. a workflow node run).
    subject: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), index=True)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class DeadLetter(Base):
    """A task that failed its last retry, kept with what it needs to run again."""

    __tablename__ = "dead_letter"

    task_id: Mapped[str] = mapped_column(String(64), unique=True)
    task_name: Mapped[str] = mapped_column(String(255))
    queue: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int | None] = mapped_column(Integer)
    args: Mapped[list[Any]] = mapped_column(JsonDocument)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    attempts: Mapped[int] = mapped_column(Integer)
    worker_name: Mapped[str | None] = mapped_column(String(255))
    exception_type: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    traceback: Mapped[str] = mapped_column(Text)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), index=True)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    requeued_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    requeued_by: Mapped[uuid.UUID | None] = mapped_column(Uuid(), default=None)
    requeued_task_id: Mapped[str | None] = mapped_column(String(64), default=None)


class TaskReceipt(Base):
    """Claimed before a task's work and marked done after: a second delivery of a done
    task finds it and does nothing."""

    __tablename__ = "task_receipt"

    task_id: Mapped[str] = mapped_column(String(64), unique=True)
    task_name: Mapped[str] = mapped_column(String(255))
    state: Mapped[ReceiptState] = mapped_column(EnumText(ReceiptState))
    attempt: Mapped[int] = mapped_column(Integer)
    worker_name: Mapped[str | None] = mapped_column(String(255))
    # A running claim older than this belongs to a worker that died: it may be taken over.
    lease_until: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None, index=True)
