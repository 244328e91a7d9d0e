"""The order in which to try a route's deployments: one function per strategy, and the
health filter in front of them all."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from athanor.routing.policy import BreakerPolicy
from athanor.routing.state import DeploymentHealth, HealthSnapshot
from athanor.routing.types import Candidate, Strategy

# For a stream the caller waits for the first token more than for the last one.
STREAM_TTFT_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Plan:
    candidates: tuple[Candidate, ...]
    # Every deployment is held back (circuit open or cooling down): the plan is the one
    # that recovers first, to be called once anyway.
    last_resort: bool = False


def plan(
    strategy: Strategy,
    candidates: Sequence[Candidate],
    snapshot: HealthSnapshot,
    policy: BreakerPolicy,
    rng: random.Random,
    *,
    streaming: bool = False,
) -> Plan:
    """The deployments that may be called now, in strategy order; the others are skipped.

    When none may be called, the one whose circuit or cooldown ends first is tried once
    rather than failing without a call: the request may as well be the probe, and a route
    with a single deployment keeps answering as soon as its provider does.
    """
    if not candidates:
        raise ValueError("a route needs at least one candidate")
    usable = [c for c in candidates if snapshot.of(c.deployment_id).callable(snapshot.now, policy)]
    if usable:
        return Plan(tuple(order(strategy, usable, snapshot, rng, streaming=streaming)))
    soonest = min(candidates, key=lambda c: snapshot.of(c.deployment_id).blocked_until)
    return Plan((soonest,), last_resort=True)


def order(
    strategy: Strategy,
    candidates: Sequence[Candidate],
    snapshot: HealthSnapshot,
    rng: random.Random,
    *,
    streaming: bool = False,
) -> list[Candidate]:
    match strategy:
        case Strategy.ROUND_ROBIN:
            return round_robin(candidates, snapshot.turn)
        case Strategy.WEIGHTED:
            return weighted(candidates, rng)
        case Strategy.LEAST_LATENCY:
            return least_latency(candidates, snapshot, rng, streaming=streaming)
        case Strategy.LEAST_COST:
            return least_cost(candidates, rng)
        case Strategy.LEAST_BUSY:
            return least_busy(candidates, snapshot, rng)
        case Strategy.FALLBACK:
            return fallback(candidates)


def round_robin(candidates: Sequence[Candidate], turn: int) -> list[Candidate]:
    """The list rotated by the route's turn; the next ones follow as fallbacks."""
    start = turn % len(candidates)
    return [*candidates[start:], *candidates[:start]]


def weighted(candidates: Sequence[Candidate], rng: random.Random) -> list[Candidate]:
    """A random order where each deployment comes first with probability weight / total
    (weighted sampling without replacement, Efraimidis-Spirakis). Weight 0 comes last."""

    def key(candidate: Candidate) -> float:
        return rng.random() ** (1 / candidate.weight) if candidate.weight else -1.0

    return sorted(candidates, key=key, reverse=True)


def least_latency(
    candidates: Sequence[Candidate], snapshot: HealthSnapshot, rng: random.Random, *, streaming: bool
) -> list[Candidate]:
    """Fastest average first. Unmeasured deployments go first, so that they get measured."""

    def expected(candidate: Candidate) -> float:
        estimate = _expected_ms(snapshot.of(candidate.deployment_id), streaming=streaming)
        return -math.inf if estimate is None else estimate

    return _by_score(candidates, expected, rng)


def least_cost(candidates: Sequence[Candidate], rng: random.Random) -> list[Candidate]:
    return _by_score(candidates, lambda c: c.cost_per_mtok, rng)


def least_busy(
    candidates: Sequence[Candidate], snapshot: HealthSnapshot, rng: random.Random
) -> list[Candidate]:
    """Fewest calls in flight per unit of weight first."""

    def load(candidate: Candidate) -> float:
        in_flight = snapshot.of(candidate.deployment_id).in_flight
        return in_flight / candidate.weight if candidate.weight else math.inf

    return _by_score(candidates, load, rng)


def fallback(candidates: Sequence[Candidate]) -> list[Candidate]:
    """By priority, equal priorities in the order given: a chain, deterministic."""
    return sorted(candidates, key=lambda c: c.priority)


def _expected_ms(health: DeploymentHealth, *, streaming: bool) -> float | None:
    if streaming and health.ttft_ms is not None:
        if health.latency_ms is None:
            return health.ttft_ms
        return STREAM_TTFT_SHARE * health.ttft_ms + (1 - STREAM_TTFT_SHARE) * health.latency_ms
    return health.latency_ms


def _by_score(
    candidates: Sequence[Candidate], score: Callable[[Candidate], float], rng: random.Random
) -> list[Candidate]:
    # Ties are broken at random so that equal deployments share the load.
    return sorted(candidates, key=lambda c: (score(c), rng.random()))
