"""Exports on the `export` queue, and the sweep that fails exports whose worker died."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.core.i18n import _
from athanor.db.types import utcnow
from athanor.exports import runner
from athanor.exports.models import ExportJob, ExportStatus
from athanor.runtime import Runtime
from athanor.workers.durable import durable_task, enqueue
from athanor.workers.queues import QueueName
from athanor.workers.runner import run_async
from athanor.workers.tenants import each_tenant

EXPORT_TASK = "athanor.exports.run"
# A running export reports at least every few seconds; silence this long means its
# worker is gone.
ABANDONED_AFTER = timedelta(minutes=5)
INTERRUPTED = _("The export was interrupted (its worker stopped). Try it again.")


def request_export(tenant_id: uuid.UUID, job: ExportJob) -> None:
    """Queue an export (after its transaction committed); one task per attempt."""
    enqueue(
        EXPORT_TASK,
        args=[str(tenant_id), str(job.id)],
        queue=QueueName.EXPORT,
        task_id=f"export:{job.id}:{job.attempts}",
    )


@durable_task(name=EXPORT_TASK, queue=QueueName.EXPORT)
def run_export(tenant_id: str, job_id: str) -> str:
    status = run_async(lambda runtime: runner.run(runtime, uuid.UUID(tenant_id), uuid.UUID(job_id)))
    return status.value


async def fail_abandoned(session: AsyncSession) -> int:
    result = await session.execute(
        update(ExportJob)
        .where(ExportJob.status == ExportStatus.RUNNING, ExportJob.updated_at <= utcnow() - ABANDONED_AFTER)
        .values(
            status=ExportStatus.FAILED,
            error_code="export.interrupted",
            error_message=INTERRUPTED,
            error_params={},
            finished_at=utcnow(),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def _sweep(runtime: Runtime) -> int:
    return await each_tenant(runtime.db, fail_abandoned, name="exports.sweep")


@durable_task(name="athanor.exports.sweep", queue=QueueName.BATCH, idempotent=False)
def sweep() -> int:
    """Every few minutes, on the beat."""
    return run_async(_sweep)
