"""The base of every Athanor task: its outcome is counted in the worker's main process.

Celery runs a request's `acknowledge` and `on_failure` in the worker's main process
whatever the pool (prefork children included), so the heartbeat there sees every result.
(`on_success` cannot be hooked: Celery replaces it in a generated subclass.) With late
acknowledgement, the app's default, a success is acknowledged exactly once.
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
    _counted = False

    def _count(self, *, failed: bool) -> None:
        if self._counted:
            return
        self._counted = True
        elapsed_ms = int((time.time() - self.time_start) * 1000) if self.time_start else 0
        STATS.finished((self.delivery_info or {}).get("routing_key"), elapsed_ms, failed=failed)

    def on_failure(self, exc_info: Any, send_failed_event: bool = True, return_ok: bool = False) -> None:
        error = exc_info.exception
        if isinstance(error, ExceptionWithTraceback):
            error = error.exc
        if isinstance(error, _NOT_ATTEMPTS):
            self._counted = True  # acknowledged below, but not a result
        else:
            self._count(failed=True)
        super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)

    def acknowledge(self) -> None:
        # Reached without a failure first: the task succeeded.
        self._count(failed=False)
        super().acknowledge()


class MeteredTask(Task):  # type: ignore[misc]
    Request = MeteredRequest
