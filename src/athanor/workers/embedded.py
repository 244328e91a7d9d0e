"""The worker inside `athanor serve`: a Celery worker on a thread pool in the serving
process, with the periodic scheduler, so a laptop install needs no other service.

Its tasks run on the server's event loop and runtime (`runner.host`): one database
engine, one SQLite writer queue, one set of caches. Without ATHANOR_BROKER_URL the broker
is in-process memory; with one, this worker simply joins the distributed ones.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from typing import Any

from celery._state import _set_task_join_will_block
from celery.beat import EmbeddedService
from celery.worker import WorkController
from celery.worker import state as worker_state

from athanor.core.logging import get_logger
from athanor.runtime import Runtime
from athanor.settings import Settings
from athanor.workers import runner
from athanor.workers.agent import start_agent, stop_agent
from athanor.workers.celery_app import celery_app
from athanor.workers.queues import QUEUES

log = get_logger("athanor.workers.embedded")
STOP_TIMEOUT_SECONDS = 60


class _Controller(WorkController):  # type: ignore[misc]
    settings: Settings

    def on_consumer_ready(self, consumer: Any) -> None:
        start_agent(consumer, embedded=True, settings=self.settings)


class EmbeddedWorker:
    def __init__(self, runtime: Runtime, *, beat: bool = True) -> None:
        self._runtime = runtime
        self._with_beat = beat
        self._controller: _Controller | None = None
        self._thread: threading.Thread | None = None
        self._beat: Any = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        settings = self._runtime.settings
        runner.host(loop, self._runtime)
        celery_app.loader.import_default_modules()
        self._controller = _Controller(
            app=celery_app,
            hostname=f"embedded@{socket.gethostname()}.{os.getpid()}",
            pool="threads",
            concurrency=settings.embedded_worker_concurrency,
            queues=list(QUEUES),
            without_mingle=True,
            without_gossip=True,
            without_heartbeat=True,
            loglevel="WARNING",
        )
        self._controller.settings = settings
        self._thread = threading.Thread(
            target=self._controller.start, name="athanor-embedded-worker", daemon=True
        )
        self._thread.start()
        if self._with_beat:
            # A thread, not a process: the in-memory broker is this process's.
            self._beat = EmbeddedService(
                celery_app, thread=True, schedule_filename=str(settings.data_dir / "celerybeat-schedule")
            )
            self._beat.start()
        log.info("embedded_worker.started", broker=celery_app.conf.broker_url.split("://")[0])

    def stop(self) -> None:
        """Warm shutdown: tasks in flight finish first. Blocks; call it off the event loop."""
        if self._beat is not None:
            self._beat.stop()
        if self._thread is not None:
            worker_state.should_stop = 0
            self._thread.join(STOP_TIMEOUT_SECONDS)
            worker_state.should_stop = None
        stop_agent()
        runner.unhost()
        # Starting a worker marks this process as one, where waiting on a task's result is
        # refused; once it stopped, the process may wait on results again.
        _set_task_join_will_block(False)
