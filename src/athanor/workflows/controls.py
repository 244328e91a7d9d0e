"""What the API does to a run: pause, resume, cancel, re-run from a node, and a person's
answer to an approval."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.db.types import utcnow
from athanor.workflows.dispatch import dispatch_of
from athanor.workflows.engine import advance, definition_of, emit_event, end_run, locked_run, settle
from athanor.workflows.exceptions import NodeNotFound, NotWaiting, RunNotActive
from athanor.workflows.models import (
    FINISHED_RUN,
    NodeRun,
    NodeStatus,
    RunStatus,
    WorkflowRun,
    WorkflowVersion,
)
from athanor.workflows.nodes.base import (
    Done,
)


async def pause(session: AsyncSession, run: WorkflowRun) -> None:
    if run.status is not RunStatus.RUNNING:
        raise RunNotActive(params={"status": run.status.value})
    run.status = RunStatus.PAUSED
    emit_event(session, run, "workflow.run_paused")


async def resume(session: AsyncSession, run: WorkflowRun) -> None:
    if run.status is not RunStatus.PAUSED:
        raise RunNotActive(params={"status": run.status.value})
    run.status = RunStatus.RUNNING
    queued = (
        await session.scalars(
            select(NodeRun.id).where(NodeRun.run_id == run.id, NodeRun.status == NodeStatus.QUEUED)
        )
    ).all()
    dispatch_of(session).now.extend((run.tenant_id, node_id) for node_id in queued)
    emit_event(session, run, "workflow.run_resumed")


async def cancel(session: AsyncSession, run: WorkflowRun) -> None:
    if run.status in FINISHED_RUN:
        raise RunNotActive(params={"status": run.status.value})
    await end_run(session, run, RunStatus.CANCELLED, "workflow.cancelled", None)


async def rerun_from(session: AsyncSession, run: WorkflowRun, node_id: str) -> None:
    """Run a node and everything after it again (the rest keeps its outputs)."""
    if run.status in (RunStatus.RUNNING,):
        raise RunNotActive(params={"status": run.status.value})
    version = await session.get_one(WorkflowVersion, run.version_id)
    definition = definition_of(version)
    if node_id not in definition.graph.nodes:
        raise NodeNotFound(params={"node": node_id})
    again = definition.graph.descendants(node_id) | {node_id}
    await session.execute(
        delete(NodeRun)
        .where(NodeRun.run_id == run.id, NodeRun.node_id.in_(again))
        .execution_options(synchronize_session=False)
    )
    run.status, run.finished_at, run.error_code, run.error_message, run.output = (
        RunStatus.RUNNING,
        None,
        None,
        None,
        None,
    )
    await session.flush()
    # What comes before the node is settled: looking after its inputs finds it ready.
    before = [edge.source for edge in definition.graph.incoming[node_id]] or [node_id]
    await advance(session, run, definition, before)
    emit_event(session, run, "workflow.run_rerun", node=node_id)


async def decide(
    session: AsyncSession, run: WorkflowRun, node_id: str, *, approved: bool, by: uuid.UUID, comment: str
) -> NodeRun:
    """A person's answer to a waiting approval node."""
    node = await session.scalar(
        select(NodeRun)
        .where(NodeRun.run_id == run.id, NodeRun.node_id == node_id, NodeRun.item_index == -1)
        .with_for_update()
    )
    if node is None or node.node_type != "approval" or node.status is not NodeStatus.WAITING:
        raise NotWaiting(params={"node": node_id})
    locked = await locked_run(session, run.id)
    decision = {"approved": approved, "by": str(by), "comment": comment, "at": utcnow().isoformat()}
    await settle(session, locked, node, Done(decision, port="approved" if approved else "rejected"))
    return node
