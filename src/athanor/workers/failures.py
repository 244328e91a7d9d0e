"""The failure log and the dead letters: every failed attempt is written down; the last
one of a task also leaves a dead letter that can be re-queued."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from athanor.db.engine import Database
from athanor.workers.models import DeadLetter, TaskFailure, WorkerEventKind
from athanor.workers.registry import platform, record_event, worker_id_named

# Keyword arguments that say what a task worked on; shown with its failures.
SUBJECT_KEYS = ("tenant_id", "run_id", "node_run_id", "node_id", "execution_id", "export_id")
MAX_TEXT = 20_000


@dataclass(frozen=True, slots=True)
class FailedAttempt:
    task_id: str
    task_name: str
    queue: str | None
    priority: int | None
    args: list[Any]
    kwargs: dict[str, Any]
    attempt: int
    final: bool
    worker_name: str | None
    error: BaseException
    traceback: str

    @property
    def tenant_id(self) -> uuid.UUID | None:
        try:
            return uuid.UUID(str(self.kwargs["tenant_id"]))
        except (KeyError, ValueError):
            return None

    @property
    def subject(self) -> dict[str, str]:
        return {key: str(self.kwargs[key]) for key in SUBJECT_KEYS if key in self.kwargs}


async def record_failure(db: Database, failed: FailedAttempt) -> None:
    """One row in the failure log, a `task_failed` event, and on the last attempt a dead letter."""
    error_type = f"{type(failed.error).__module__}.{type(failed.error).__qualname__}"
    message = str(failed.error)[:MAX_TEXT]
    traceback = failed.traceback[-MAX_TEXT:]
    async with platform(db) as session, session.begin():
        session.add(
            TaskFailure(
                task_id=failed.task_id,
                task_name=failed.task_name,
                queue=failed.queue,
                worker_name=failed.worker_name,
                attempt=failed.attempt,
                final=failed.final,
                exception_type=error_type,
                message=message,
                traceback=traceback,
                subject=failed.subject,
                tenant_id=failed.tenant_id,
            )
        )
        if failed.final:
            session.add(
                DeadLetter(
                    task_id=failed.task_id,
                    task_name=failed.task_name,
                    queue=failed.queue,
                    priority=failed.priority,
                    args=failed.args,
                    kwargs=failed.kwargs,
                    attempts=failed.attempt,
                    worker_name=failed.worker_name,
                    exception_type=error_type,
                    message=message,
                    traceback=traceback,
                    tenant_id=failed.tenant_id,
                )
            )
        worker_id = await worker_id_named(session, failed.worker_name)
        detail = {
            "task_name": failed.task_name,
            "task_id": failed.task_id,
            "attempt": failed.attempt,
            "final": failed.final,
            "exception_type": error_type,
        }
        await record_event(session, WorkerEventKind.TASK_FAILED, worker_id, detail)
