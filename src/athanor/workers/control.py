"""Celery remote control of live workers: stop consuming, change the pool, revoke.

Each call broadcasts to one named worker and waits briefly for its reply; Celery's client
is blocking, so callers on an event loop run these in a thread.
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from athanor.workers.exceptions import ResizeRefused, WorkerUnreachable

REPLY_TIMEOUT_SECONDS = 5.0


def _reply_of(replies: list[dict[str, Any]] | None, worker: str) -> dict[str, Any]:
    for reply in replies or []:
        if worker in reply:
            answer: dict[str, Any] = reply[worker]
            return answer
    raise WorkerUnreachable()


def stop_consuming(app: Celery, worker: str, queues: list[str]) -> None:
    """The worker stops taking from `queues`; what it runs already finishes."""
    for queue in queues:
        _reply_of(
            app.control.cancel_consumer(
                queue, destination=[worker], reply=True, timeout=REPLY_TIMEOUT_SECONDS
            ),
            worker,
        )


def resize_pool(app: Celery, worker: str, current: int, wanted: int) -> None:
    if wanted == current:
        return
    command = app.control.pool_grow if wanted > current else app.control.pool_shrink
    answer = _reply_of(
        command(abs(wanted - current), destination=[worker], reply=True, timeout=REPLY_TIMEOUT_SECONDS),
        worker,
    )
    if "error" in answer:
        raise ResizeRefused(params={"reason": str(answer["error"])})


def pool_size(app: Celery, worker: str) -> int | None:
    """The worker's pool size as it reports it now."""
    stats = app.control.inspect(destination=[worker], timeout=REPLY_TIMEOUT_SECONDS).stats() or {}
    pool = stats.get(worker, {}).get("pool", {})
    size = pool.get("max-concurrency")
    return int(size) if size is not None else None


def revoke(app: Celery, task_id: str, *, terminate: bool) -> None:
    """Every live worker skips the task; with `terminate`, a running one is stopped
    (prefork pools; a thread cannot be killed, so there it finishes)."""
    app.control.revoke(task_id, terminate=terminate, signal="SIGTERM")
