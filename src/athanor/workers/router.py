"""Worker management API for platform operators (super admins), under /api/admin."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import DbSession, RuntimeDep
from athanor.admin.dependencies import PlatformAdmin
from athanor.audit import service as audit
from athanor.core.errors import problem_responses
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.db.scope import DbScope
from athanor.execution.sse import sse_response
from athanor.runtime import Runtime
from athanor.workers import service
from athanor.workers.health import HealthRules
from athanor.workers.models import DeadLetter, TaskFailure
from athanor.workers.schemas import (
    DeadLetterRead,
    EventCount,
    QueueRead,
    ResizeRequest,
    RevokeRead,
    RevokeRequest,
    StatusRead,
    TaskFailureRead,
    WorkerDetail,
    WorkerRead,
)

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/admin",
    tags=["workers"],
    responses=problem_responses(400, 401, 403, 404, 422, 429),
)

TaskId = Annotated[str, Path(pattern=r"^[A-Za-z0-9._:-]{1,64}$", description="A Celery task id")]
CONTROL_RESPONSES = problem_responses(409, 503)


def _rules(runtime: Runtime) -> HealthRules:
    return HealthRules.from_settings(runtime.settings)


@router.get("/workers")
async def list_workers(
    _admin: PlatformAdmin,
    session: DbSession,
    runtime: RuntimeDep,
    include_offline: Annotated[bool, Query(description="Also workers that stopped cleanly")] = False,
) -> list[WorkerRead]:
    """Every worker with its health (healthy, degraded, lost, offline) and capacity."""
    return await service.list_workers(session, _rules(runtime), include_offline=include_offline)


async def _status(session: AsyncSession, runtime: Runtime) -> StatusRead:
    workers = await service.list_workers(session, _rules(runtime), include_offline=False)
    client = service.client_for(runtime.settings)
    queues = await service.queue_status(session, client, runtime.settings, workers)
    return StatusRead(workers=workers, queues=queues)


@router.get("/workers/status", responses=problem_responses(503))
async def status(_admin: PlatformAdmin, session: DbSession, runtime: RuntimeDep) -> StatusRead:
    """Workers and queues in one snapshot: what the live stream sends."""
    return await _status(session, runtime)


@router.get(
    "/workers/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "`status` events"}},
)
async def stream(
    admin: PlatformAdmin,
    runtime: RuntimeDep,
    seconds: Annotated[int, Query(ge=1, le=3600, description="Stay open this long; clients reconnect")] = 300,
) -> StreamingResponse:
    """Live worker and queue status as server-sent `status` events, one per heartbeat."""
    admin_id = admin.user.id
    interval = runtime.settings.worker_heartbeat_seconds

    async def events() -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        yield b"retry: 2000\n\n"
        while True:
            # A transaction per snapshot (the request's own has ended by now).
            async with runtime.db.session(DbScope.for_platform(admin_id)) as session, session.begin():
                snapshot = await _status(session, runtime)
            yield b"event: status\ndata: " + orjson.dumps(snapshot.model_dump(mode="json")) + b"\n\n"
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            await asyncio.sleep(min(interval, remaining))

    return sse_response(events(), headers={})


@router.get("/workers/event-counts")
async def event_counts(
    _admin: PlatformAdmin,
    session: DbSession,
    hours: Annotated[int, Query(ge=1, le=24 * 31)] = 24,
    worker_id: uuid.UUID | None = None,
) -> list[EventCount]:
    """Worker events (online, offline, heartbeat missed, task failed, scaled, draining)
    counted per kind and hour."""
    rows = await service.event_counts(session, hours=hours, worker_id=worker_id)
    return [EventCount(hour=hour, kind=kind, count=count) for hour, kind, count in rows]


@router.get("/workers/{worker_id}")
async def get_worker(
    worker_id: uuid.UUID,
    _admin: PlatformAdmin,
    session: DbSession,
    runtime: RuntimeDep,
    minutes: Annotated[int, Query(ge=1, le=7 * 24 * 60, description="Performance history span")] = 60,
    events: Annotated[int, Query(ge=1, le=500, description="Most recent events")] = 50,
) -> WorkerDetail:
    """A worker with its recent events and per-minute performance."""
    return await service.worker_detail(session, worker_id, _rules(runtime), minutes=minutes, events=events)


@router.post("/workers/{worker_id}/drain", responses=CONTROL_RESPONSES)
async def drain_worker(
    worker_id: uuid.UUID, admin: PlatformAdmin, session: DbSession, runtime: RuntimeDep
) -> WorkerRead:
    """Stop the worker taking new tasks; the tasks it runs finish."""
    worker = await service.get_worker(session, worker_id)
    await service.drain(session, service.client_for(runtime.settings), worker, _rules(runtime), admin.user.id)
    await audit.record(
        session, action="worker.drained", actor=admin.actor(), tenant_id=None, details={"worker": worker.name}
    )
    return service.worker_read(worker, worker.updated_at, _rules(runtime))


@router.post("/workers/{worker_id}/resize", responses=CONTROL_RESPONSES)
async def resize_worker(
    worker_id: uuid.UUID, body: ResizeRequest, admin: PlatformAdmin, session: DbSession, runtime: RuntimeDep
) -> WorkerRead:
    """Grow or shrink the worker's pool to `concurrency` slots (prefork workers)."""
    worker = await service.get_worker(session, worker_id)
    before = worker.concurrency
    await service.resize(
        session,
        service.client_for(runtime.settings),
        worker,
        _rules(runtime),
        concurrency=body.concurrency,
        actor=admin.user.id,
    )
    details = {"worker": worker.name, "from": before, "to": body.concurrency}
    await audit.record(session, action="worker.resized", actor=admin.actor(), tenant_id=None, details=details)
    return service.worker_read(worker, worker.updated_at, _rules(runtime))


@router.get("/queues", responses=problem_responses(503))
async def list_queues(_admin: PlatformAdmin, session: DbSession, runtime: RuntimeDep) -> list[QueueRead]:
    """Depth, oldest job, load and recommended workers per queue."""
    return (await _status(session, runtime)).queues


@router.get("/dead-letters")
async def list_dead_letters(
    _admin: PlatformAdmin,
    session: DbSession,
    pending: Annotated[bool, Query(description="Only those not re-queued yet")] = False,
    cursor: Cursor = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
) -> Page[DeadLetterRead]:
    """Tasks that failed their last retry, newest first."""
    statement = select(DeadLetter)
    if pending:
        statement = statement.where(DeadLetter.requeued_at.is_(None))
    rows = (await session.scalars(paginate_query(statement, DeadLetter.id, cursor, limit))).all()
    return Page[DeadLetterRead].model_validate(page_of(rows, limit, DeadLetterRead.model_validate))


@router.post("/dead-letters/{dead_letter_id}/requeue", responses=problem_responses(409))
async def requeue_dead_letter(
    dead_letter_id: uuid.UUID, admin: PlatformAdmin, session: DbSession, runtime: RuntimeDep
) -> DeadLetterRead:
    """Run the task again with its original arguments; who and when are recorded."""
    letter = await service.requeue(
        session, service.client_for(runtime.settings), dead_letter_id, admin.user.id
    )
    details = {
        "task_name": letter.task_name,
        "task_id": letter.task_id,
        "requeued_task_id": letter.requeued_task_id,
    }
    await audit.record(session, action="task.requeued", actor=admin.actor(), tenant_id=None, details=details)
    return DeadLetterRead.model_validate(letter)


@router.get("/task-failures")
async def list_task_failures(
    _admin: PlatformAdmin,
    session: DbSession,
    task_name: Annotated[str | None, Query(max_length=255)] = None,
    cursor: Cursor = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
) -> Page[TaskFailureRead]:
    """The failure log: every failed attempt of every task, newest first."""
    statement = select(TaskFailure)
    if task_name:
        statement = statement.where(TaskFailure.task_name == task_name)
    rows = (await session.scalars(paginate_query(statement, TaskFailure.id, cursor, limit))).all()
    return Page[TaskFailureRead].model_validate(page_of(rows, limit, TaskFailureRead.model_validate))


@router.post("/tasks/{task_id}/revoke")
async def revoke_task(
    task_id: TaskId, body: RevokeRequest, admin: PlatformAdmin, session: DbSession, runtime: RuntimeDep
) -> RevokeRead:
    """Cancel a task: no delivery of it runs; with `terminate`, a running one is stopped."""
    revoked = await service.revoke(
        session, service.client_for(runtime.settings), task_id, terminate=body.terminate
    )
    details = {"task_id": task_id, "terminate": body.terminate, "revoked": revoked}
    await audit.record(session, action="task.revoked", actor=admin.actor(), tenant_id=None, details=details)
    return RevokeRead(task_id=task_id, revoked=revoked, terminate=body.terminate)
