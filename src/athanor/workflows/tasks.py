"""The Celery side of workflows: one task per node run, the reaper and the scheduler.

A node task carries ids only. It is safe to deliver twice (the claim lets one through)
and to lose (the reaper publishes queued nodes again), so it needs no Celery retries of
its own: the engine counts attempts in the node run.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.runtime import Runtime
from athanor.workers.celery_app import celery_app
from athanor.workers.runner import run_async
from athanor.workers.tenants import each_tenant
from athanor.workflows import dispatch, engine, reaper, service
from athanor.workflows.models import Trigger

NODE_TASK = "athanor.workflows.run_node"
WAKE_TASK = "athanor.workflows.wake_node"
NODE_QUEUE = "default"
WORKER = f"{socket.gethostname()}:{os.getpid()}"


def publish(tenant_id: uuid.UUID, node_run_id: uuid.UUID, *, eta: datetime | None = None) -> None:
    celery_app.send_task(
        NODE_TASK,
        kwargs={"tenant_id": str(tenant_id), "node_run_id": str(node_run_id)},
        queue=NODE_QUEUE,
        eta=eta,
    )


def publish_wake(tenant_id: uuid.UUID, node_run_id: uuid.UUID, *, eta: datetime) -> None:
    celery_app.send_task(
        WAKE_TASK,
        kwargs={"tenant_id": str(tenant_id), "node_run_id": str(node_run_id)},
        queue=NODE_QUEUE,
        eta=eta,
    )


@celery_app.task(name=WAKE_TASK, ignore_result=True)
def wake_node(tenant_id: str, node_run_id: str) -> None:
    """End a delay (the reaper does it too, should this message be lost)."""

    async def work(runtime: Runtime) -> None:
        async with runtime.db.session(DbScope.for_tenant(uuid.UUID(tenant_id))) as session:
            await reaper.wake(session, uuid.UUID(node_run_id))
            await dispatch.commit_and_dispatch(session)

    run_async(work)


@celery_app.task(name=NODE_TASK, acks_late=True, ignore_result=True)
def run_node(tenant_id: str, node_run_id: str) -> None:
    async def work(runtime: Runtime) -> None:
        await engine.execute(runtime, uuid.UUID(tenant_id), uuid.UUID(node_run_id), WORKER)

    run_async(work)


@celery_app.task(name="athanor.workflows.reap", ignore_result=True)
def reap() -> int:
    """Every few seconds: lapsed leases, lost publishes and due delays, in every tenant."""
    return run_async(reap_all)


async def reap_all(runtime: Runtime) -> int:
    ready = dispatch.Dispatch()

    async def one_tenant(session: AsyncSession) -> int:
        found = await reaper.reap(session)
        ready.extend(dispatch.dispatch_of(session))
        return found

    try:
        return await each_tenant(runtime.db, one_tenant, name="workflows.reap")
    finally:
        dispatch.publish(ready)


@celery_app.task(name="athanor.workflows.fire_schedules", ignore_result=True)
def fire_schedules() -> int:
    """Every minute: start the runs of due cron triggers."""
    return run_async(fire_all)


async def fire_all(runtime: Runtime) -> int:
    ready = dispatch.Dispatch()

    async def one_tenant(session: AsyncSession) -> int:
        now = utcnow()
        fired = 0
        for trigger in await service.due_schedules(session, now):
            workflow = await service.get_workflow(session, trigger.workflow_id)
            version = await service.published_version(session, workflow)
            await engine.start_run(
                session,
                workflow=workflow,
                version=version,
                inputs=trigger.inputs,
                user_id=trigger.user_id,
                trigger=Trigger.SCHEDULE,
            )
            assert trigger.cron is not None
            trigger.last_run_at, trigger.next_run_at = now, service.next_fire(trigger.cron, now)
            fired += 1
        ready.extend(dispatch.dispatch_of(session))
        return fired

    try:
        return await each_tenant(runtime.db, one_tenant, name="workflows.fire_schedules")
    finally:
        dispatch.publish(ready)
