"""What this process's worker and publishers did since the last heartbeat, in memory.

Counted on Celery's hot path (under a lock, no I/O) and taken whole by the heartbeat,
which writes it to the registry: a counter is never lost between two takes nor counted
twice.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Tally:
    processed: int = 0
    failed: int = 0
    latency_ms_total: int = 0
    latency_ms_max: int = 0

    def add(self, latency_ms: int, *, failed: bool) -> None:
        self.processed += 1
        self.failed += failed
        self.latency_ms_total += latency_ms
        self.latency_ms_max = max(self.latency_ms_max, latency_ms)

    def merge(self, other: Tally) -> None:
        self.processed += other.processed
        self.failed += other.failed
        self.latency_ms_total += other.latency_ms_total
        self.latency_ms_max = max(self.latency_ms_max, other.latency_ms_max)


@dataclass
class Taken:
    """One heartbeat's worth: this worker's tasks, and per queue what was finished and published."""

    worker: Tally
    queues: dict[str, Tally]
    published: dict[str, int]


@dataclass
class Stats:
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _worker: Tally = field(default_factory=Tally)
    _queues: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    _published: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))

    def finished(self, queue: str | None, latency_ms: int, *, failed: bool) -> None:
        with self._lock:
            self._worker.add(latency_ms, failed=failed)
            if queue:
                self._queues[queue].add(latency_ms, failed=failed)

    def published(self, queue: str) -> None:
        with self._lock:
            self._published[queue] += 1

    def take(self) -> Taken:
        with self._lock:
            taken = Taken(self._worker, dict(self._queues), dict(self._published))
            self._worker, self._queues, self._published = Tally(), defaultdict(Tally), defaultdict(int)
        return taken

    def take_published(self) -> Taken:
        """Only the publish counts (an API server's share; its embedded worker takes the rest)."""
        with self._lock:
            taken = Taken(Tally(), {}, dict(self._published))
            self._published = defaultdict(int)
        return taken

    def give_back(self, taken: Taken) -> None:
        """Counts whose write failed go back, to be written with the next heartbeat."""
        with self._lock:
            self._worker.merge(taken.worker)
            for queue, tally in taken.queues.items():
                self._queues[queue].merge(tally)
            for queue, count in taken.published.items():
                self._published[queue] += count


# One per process: the worker's requests and every publisher of the process count here.
STATS = Stats()
