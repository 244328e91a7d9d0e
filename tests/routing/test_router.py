"""The router on both health backends: retries and backoff, fallback, what each failure
kind does, circuit breakers and cooldowns."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from athanor.providers.types import FailureKind, ProviderError
from athanor.routing.errors import AllDeploymentsFailed
from athanor.routing.policy import BreakerPolicy, RetryPolicy
from athanor.routing.state import HealthSnapshot, HealthState, Outcome, Ticket
from athanor.routing.types import Attempt, Strategy
from tests.routing.conftest import (
    FakeClock,
    FakeDeployment,
    FakeSleep,
    Gate,
    RouterFactory,
    StateFactory,
    candidate,
    failure,
    invoke,
)

UNAVAILABLE = failure(FailureKind.UNAVAILABLE)


def outcomes(attempts: tuple[Attempt, ...]) -> list[tuple[str, FailureKind | None]]:
    return [(attempt.deployment_id, attempt.failure) for attempt in attempts]


async def test_a_failing_deployment_is_retried_with_backoff_then_the_next_one_answers(
    new_router: RouterFactory, sleep: FakeSleep
) -> None:
    first, second = FakeDeployment("a", failing=UNAVAILABLE), FakeDeployment("b")
    router = new_router(
        retry=RetryPolicy(max_attempts_per_deployment=3, base_delay=1.0, max_delay=10.0, multiplier=2.0),
        breaker=BreakerPolicy(failure_threshold=10),
    )

    routed = await router.call(
        "chat", [candidate(first, priority=0), candidate(second, priority=1)], Strategy.FALLBACK, invoke
    )

    assert routed.value == "b"
    assert routed.candidate.deployment_id == "b"
    assert first.calls == 3
    assert outcomes(routed.attempts) == [
        ("a", FailureKind.UNAVAILABLE),
        ("a", FailureKind.UNAVAILABLE),
        ("a", FailureKind.UNAVAILABLE),
        ("b", None),
    ]
    assert routed.attempts[0].error == "unavailable from the fake"
    # Full jitter below 1 s then 2 s between the three tries, and no wait before falling back.
    assert len(sleep.delays) == 2
    assert 0 <= sleep.delays[0] <= 1.0
    assert 0 <= sleep.delays[1] <= 2.0


@pytest.mark.parametrize(("retry_after", "waited"), [(3.0, 3.0), (100.0, 10.0)])
async def test_retry_after_is_honoured_up_to_the_maximum_delay(
    new_router: RouterFactory, sleep: FakeSleep, retry_after: float, waited: float
) -> None:
    busy = FakeDeployment("a", failure(FailureKind.RATE_LIMITED, retry_after=retry_after))
    router = new_router(retry=RetryPolicy(max_attempts_per_deployment=2, max_delay=10.0))

    routed = await router.call("chat", [candidate(busy)], Strategy.FALLBACK, invoke)

    assert routed.value == "a"
    assert sleep.delays == [waited]


async def test_a_bad_request_stops_at_once(new_router: RouterFactory) -> None:
    wrong, other = FakeDeployment("a", failing=failure(FailureKind.BAD_REQUEST)), FakeDeployment("b")
    router = new_router(retry=RetryPolicy(max_attempts_per_deployment=3))

    with pytest.raises(ProviderError) as raised:
        await router.call("chat", [candidate(wrong), candidate(other, priority=1)], Strategy.FALLBACK, invoke)

    assert raised.value.kind is FailureKind.BAD_REQUEST
    assert (wrong.calls, other.calls) == (1, 0)


async def test_an_authentication_failure_moves_on_without_retrying(
    new_router: RouterFactory, sleep: FakeSleep
) -> None:
    locked, other = FakeDeployment("a", failing=failure(FailureKind.AUTHENTICATION)), FakeDeployment("b")
    router = new_router(retry=RetryPolicy(max_attempts_per_deployment=3))

    routed = await router.call(
        "chat", [candidate(locked), candidate(other, priority=1)], Strategy.FALLBACK, invoke
    )

    assert outcomes(routed.attempts) == [("a", FailureKind.AUTHENTICATION), ("b", None)]
    assert sleep.delays == []


async def test_when_every_deployment_fails_the_attempts_and_last_error_are_raised(
    new_router: RouterFactory,
) -> None:
    timeout = failure(FailureKind.TIMEOUT)
    first, second = FakeDeployment("a", failing=UNAVAILABLE), FakeDeployment("b", failing=timeout)
    router = new_router(retry=RetryPolicy(max_attempts_per_deployment=2, base_delay=0.1))

    with pytest.raises(AllDeploymentsFailed) as raised:
        await router.call(
            "chat", [candidate(first), candidate(second, priority=1)], Strategy.FALLBACK, invoke
        )

    assert [a.deployment_id for a in raised.value.attempts] == ["a", "a", "b", "b"]
    assert raised.value.last_error is timeout


# --- circuit breaker --------------------------------------------------------------------------

BREAKER = BreakerPolicy(failure_threshold=3, open_seconds=30.0, half_open_probes=1)


async def test_the_circuit_opens_after_consecutive_failures_and_closes_after_a_good_probe(
    new_router: RouterFactory, clock: FakeClock
) -> None:
    flaky, spare = FakeDeployment("a", UNAVAILABLE, UNAVAILABLE, UNAVAILABLE), FakeDeployment("b")
    router = new_router(breaker=BREAKER)
    chain = [candidate(flaky), candidate(spare, priority=1)]

    for _ in range(3):
        assert (await router.call("chat", chain, Strategy.FALLBACK, invoke)).value == "b"
    assert flaky.calls == 3

    # Open: the deployment is not called at all.
    routed = await router.call("chat", chain, Strategy.FALLBACK, invoke)
    assert flaky.calls == 3
    assert outcomes(routed.attempts) == [("b", None)]

    # Half-open after open_seconds: one probe goes through, succeeds and closes the circuit.
    clock.advance(30.0)
    assert (await router.call("chat", chain, Strategy.FALLBACK, invoke)).value == "a"
    assert (await router.call("chat", chain, Strategy.FALLBACK, invoke)).value == "a"
    assert flaky.calls == 5


async def test_a_failed_probe_opens_the_circuit_again(new_router: RouterFactory, clock: FakeClock) -> None:
    broken, spare = FakeDeployment("a", failing=UNAVAILABLE), FakeDeployment("b")
    router = new_router(breaker=BREAKER)
    chain = [candidate(broken), candidate(spare, priority=1)]
    for _ in range(3):
        await router.call("chat", chain, Strategy.FALLBACK, invoke)

    clock.advance(30.0)
    probe = await router.call("chat", chain, Strategy.FALLBACK, invoke)
    assert outcomes(probe.attempts) == [("a", FailureKind.UNAVAILABLE), ("b", None)]

    # One failed probe is enough to reopen it for another open_seconds.
    clock.advance(29.0)
    await router.call("chat", chain, Strategy.FALLBACK, invoke)
    assert broken.calls == 4
    clock.advance(1.0)
    await router.call("chat", chain, Strategy.FALLBACK, invoke)
    assert broken.calls == 5


async def test_half_open_lets_only_its_probes_through_at_once(
    new_router: RouterFactory, clock: FakeClock
) -> None:
    recovering, spare = FakeDeployment("a", UNAVAILABLE, UNAVAILABLE, UNAVAILABLE), FakeDeployment("b")
    router = new_router(breaker=BREAKER)
    chain = [candidate(recovering), candidate(spare, priority=1)]
    for _ in range(3):
        await router.call("chat", chain, Strategy.FALLBACK, invoke)
    clock.advance(30.0)

    recovering.gate = Gate()
    probe = asyncio.create_task(router.call("chat", chain, Strategy.FALLBACK, invoke))
    await recovering.gate.arrival()
    # The only probe slot is taken: a concurrent request goes to the spare.
    assert (await router.call("chat", chain, Strategy.FALLBACK, invoke)).value == "b"
    recovering.gate.open()
    assert (await probe).value == "a"
    assert recovering.calls == 4


async def test_when_every_circuit_is_open_the_one_reopening_first_is_tried_once(
    new_router: RouterFactory, clock: FakeClock
) -> None:
    first, second = FakeDeployment("a", failing=UNAVAILABLE), FakeDeployment("b", failing=UNAVAILABLE)
    router = new_router(retry=RetryPolicy(max_attempts_per_deployment=3, base_delay=0.0), breaker=BREAKER)
    with pytest.raises(AllDeploymentsFailed):
        await router.call("chat", [candidate(first)], Strategy.FALLBACK, invoke)
    clock.advance(5.0)
    with pytest.raises(AllDeploymentsFailed):
        await router.call("chat", [candidate(second)], Strategy.FALLBACK, invoke)

    # Both are open; "a" half-opens 5 s earlier, so it is the one tried, once.
    second.failing = None
    first.failing = None
    routed = await router.call("chat", [candidate(second), candidate(first)], Strategy.FALLBACK, invoke)
    assert outcomes(routed.attempts) == [("a", None)]
    assert (first.calls, second.calls) == (4, 3)


# --- cooldown ---------------------------------------------------------------------------------


async def test_a_rate_limited_deployment_cools_down(new_router: RouterFactory, clock: FakeClock) -> None:
    limited = FakeDeployment("a", failure(FailureKind.RATE_LIMITED), failure(FailureKind.RATE_LIMITED))
    spare = FakeDeployment("b")
    router = new_router(
        retry=RetryPolicy(max_attempts_per_deployment=2, base_delay=0.0),
        breaker=BreakerPolicy(cooldown_seconds=5.0),
    )
    chain = [candidate(limited), candidate(spare, priority=1)]

    # Retried once, then the next deployment; a 429 does not count towards the circuit.
    routed = await router.call("chat", chain, Strategy.FALLBACK, invoke)
    assert outcomes(routed.attempts) == [
        ("a", FailureKind.RATE_LIMITED),
        ("a", FailureKind.RATE_LIMITED),
        ("b", None),
    ]

    clock.advance(4.0)
    assert (await router.call("chat", chain, Strategy.FALLBACK, invoke)).value == "b"
    assert limited.calls == 2
    clock.advance(1.0)
    assert (await router.call("chat", chain, Strategy.FALLBACK, invoke)).value == "a"


async def test_a_cooldown_lasts_as_long_as_retry_after_asks_up_to_its_maximum(
    new_router: RouterFactory, clock: FakeClock
) -> None:
    limited = FakeDeployment("a", failure(FailureKind.RATE_LIMITED, retry_after=500.0))
    spare = FakeDeployment("b")
    router = new_router(breaker=BreakerPolicy(cooldown_seconds=5.0, max_cooldown_seconds=60.0))
    chain = [candidate(limited), candidate(spare, priority=1)]
    await router.call("chat", chain, Strategy.FALLBACK, invoke)

    clock.advance(59.0)
    assert (await router.call("chat", chain, Strategy.FALLBACK, invoke)).value == "b"
    clock.advance(1.0)
    assert (await router.call("chat", chain, Strategy.FALLBACK, invoke)).value == "a"


async def test_a_cancelled_call_frees_its_slot(new_router: RouterFactory, new_state: StateFactory) -> None:
    slow = FakeDeployment("a")
    slow.gate = Gate()
    state = new_state()
    router = new_router(state=state)
    task = asyncio.create_task(router.call("chat", [candidate(slow)], Strategy.FALLBACK, invoke))
    await slow.gate.arrival()
    assert (await state.snapshot(["a"])).of("a").in_flight == 1

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    health = (await state.snapshot(["a"])).of("a")
    assert (health.in_flight, health.consecutive_failures) == (0, 0)


class StaleHealth:
    """Reads every deployment as healthy, like a server whose read came just before
    another server opened a circuit; admissions and outcomes go to the real state."""

    def __init__(self, state: HealthState, clock: FakeClock) -> None:
        self.state, self.clock = state, clock

    async def snapshot(self, deployment_ids: Sequence[str], *, turn_key: str | None = None) -> HealthSnapshot:
        return HealthSnapshot(self.clock.now, {})

    async def admit(self, deployment_id: str, policy: BreakerPolicy, *, force: bool = False) -> Ticket | None:
        return await self.state.admit(deployment_id, policy, force=force)

    async def settle(self, ticket: Ticket, outcome: Outcome, policy: BreakerPolicy) -> None:
        await self.state.settle(ticket, outcome, policy)


async def test_a_request_whose_circuits_all_opened_meanwhile_still_makes_one_call(
    new_router: RouterFactory, new_state: StateFactory, clock: FakeClock
) -> None:
    first, second = FakeDeployment("a", failing=UNAVAILABLE), FakeDeployment("b", failing=UNAVAILABLE)
    state = new_state()
    opener = new_router(state=state, breaker=BreakerPolicy(failure_threshold=1))
    chain = [candidate(first), candidate(second, priority=1)]
    with pytest.raises(AllDeploymentsFailed):
        await opener.call("chat", chain, Strategy.FALLBACK, invoke)
    first.failing = second.failing = None

    late = new_router(
        state=StaleHealth(state, clock),
        retry=RetryPolicy(max_attempts_per_deployment=3),
        breaker=BreakerPolicy(failure_threshold=1),
    )
    routed = await late.call("chat", chain, Strategy.FALLBACK, invoke)

    # "a" refuses admission; "b", the last one, is called although its circuit is open.
    assert outcomes(routed.attempts) == [("b", None)]
    assert (first.calls, second.calls) == (1, 2)
