"""The registry's agent inside a worker process: registers the worker when its consumer
is ready, heartbeats from a thread, and marks it offline at shutdown."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from typing import Any

from celery.worker import state as worker_state

from athanor import __version__
from athanor.core.logging import get_logger
from athanor.settings import Settings, get_settings
from athanor.workers import registry
from athanor.workers.health import HealthRules
from athanor.workers.runner import close_thread_runtime, run_async
from athanor.workers.stats import STATS

log = get_logger("athanor.workers.agent")


class HeartbeatAgent:
    def __init__(self, consumer: Any, *, embedded: bool, interval: float, rules: HealthRules) -> None:
        self._consumer = consumer
        self._embedded = embedded
        self._interval = interval
        self._rules = rules
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="athanor-heartbeat", daemon=True)
        self.worker_id: uuid.UUID | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + 30)

    def _pulse(self) -> registry.Pulse:
        task_consumer = getattr(self._consumer, "task_consumer", None)
        queues = sorted(queue.name for queue in task_consumer.queues) if task_consumer is not None else []
        return registry.Pulse(
            queues=queues, concurrency=self._concurrency(), in_flight=len(worker_state.active_requests)
        )

    def _concurrency(self) -> int:
        pool = getattr(self._consumer, "pool", None)
        return int(getattr(pool, "num_processes", None) or getattr(pool, "limit", 0) or 0)

    def _run(self) -> None:
        # Registration, heartbeats and the goodbye all run in this thread, on its own
        # loop and database connection (or the serving process's, when embedded).
        try:
            info = registry.WorkerInfo(
                name=self._consumer.hostname,
                host=socket.gethostname(),
                pid=os.getpid(),
                embedded=self._embedded,
                queues=self._pulse().queues,
                concurrency=self._concurrency(),
                version=__version__,
                heartbeat_seconds=self._interval,
            )
            self.worker_id = run_async(lambda runtime: registry.register(runtime.db, info))
            log.info("worker.registered", worker=info.name, worker_id=str(self.worker_id))
            while not self._stop.wait(self._interval):
                self.beat()
            self.beat()
            worker_id = self.worker_id
            run_async(lambda runtime: registry.mark_stopped(runtime.db, worker_id))
        except Exception:
            log.exception("worker.registry_failed")
        finally:
            if not self._embedded:
                close_thread_runtime()

    def beat(self) -> None:
        if self.worker_id is None:
            return
        worker_id, pulse, taken = self.worker_id, self._pulse(), STATS.take()
        try:
            run_async(lambda runtime: registry.heartbeat(runtime.db, worker_id, pulse, taken, self._rules))
        except Exception:
            STATS.give_back(taken)
            log.exception("worker.heartbeat_failed")


_agent: HeartbeatAgent | None = None
_lock = threading.Lock()


def start_agent(consumer: Any, *, embedded: bool, settings: Settings | None = None) -> None:
    global _agent
    settings = settings or get_settings()
    with _lock:
        if _agent is not None:
            return
        _agent = HeartbeatAgent(
            consumer,
            embedded=embedded,
            interval=settings.worker_heartbeat_seconds,
            rules=HealthRules.from_settings(settings),
        )
        _agent.start()


def stop_agent() -> None:
    global _agent
    with _lock:
        agent, _agent = _agent, None
    if agent is not None:
        agent.stop()
