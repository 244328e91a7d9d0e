"""The workers' own tasks: history pruning, and a probe that checks a queue end to end."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

from sqlalchemy import delete

from athanor.db.engine import Database
from athanor.db.types import utcnow
from athanor.runtime import Runtime
from athanor.workers.durable import durable_task
from athanor.workers.models import (
    QueueMetric,
    ReceiptState,
    TaskFailure,
    TaskReceipt,
    Worker,
    WorkerEvent,
    WorkerMetric,
    WorkerState,
)
from athanor.workers.queues import QueueName
from athanor.workers.registry import platform
from athanor.workers.runner import run_async

KEEP_HISTORY = timedelta(days=30)
# Receipts only need to outlive any redelivery (Redis' visibility timeout, retries).
KEEP_RECEIPTS = timedelta(days=7)
MAX_PROBE_SECONDS = 60.0


async def prune_history(db: Database) -> int:
    """Delete performance rows, events, failures, settled receipts and stopped workers
    past their keeping time; dead letters stay until an operator deals with them."""
    now = utcnow()
    old = now - KEEP_HISTORY
    removed = 0
    async with platform(db) as session, session.begin():
        for statement in (
            delete(WorkerMetric).where(WorkerMetric.bucket_at < old),
            delete(QueueMetric).where(QueueMetric.bucket_at < old),
            delete(WorkerEvent).where(WorkerEvent.occurred_at < old),
            delete(TaskFailure).where(TaskFailure.failed_at < old),
            delete(TaskReceipt).where(
                TaskReceipt.state != ReceiptState.RUNNING, TaskReceipt.finished_at < now - KEEP_RECEIPTS
            ),
            delete(Worker).where(Worker.state == WorkerState.STOPPED, Worker.stopped_at < old),
        ):
            result = await session.execute(statement.execution_options(synchronize_session=False))
            removed += int(result.rowcount or 0)
    return removed


async def _prune(runtime: Runtime) -> int:
    return await prune_history(runtime.db)


@durable_task(name="athanor.workers.prune", queue=QueueName.BATCH, idempotent=False)
def prune() -> int:
    """Hourly on the beat; deleting twice is harmless, so no receipt."""
    return run_async(_prune)


@durable_task(name="athanor.workers.probe", queue=QueueName.DEFAULT, max_retries=0)
def probe(seconds: float = 0.0) -> str:
    """Hold a slot for `seconds` (at most a minute) and answer with the worker's host:
    checks a queue end to end, and gives drain and resize something in flight."""
    time.sleep(max(0.0, min(MAX_PROBE_SECONDS, float(seconds))))
    return socket.gethostname()
