"""Health state on both backends, and Redis shared by two API servers."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis

from athanor.providers.types import FailureKind
from athanor.routing.policy import BreakerPolicy
from athanor.routing.state import Circuit, MemoryHealthState, Outcome, RedisHealthState
from athanor.routing.types import Strategy, Verdict
from tests.routing.conftest import (
    FakeClock,
    FakeDeployment,
    RouterFactory,
    StateFactory,
    candidate,
    failure,
    invoke,
)

POLICY = BreakerPolicy(failure_threshold=2, open_seconds=30.0, half_open_probes=1)
only_redis = pytest.mark.parametrize("state_url", ["redis"], indirect=True)


async def test_calls_in_flight_count_up_and_down_and_never_below_zero(new_state: StateFactory) -> None:
    state = new_state()
    first = await state.admit("a", POLICY)
    second = await state.admit("a", POLICY)
    assert first is not None
    assert second is not None
    assert (first.in_flight, second.in_flight) == (1, 2)

    await state.settle(first, Outcome(Verdict.SUCCESS), POLICY)
    await state.settle(first, Outcome(Verdict.SUCCESS), POLICY)
    assert (await state.snapshot(["a"])).of("a").in_flight == 1
    await state.settle(second, Outcome(Verdict.NEUTRAL), POLICY)
    assert (await state.snapshot(["a"])).of("a").in_flight == 0


async def test_latencies_are_moving_averages_of_successes(new_state: StateFactory) -> None:
    state = new_state()
    for latency, ttft in ((100.0, 10.0), (200.0, None), (1.0, 20.0)):
        ticket = await state.admit("a", POLICY)
        assert ticket is not None
        await state.settle(ticket, Outcome(Verdict.SUCCESS, latency_ms=latency, ttft_ms=ttft), POLICY)

    health = (await state.snapshot(["a"])).of("a")
    # alpha 0.3: 100, then 0.3 * 200 + 0.7 * 100 = 130, then 0.3 * 1 + 0.7 * 130 = 91.3.
    assert health.latency_ms == pytest.approx(91.3)
    assert health.ttft_ms == pytest.approx(0.3 * 20 + 0.7 * 10)


async def test_the_circuit_cycles_through_open_and_half_open(
    new_state: StateFactory, clock: FakeClock
) -> None:
    state = new_state()
    for _ in range(2):
        ticket = await state.admit("a", POLICY)
        assert ticket is not None
        assert not ticket.probe
        await state.settle(ticket, Outcome(Verdict.FAILURE), POLICY)

    assert (await state.snapshot(["a"])).of("a").circuit(clock.now) is Circuit.OPEN
    assert await state.admit("a", POLICY) is None
    forced = await state.admit("a", POLICY, force=True)
    assert forced is not None
    assert not forced.probe
    await state.settle(forced, Outcome(Verdict.NEUTRAL), POLICY)

    clock.advance(30.0)
    probe = await state.admit("a", POLICY)
    assert probe is not None
    assert probe.probe
    assert await state.admit("a", POLICY) is None
    await state.settle(probe, Outcome(Verdict.SUCCESS), POLICY)
    health = (await state.snapshot(["a"])).of("a")
    assert (health.circuit(clock.now), health.consecutive_failures, health.probes) == (Circuit.CLOSED, 0, 0)


async def test_each_route_has_its_own_round_robin_turn(new_state: StateFactory) -> None:
    state = new_state()
    turns = [(await state.snapshot([], turn_key=key)).turn for key in ("x", "x", "y", "x")]
    assert turns == [1, 2, 1, 3]
    assert (await state.snapshot([])).turn == 0


def test_alpha_must_be_a_fraction() -> None:
    with pytest.raises(ValueError, match="alpha"):
        MemoryHealthState(alpha=0)


# --- Redis, shared by two API servers ---------------------------------------------------------


@only_redis
async def test_two_servers_share_circuit_latency_and_load(
    new_state: StateFactory, new_router: RouterFactory, clock: FakeClock
) -> None:
    one, two = new_router(state=new_state(), breaker=POLICY), new_router(state=new_state(), breaker=POLICY)
    broken, spare = FakeDeployment("a", failing=failure(FailureKind.UNAVAILABLE)), FakeDeployment("b")
    chain = [candidate(broken), candidate(spare, priority=1)]

    # One failure on each server opens the circuit for both.
    await one.call("chat", chain, Strategy.FALLBACK, invoke)
    await two.call("chat", chain, Strategy.FALLBACK, invoke)
    await one.call("chat", chain, Strategy.FALLBACK, invoke)
    await two.call("chat", chain, Strategy.FALLBACK, invoke)
    assert broken.calls == 2

    # Half-open: the first server's probe holds the only slot.
    clock.advance(30.0)
    server_one, server_two = new_state(), new_state()
    probe = await server_one.admit("a", POLICY)
    assert probe is not None
    assert probe.probe
    assert await server_two.admit("a", POLICY) is None
    assert (await server_two.snapshot(["a"])).of("a").probes == 1

    # A success measured by one server closes the circuit and shows in the other's averages.
    await server_one.settle(probe, Outcome(Verdict.SUCCESS, latency_ms=40.0), POLICY)
    health = (await server_two.snapshot(["a"])).of("a")
    assert health.circuit(clock.now) is Circuit.CLOSED
    assert health.latency_ms == pytest.approx(40.0)

    held = await server_one.admit("b", POLICY)
    assert held is not None
    assert (await server_two.snapshot(["b"])).of("b").in_flight == 1
    assert (await server_two.admit("b", POLICY)) is not None


async def test_calls_of_a_crashed_server_stop_counting_when_their_lease_ends(
    redis_url: str, clock: FakeClock
) -> None:
    client = Redis.from_url(redis_url)
    prefix = f"athanor-test-routing-{uuid.uuid4().hex}"
    try:
        state = RedisHealthState(client, prefix=prefix, lease_seconds=60.0, ttl_seconds=120, clock=clock)
        for _ in range(2):
            ticket = await state.admit("a", POLICY)
            assert ticket is not None
            await state.settle(ticket, Outcome(Verdict.FAILURE), POLICY)
        clock.advance(30.0)
        # A call and a probe that are never settled: their server died.
        assert await state.admit("a", POLICY) is not None
        assert (await state.snapshot(["a"])).of("a").in_flight == 1
        assert await state.admit("a", POLICY) is None

        clock.advance(60.0)
        assert (await state.snapshot(["a"])).of("a").in_flight == 0
        reclaimed = await state.admit("a", POLICY)
        assert reclaimed is not None
        assert reclaimed.probe
        assert 0 < await client.ttl(f"{prefix}:{{a}}:health") <= 120
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()
