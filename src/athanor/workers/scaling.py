"""How many workers a queue needs.

    slots   = λ·S / ρ  +  D·S / T
    workers = ceil(slots / c)

λ is the arrival rate (tasks published per second over the last five minutes), S the mean
time a task of the queue takes (from the same window; 1 s before any task finished), D the
queue's depth now, T the latency target (ATHANOR_QUEUE_LATENCY_TARGET_SECONDS), ρ the
utilisation a worker should run at (0.8, headroom for bursts) and c the slots of one
worker (the mean concurrency of the live workers on the queue, or 2). The first term keeps
up with arrivals (Little's law: λ·S slots are busy on average); the second clears the
backlog within the target. A queue with no work recommends zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TARGET_UTILISATION = 0.8
DEFAULT_SERVICE_SECONDS = 1.0
DEFAULT_SLOTS_PER_WORKER = 2


@dataclass(frozen=True, slots=True)
class QueueLoad:
    depth: int
    arrival_per_second: float
    service_seconds: float | None
    slots_per_worker: float | None


def recommended_workers(load: QueueLoad, latency_target_seconds: float) -> int:
    service = load.service_seconds or DEFAULT_SERVICE_SECONDS
    slots = (
        load.arrival_per_second * service / TARGET_UTILISATION + load.depth * service / latency_target_seconds
    )
    per_worker = load.slots_per_worker or DEFAULT_SLOTS_PER_WORKER
    return math.ceil(round(slots / per_worker, 9))
