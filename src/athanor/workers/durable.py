"""Durable tasks: retried with backoff, done once per task id, dead-lettered when they
give up. Every Athanor task that changes state is declared with `durable_task`.

    @durable_task(name="athanor.exports.render", queue="export", max_retries=4)
    def render(export_id: str, tenant_id: str) -> None:
        run_async(lambda runtime: exports_service.render(runtime, ...))

    enqueue(render, kwargs={"export_id": ..., "tenant_id": ...}, priority=7)
"""

from __future__ import annotations

import random
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from celery import Task
from celery.exceptions import Ignore, Reject, Retry
from celery.result import AsyncResult

from athanor.core.logging import get_logger
from athanor.db.types import utcnow
from athanor.workers import receipts
from athanor.workers.celery_app import celery_app
from athanor.workers.failures import FailedAttempt, record_failure
from athanor.workers.health import HealthRules
from athanor.workers.metered import MeteredTask
from athanor.workers.queues import (
    DEFAULT_PRIORITY,
    HARD_LIMIT_GRACE_SECONDS,
    POLICIES,
    QueueName,
    broker_priority,
)
from athanor.workers.runner import run_async

log = get_logger("athanor.workers.durable")

F = TypeVar("F", bound=Callable[..., Any])
# How long a duplicate waits at most before looking at the other worker's claim again.
RECHECK_SECONDS = 30.0


def backoff_delay(retries: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter": half the delay fixed, half random, so
    delays still grow while retries of many tasks that failed together spread out."""
    delay = min(cap, base * 2.0**retries)
    return delay / 2 + (rng or random).uniform(0, delay / 2)


class DurableTask(MeteredTask):
    abstract = True
    backoff_seconds: float = 5.0
    backoff_max_seconds: float = 600.0
    # Claim a receipt per task id, so a second delivery does nothing.
    idempotent: bool = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request
        if request.called_directly or request.is_eager:
            return self.run(*args, **kwargs)
        if self.idempotent and not self._claim():
            return None
        try:
            value = self.run(*args, **kwargs)
        except Retry:
            self._finish(done=False)  # the task asked for a retry itself
            raise
        except (Ignore, Reject):
            raise
        except Exception as error:
            self._give_up_or_retry(error, list(args), kwargs)
            raise
        self._finish(done=True)
        return value

    def _claim(self) -> bool:
        request = self.request
        lease = timedelta(
            seconds=(self.time_limit or self.soft_time_limit or 3600) + HARD_LIMIT_GRACE_SECONDS
        )
        result = run_async(
            lambda runtime: receipts.claim(
                runtime.db,
                task_id=request.id,
                task_name=self.name,
                attempt=request.retries + 1,
                worker_name=request.hostname,
                lease=lease,
                rules=HealthRules.from_settings(runtime.settings),
            )
        )
        if result.claim is receipts.Claim.CLAIMED:
            return True
        if result.claim is receipts.Claim.BUSY and result.lease_until is not None:
            # Another worker holds a live claim: look again later, so the task is not
            # lost if that worker dies.
            wait = max(1.0, min(RECHECK_SECONDS, (result.lease_until - utcnow()).total_seconds()))
            queue = (request.delivery_info or {}).get("routing_key")
            self.signature_from_request(
                request, queue=queue, countdown=wait, retries=request.retries
            ).apply_async()
            log.info("task.duplicate_deferred", task=self.name, task_id=request.id, seconds=wait)
            raise Ignore()
        log.info("task.duplicate_skipped", task=self.name, task_id=request.id, state=result.claim.value)
        return False

    def _finish(self, *, done: bool) -> None:
        if self.idempotent:
            task_id = self.request.id
            run_async(lambda runtime: receipts.finish(runtime.db, task_id=task_id, done=done))

    def _give_up_or_retry(self, error: Exception, args: list[Any], kwargs: dict[str, Any]) -> None:
        request = self.request
        final = self.max_retries is not None and request.retries >= self.max_retries
        failed = FailedAttempt(
            task_id=request.id,
            task_name=self.name,
            queue=(request.delivery_info or {}).get("routing_key"),
            priority=_athanor_priority((request.delivery_info or {}).get("priority")),
            args=args,
            kwargs=kwargs,
            attempt=request.retries + 1,
            final=final,
            worker_name=request.hostname,
            error=error,
            traceback=traceback.format_exc(),
        )
        try:
            run_async(lambda runtime: record_failure(runtime.db, failed))
        except Exception:
            # The retry below matters more than its record.
            log.exception("task.failure_not_recorded", task=self.name, task_id=request.id)
        # A dead-lettered task is settled: a late duplicate must not run it again.
        self._finish(done=final)
        if final:
            log.error("task.dead_lettered", task=self.name, task_id=request.id, error=type(error).__name__)
            return
        countdown = backoff_delay(request.retries, self.backoff_seconds, self.backoff_max_seconds)
        raise self.retry(exc=error, countdown=countdown, queue=failed.queue)


def _athanor_priority(value: int | None) -> int | None:
    return None if value is None else broker_priority(value, celery_app.conf.broker_url or "")


def durable_task(
    *,
    name: str,
    queue: QueueName | str = QueueName.DEFAULT,
    priority: int = DEFAULT_PRIORITY,
    max_retries: int | None = None,
    backoff_seconds: float | None = None,
    backoff_max_seconds: float | None = None,
    soft_time_limit: int | None = None,
    idempotent: bool = True,
) -> Callable[[F], Task]:
    """A task on `queue` whose unset policies (retries, backoff, time limits) are the
    queue's (`queues.POLICIES`); `priority` is 0 (least) to 9 (most urgent)."""
    policy = POLICIES[QueueName(queue)]
    soft = soft_time_limit or policy.soft_time_limit

    def decorate(function: F) -> Task:
        task: Task = celery_app.task(
            base=DurableTask,
            name=name,
            queue=str(queue),
            priority=broker_priority(priority, celery_app.conf.broker_url or ""),
            max_retries=policy.max_retries if max_retries is None else max_retries,
            backoff_seconds=policy.backoff_seconds if backoff_seconds is None else backoff_seconds,
            backoff_max_seconds=policy.backoff_max_seconds
            if backoff_max_seconds is None
            else backoff_max_seconds,
            soft_time_limit=soft,
            time_limit=soft + HARD_LIMIT_GRACE_SECONDS,
            idempotent=idempotent,
        )(function)
        return task

    return decorate


def enqueue(
    task: Task | str,
    *,
    args: list[Any] | tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    queue: QueueName | str | None = None,
    priority: int | None = None,
    countdown: float | None = None,
    task_id: str | None = None,
) -> AsyncResult:
    """Publish a task. `priority` is Athanor's 0-9 (9 most urgent); `task_id` doubles as the
    deduplication key: enqueueing the same id twice runs the work once."""
    options: dict[str, Any] = {"countdown": countdown, "task_id": task_id}
    if queue is not None:
        options["queue"] = str(queue)
    if priority is not None:
        options["priority"] = broker_priority(priority, celery_app.conf.broker_url or "")
    options = {key: value for key, value in options.items() if value is not None}
    if isinstance(task, str) and task not in celery_app.tasks:
        # Declared in another code base: its queue and priority come from the caller.
        return celery_app.send_task(task, args=list(args), kwargs=kwargs or {}, **options)
    declared = celery_app.tasks[task] if isinstance(task, str) else task
    return declared.apply_async(args=list(args), kwargs=kwargs or {}, **options)
