"""The base of every Athanor task: its outcome is counted in the worker's main process.

Celery calls a request's `on_success`/`on_failure` in the worker's main process whatever
the pool (prefork children included), so the heartbeat there sees every task's result.
"""

from __future__ import annotations

import time
from typing import Any

from billiard.einfo import ExceptionWithTraceback  # type: ignore[import-untyped]
from celery import Task
from celery.exceptions import Ignore, Reject, Terminated
from celery.worker.request import Request

from athanor.workers.stats import STATS

# Outcomes that are not a finished attempt: a deferred duplicate, a refusal, a revoke.
_NOT_ATTEMPTS = (Ignore, Reject, Terminated)


class MeteredRequest(Request):  # type: ignore[misc]
    def _queue(self) -> str | None:
        queue: str | None = (self.delivery_info or {}).get("routing_key")
        return queue

    def _elapsed_ms(self) -> int:
        return int((time.time() - self.time_start) * 1000) if self.time_start else 0

    def on_success(self, failed__retval__runtime: tuple[bool, Any, float], **kwargs: Any) -> None:
        failed, _retval, runtime = failed__retval__runtime
        if not failed:  # a failure is passed on to on_failure, which counts it
            STATS.finished(self._queue(), int(runtime * 1000), failed=False)
        super().on_success(failed__retval__runtime, **kwargs)

    def on_failure(self, exc_info: Any, send_failed_event: bool = True, return_ok: bool = False) -> None:
        error = exc_info.exception
        if isinstance(error, ExceptionWithTraceback):
            error = error.exc
        if not isinstance(error, _NOT_ATTEMPTS):
            STATS.finished(self._queue(), self._elapsed_ms(), failed=True)
        super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)


class MeteredTask(Task):  # type: ignore[misc]
    Request = MeteredRequest
