"""A worker's health, computed from its timestamps: a worker killed without a word
becomes lost by the clock alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from athanor.settings import Settings
from athanor.workers.models import Worker, WorkerState


class Health(StrEnum):
    HEALTHY = "healthy"
    # Late heartbeat, or too many failures in the last interval.
    DEGRADED = "degraded"
    # No heartbeat for `lost_after` intervals: presumed dead.
    LOST = "lost"
    # Stopped cleanly.
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class HealthRules:
    lost_after: int
    degraded_error_rate: float

    @classmethod
    def from_settings(cls, settings: Settings) -> HealthRules:
        return cls(settings.worker_lost_after_heartbeats, settings.worker_degraded_error_rate)

    @property
    def late_after(self) -> float:
        # Half-way to lost, and never on the first interval's normal jitter.
        return max(2.0, self.lost_after / 2)


def silent_intervals(worker: Worker, now: datetime) -> float:
    return (now - worker.last_heartbeat_at).total_seconds() / worker.heartbeat_seconds


def health_of(worker: Worker, now: datetime, rules: HealthRules) -> Health:
    if worker.state is WorkerState.STOPPED:
        return Health.OFFLINE
    silent = silent_intervals(worker, now)
    if silent >= rules.lost_after:
        return Health.LOST
    if silent >= rules.late_after or worker.recent_error_rate > rules.degraded_error_rate:
        return Health.DEGRADED
    return Health.HEALTHY


def is_gone(worker: Worker, now: datetime, rules: HealthRules) -> bool:
    """Neither running nor coming back: its claims may be taken over."""
    return health_of(worker, now, rules) in {Health.LOST, Health.OFFLINE}
