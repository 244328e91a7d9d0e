"""The reaper: what keeps runs moving when a worker dies or a message is lost."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.db.types import utcnow
from athanor.engines.models import Execution, ExecutionStatus
from athanor.wallet import service as wallet
from athanor.wallet.models import HoldState, WalletHold
from athanor.workflows.dispatch import dispatch_of
from athanor.workflows.engine import locked_run, settle
from athanor.workflows.models import (
    NodeRun,
    NodeStatus,
)
from athanor.workflows.nodes.ai import KEY_PREFIX
from athanor.workflows.nodes.base import (
    Done,
)

# A queued node unclaimed this long after it was published is published again.
REPUBLISH_AFTER = timedelta(seconds=20)


async def reap(session: AsyncSession, now: datetime | None = None) -> int:
    """Queue again nodes whose worker's lease lapsed (releasing the holds of its dead
    attempt), publish again queued nodes nobody took, and end delays that are due."""
    now = now or utcnow()
    lapsed = (
        await session.scalars(
            select(NodeRun)
            .where(NodeRun.status == NodeStatus.RUNNING, NodeRun.lease_expires_at < now)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for node in lapsed:
        await _abandon_attempt(session, node)
        node.status, node.lease_expires_at, node.due_at = NodeStatus.QUEUED, None, now
        dispatch_of(session).now.append((node.tenant_id, node.id))
    unclaimed = (
        await session.scalars(
            select(NodeRun).where(NodeRun.status == NodeStatus.QUEUED, NodeRun.due_at < now - REPUBLISH_AFTER)
        )
    ).all()
    for node in unclaimed:
        node.due_at = now
        dispatch_of(session).now.append((node.tenant_id, node.id))
    due = (
        await session.scalars(
            select(NodeRun).where(
                NodeRun.status == NodeStatus.WAITING, NodeRun.node_type == "delay", NodeRun.due_at <= now
            )
        )
    ).all()
    for node in due:
        await wake(session, node.id, now=now)
    return len(lapsed) + len(unclaimed) + len(due)


async def wake(session: AsyncSession, node_run_id: uuid.UUID, *, now: datetime | None = None) -> None:
    """End a delay whose time has come."""
    now = now or utcnow()
    node = await session.get(NodeRun, node_run_id, with_for_update=True, populate_existing=True)
    if node is None or node.status is not NodeStatus.WAITING or node.due_at is None or node.due_at > now:
        return
    run = await locked_run(session, node.run_id)
    await settle(session, run, node, Done({"waited_until": node.due_at.isoformat()}))


async def _abandon_attempt(session: AsyncSession, node: NodeRun) -> None:
    """The dead attempt's calls that never finished: their holds go back to the wallet."""
    stale = (
        await session.scalars(
            select(Execution).where(
                Execution.idempotency_key.startswith(f"{KEY_PREFIX}{node.id}:"),
                Execution.status == ExecutionStatus.RUNNING,
            )
        )
    ).all()
    for execution in stale:
        execution.status, execution.error_code, execution.finished_at = (
            ExecutionStatus.FAILED,
            "worker.lost",
            utcnow(),
        )
        held = await session.scalar(
            select(WalletHold).where(
                WalletHold.reference_id == execution.id, WalletHold.state == HoldState.HELD
            )
        )
        if held is not None:
            await wallet.release(session, hold_id=held.id)
