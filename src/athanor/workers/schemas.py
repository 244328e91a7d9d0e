"""API shapes of worker management."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StrictBool

from athanor.core.schemas import JSON_INTEGER, Input, Output
from athanor.workers.health import Health
from athanor.workers.models import WorkerEventKind, WorkerState


class WorkerRead(Output):
    id: uuid.UUID
    name: str
    host: str
    pid: int
    embedded: bool
    queues: list[str]
    version: str
    state: WorkerState
    health: Health
    started_at: datetime
    last_heartbeat_at: datetime
    stopped_at: datetime | None
    heartbeat_seconds: float
    slots: int = Field(description="Pool size: tasks the worker can run at once")
    in_flight: int
    utilisation: float = Field(description="in_flight / slots, 0-1")
    processed: int
    failed: int
    recent_error_rate: float


class WorkerEventRead(Output):
    id: uuid.UUID
    worker_id: uuid.UUID | None
    kind: WorkerEventKind
    occurred_at: datetime
    detail: dict[str, Any]


class WorkerMetricRead(Output):
    bucket_at: datetime
    processed: int
    failed: int
    mean_latency_ms: float | None
    latency_ms_max: int
    in_flight_max: int


class WorkerDetail(WorkerRead):
    events: list[WorkerEventRead]
    series: list[WorkerMetricRead] = Field(description="Per-minute performance, oldest first")


class EventCount(Output):
    hour: datetime
    kind: WorkerEventKind
    count: int


class QueueRead(Output):
    name: str
    depth: int
    oldest_age_seconds: float | None = Field(description="Age of the oldest waiting job (Redis only)")
    arrival_per_second: float = Field(description="Tasks published per second, last five minutes")
    processed_per_second: float
    mean_service_seconds: float | None
    consumers: int = Field(description="Live workers taking from this queue")
    slots: int
    recommended_workers: int = Field(description="See workers/scaling.py for the formula")


class StatusRead(Output):
    workers: list[WorkerRead]
    queues: list[QueueRead]


Concurrency = Annotated[int, Field(ge=1, le=256), JSON_INTEGER]


class ResizeRequest(Input):
    concurrency: Concurrency


class RevokeRequest(Input):
    terminate: StrictBool = Field(default=False, description="Also stop it if running (prefork workers)")


class RevokeRead(Output):
    task_id: str
    revoked: bool = Field(description="False when the task had already finished")
    terminate: bool


class DeadLetterRead(Output):  # type: ignore[no-redef]  # the pydantic plugin takes the `kwargs` field for **kwargs
    id: uuid.UUID
    task_id: str
    task_name: str
    queue: str | None
    priority: int | None
    args: list[Any]
    kwargs: dict[str, Any]
    attempts: int
    worker_name: str | None
    exception_type: str
    message: str
    traceback: str
    tenant_id: uuid.UUID | None
    failed_at: datetime
    requeued_at: datetime | None
    requeued_by: uuid.UUID | None
    requeued_task_id: str | None


class TaskFailureRead(Output):
    id: uuid.UUID
    task_id: str
    task_name: str
    queue: str | None
    worker_name: str | None
    attempt: int
    final: bool
    exception_type: str
    message: str
    traceback: str
    subject: dict[str, Any]
    tenant_id: uuid.UUID | None
    failed_at: datetime
