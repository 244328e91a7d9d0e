"""The shapes routing speaks: strategies, the deployments to choose from, what happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from athanor.providers.types import FailureKind, Usage

T = TypeVar("T")


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    WEIGHTED = "weighted"
    LEAST_LATENCY = "least_latency"
    LEAST_COST = "least_cost"
    LEAST_BUSY = "least_busy"
    FALLBACK = "fallback"


# Until a tenant or engine chooses: new deployments are tried first, then the fastest wins.
DEFAULT_STRATEGY = Strategy.LEAST_LATENCY


class Verdict(StrEnum):
    """What one call says about a deployment's health, for its circuit breaker."""

    SUCCESS = "success"
    FAILURE = "failure"
    # Says nothing about the deployment: the request was wrong, or it was rate limited
    # (a cooldown handles that), or the caller went away.
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One deployment of the requested model."""

    deployment_id: str
    weight: int = 1
    # Fallback order: lower is tried first.
    priority: int = 0
    # Blended price per million tokens, in the platform's integer money unit.
    cost_per_mtok: int = 0
    # Whatever the caller needs to make the call (adapter, request...). Kept out of
    # equality (it may be unhashable) and of repr (it may hold a credential).
    target: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.weight < 0 or self.cost_per_mtok < 0:
            raise ValueError("weight and cost_per_mtok cannot be negative")

    def cost_of(self, usage: Usage) -> int:
        """The blended cost of `usage`, rounded up so that small calls are never free."""
        return -(-usage.total_tokens * self.cost_per_mtok // 1_000_000)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One call to one deployment."""

    deployment_id: str
    # None when the call succeeded.
    failure: FailureKind | None
    duration_ms: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True, slots=True)
class Routed(Generic[T]):
    value: T
    candidate: Candidate
    # Every call made, the successful one last.
    attempts: tuple[Attempt, ...]
