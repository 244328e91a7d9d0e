"""Delivery receipts: a task's work is done once however often its message arrives.

Before the work a worker claims the task id; after it, the claim becomes `done`. A second
delivery of a done task does nothing; one that arrives while another worker still holds a
live claim waits for it; a claim whose worker died (lease over, or the registry has lost
the worker) is taken over. The receipt is written in its own transaction after the work:
work that must never repeat even across a crash in that gap keeps its own idempotency keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.db.base import new_id
from athanor.db.engine import Database
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.db.upsert import insert_for
from athanor.workers.health import HealthRules, is_gone
from athanor.workers.models import ReceiptState, TaskReceipt, Worker


class Claim(StrEnum):
    CLAIMED = "claimed"
    DONE = "done"
    BUSY = "busy"


@dataclass(frozen=True, slots=True)
class ClaimResult:
    claim: Claim
    # For BUSY: when the other worker's lease ends.
    lease_until: datetime | None = None


async def claim(
    db: Database,
    *,
    task_id: str,
    task_name: str,
    attempt: int,
    worker_name: str | None,
    lease: timedelta,
    rules: HealthRules,
) -> ClaimResult:
    now = utcnow()
    async with db.session(DbScope.for_platform(None)) as session, session.begin():
        inserted = await session.execute(
            insert_for(session, TaskReceipt)
            .values(
                id=new_id(),
                task_id=task_id,
                task_name=task_name,
                state=ReceiptState.RUNNING,
                attempt=attempt,
                worker_name=worker_name,
                lease_until=now + lease,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["task_id"])
        )
        if inserted.rowcount == 1:  # type: ignore[attr-defined]
            return ClaimResult(Claim.CLAIMED)
        receipt = await session.scalar(
            select(TaskReceipt).where(TaskReceipt.task_id == task_id).with_for_update()
        )
        assert receipt is not None
        if receipt.state in {ReceiptState.DONE, ReceiptState.REVOKED}:
            return ClaimResult(Claim.DONE)
        live = receipt.state is ReceiptState.RUNNING and receipt.lease_until > now
        if live and not await _owner_gone(session, receipt.worker_name, now, rules):
            return ClaimResult(Claim.BUSY, receipt.lease_until)
        receipt.state = ReceiptState.RUNNING
        receipt.attempt = attempt
        receipt.worker_name = worker_name
        receipt.lease_until = now + lease
        return ClaimResult(Claim.CLAIMED)


async def _owner_gone(
    session: AsyncSession, worker_name: str | None, now: datetime, rules: HealthRules
) -> bool:
    if worker_name is None:
        return False
    worker = await session.scalar(select(Worker).where(Worker.name == worker_name))
    return worker is not None and is_gone(worker, now, rules)


async def finish(db: Database, *, task_id: str, done: bool) -> None:
    """Done after success; released after a failed attempt, so its retry may claim it."""
    state = ReceiptState.DONE if done else ReceiptState.RELEASED
    async with db.session(DbScope.for_platform(None)) as session, session.begin():
        await session.execute(
            update(TaskReceipt)
            .where(TaskReceipt.task_id == task_id, TaskReceipt.state == ReceiptState.RUNNING)
            .values(state=state, finished_at=utcnow(), updated_at=utcnow())
        )


async def revoke(session: AsyncSession, *, task_id: str) -> bool:
    """Mark a task revoked so no delivery runs it; False when it had already finished."""
    now = utcnow()
    await session.execute(
        insert_for(session, TaskReceipt)
        .values(
            id=new_id(),
            task_id=task_id,
            task_name="",
            state=ReceiptState.REVOKED,
            attempt=0,
            worker_name=None,
            lease_until=now,
            finished_at=now,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["task_id"])
    )
    changed = await session.execute(
        update(TaskReceipt)
        .where(TaskReceipt.task_id == task_id, TaskReceipt.state != ReceiptState.DONE)
        .values(state=ReceiptState.REVOKED, finished_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(changed.rowcount)  # type: ignore[attr-defined]
