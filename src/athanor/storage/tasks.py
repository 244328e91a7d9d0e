"""Background work on files: previews of new content, and the hourly purge of deleted
files, unreferenced blobs and abandoned uploads."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from athanor.core.logging import get_logger
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.runtime import Runtime
from athanor.storage import previews, service, uploads
from athanor.storage.models import Blob, PreviewStatus
from athanor.tenancy.models import Tenant
from athanor.workers.durable import durable_task, enqueue
from athanor.workers.queues import QueueName
from athanor.workers.runner import run_async

log = get_logger("athanor.storage.tasks")

PREVIEW_TASK = "athanor.storage.make_preview"
# A preview still pending after this long lost its message: it is asked for again.
PREVIEW_STALE = timedelta(minutes=10)


def request_previews(tenant_id: uuid.UUID, blob_ids: list[uuid.UUID]) -> None:
    """Ask a worker for previews (after the blobs' transaction committed)."""
    for blob_id in blob_ids:
        enqueue(PREVIEW_TASK, args=[str(tenant_id), str(blob_id)], task_id=f"preview:{blob_id}")


async def make_preview(runtime: Runtime, tenant_id: uuid.UUID, blob_id: uuid.UUID) -> str:
    """Make and record a blob's preview; returns the preview status."""
    scope = DbScope.for_tenant(tenant_id)
    async with runtime.db.session(scope) as session:
        blob = await session.get(Blob, blob_id)
        if blob is None or blob.preview_status is not PreviewStatus.PENDING:
            return blob.preview_status.value if blob else "gone"
        made = await previews.make(runtime.files, blob)
    # The rendering ran with no transaction open; the outcome is a short one.
    async with runtime.db.session(scope) as session, session.begin():
        blob = await session.get(Blob, blob_id)
        if blob is None:
            return "gone"
        await previews.store(runtime.files, blob, made)
        return blob.preview_status.value


@durable_task(name=PREVIEW_TASK, queue=QueueName.DEFAULT)
def make_preview_task(tenant_id: str, blob_id: str) -> str:
    return run_async(lambda runtime: make_preview(runtime, uuid.UUID(tenant_id), uuid.UUID(blob_id)))


async def purge_all(runtime: Runtime) -> int:
    """Per tenant: purge rows in one transaction, then delete their bytes."""
    retention = timedelta(days=runtime.settings.storage_retention_days)
    async with runtime.db.session(DbScope.anonymous()) as session:
        tenant_ids = list(await session.scalars(select(Tenant.id).order_by(Tenant.id)))
    purged = 0
    for tenant_id in tenant_ids:
        async with runtime.db.session(DbScope.for_tenant(tenant_id)) as session, session.begin():
            result = await service.purge(session, retention=retention)
            keys = result.keys + await uploads.expire(session)
            stale = list(
                await session.scalars(
                    select(Blob.id).where(
                        Blob.preview_status == PreviewStatus.PENDING,
                        Blob.created_at <= utcnow() - PREVIEW_STALE,
                    )
                )
            )
        for key in keys:
            await runtime.files.delete(key)
        request_previews(tenant_id, stale)
        purged += result.files
    return purged


@durable_task(name="athanor.storage.purge", queue=QueueName.BATCH, idempotent=False)
def purge() -> int:
    """Hourly, on the beat."""
    return run_async(purge_all)
