"""Each strategy's order, alone and through the router, and the health filter before it."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest

from athanor.routing.policy import BreakerPolicy
from athanor.routing.state import DeploymentHealth, HealthSnapshot
from athanor.routing.strategies import order, plan, weighted
from athanor.routing.types import Candidate, Routed, Strategy
from tests.routing.conftest import FakeClock, FakeDeployment, Gate, RouterFactory, candidate, invoke

NOW = 1_000.0
A, B, C = Candidate("a"), Candidate("b"), Candidate("c")


def snapshot(**health: DeploymentHealth) -> HealthSnapshot:
    return HealthSnapshot(NOW, health)


def ids(candidates: list[Candidate] | tuple[Candidate, ...]) -> list[str]:
    return [c.deployment_id for c in candidates]


async def test_round_robin_alternates(new_router: RouterFactory) -> None:
    first, second = FakeDeployment("a"), FakeDeployment("b")
    router = new_router()
    chain = [candidate(first), candidate(second)]

    answers = [(await router.call("chat", chain, Strategy.ROUND_ROBIN, invoke)).value for _ in range(4)]

    assert answers in (["a", "b", "a", "b"], ["b", "a", "b", "a"])


def test_round_robin_rotates_the_whole_list_so_the_others_follow_as_fallbacks() -> None:
    assert ids(order(Strategy.ROUND_ROBIN, [A, B, C], HealthSnapshot(NOW, {}, turn=4), random.Random())) == [
        "b",
        "c",
        "a",
    ]


def test_weighted_picks_first_in_proportion_to_weight() -> None:
    rng = random.Random(42)
    light, heavy, idle = (
        Candidate("light", weight=1),
        Candidate("heavy", weight=3),
        Candidate("idle", weight=0),
    )

    firsts = Counter(weighted([light, heavy, idle], rng)[0].deployment_id for _ in range(4000))

    assert firsts["idle"] == 0
    assert firsts["heavy"] / 4000 == pytest.approx(0.75, abs=0.03)
    # Every order holds every candidate, weight 0 last.
    assert weighted([idle, light, heavy], rng)[-1] is idle


async def test_least_latency_prefers_the_faster_after_measuring_both(
    new_router: RouterFactory, clock: FakeClock
) -> None:
    slow = FakeDeployment("slow", clock=clock, latency=0.060)
    fast = FakeDeployment("fast", clock=clock, latency=0.020)
    router = new_router()
    chain = [candidate(slow), candidate(fast)]

    answers = [(await router.call("chat", chain, Strategy.LEAST_LATENCY, invoke)).value for _ in range(6)]

    # Unmeasured deployments go first, so both are measured once; then the faster wins.
    assert sorted(answers[:2]) == ["fast", "slow"]
    assert answers[2:] == ["fast"] * 4


def test_least_latency_blends_time_to_first_token_into_streams() -> None:
    quick_start = DeploymentHealth(latency_ms=1000.0, ttft_ms=100.0)
    quick_finish = DeploymentHealth(latency_ms=800.0, ttft_ms=700.0)
    health = snapshot(a=quick_start, b=quick_finish)
    rng = random.Random(1)

    assert ids(order(Strategy.LEAST_LATENCY, [A, B], health, rng)) == ["b", "a"]
    assert ids(order(Strategy.LEAST_LATENCY, [A, B], health, rng, streaming=True)) == ["a", "b"]


def test_least_cost_picks_the_cheapest_healthy() -> None:
    cheap, middle, dear = (
        Candidate("cheap", cost_per_mtok=100),
        Candidate("middle", cost_per_mtok=200),
        Candidate("dear", cost_per_mtok=900),
    )
    health = snapshot(cheap=DeploymentHealth(open_until=NOW + 10))

    chosen = plan(Strategy.LEAST_COST, [dear, cheap, middle], health, BreakerPolicy(), random.Random())

    assert ids(chosen.candidates) == ["middle", "dear"]
    assert not chosen.last_resort


async def test_least_busy_picks_the_one_with_fewer_calls_in_flight(new_router: RouterFactory) -> None:
    first, second = FakeDeployment("a"), FakeDeployment("b")
    first.gate = second.gate = gate = Gate()
    router = new_router()
    chain = [candidate(first), candidate(second, weight=2)]

    # Whichever goes first, the load per unit of weight sends two of three calls to "b".
    held: list[asyncio.Task[Routed[str]]] = []
    for _ in range(3):
        held.append(asyncio.create_task(router.call("chat", chain, Strategy.LEAST_BUSY, invoke)))
        await gate.arrival()
    assert (first.calls, second.calls) == (1, 2)
    gate.open()
    answers = sorted([(await task).value for task in held])
    assert answers == ["a", "b", "b"]


def test_fallback_follows_priority_then_the_given_order() -> None:
    chain = [Candidate("c", priority=2), Candidate("b", priority=1), Candidate("a", priority=1)]
    assert ids(order(Strategy.FALLBACK, chain, snapshot(), random.Random())) == ["b", "a", "c"]


def test_open_and_cooling_deployments_are_skipped() -> None:
    health = snapshot(
        a=DeploymentHealth(open_until=NOW + 5),
        b=DeploymentHealth(cooldown_until=NOW + 5),
        c=DeploymentHealth(open_until=NOW - 1, probes=1),
    )
    policy = BreakerPolicy(half_open_probes=2)

    chosen = plan(Strategy.FALLBACK, [A, B, C], health, policy, random.Random())

    # "c" is half-open with a probe slot left: it may be tried.
    assert ids(chosen.candidates) == ["c"]


def test_when_nothing_may_be_called_the_first_to_recover_is_the_last_resort() -> None:
    health = snapshot(
        a=DeploymentHealth(open_until=NOW + 20),
        b=DeploymentHealth(open_until=NOW + 5, cooldown_until=NOW + 30),
        c=DeploymentHealth(cooldown_until=NOW + 10),
    )

    chosen = plan(Strategy.FALLBACK, [A, B, C], health, BreakerPolicy(), random.Random())

    assert ids(chosen.candidates) == ["c"]
    assert chosen.last_resort
