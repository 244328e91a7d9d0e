"""Fakes for the routing tests: a clock that moves only when told, a sleep that moves it,
scripted deployments, and health states on memory and on Redis."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from athanor.providers.types import FailureKind, ProviderError
from athanor.routing.policy import BreakerPolicy, RetryPolicy
from athanor.routing.service import Router
from athanor.routing.state import HealthState, MemoryHealthState, RedisHealthState
from athanor.routing.types import Candidate

StateFactory = Callable[[], HealthState]


class FakeClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeSleep:
    """Records each delay and moves the clock by it instead of waiting."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.clock.advance(seconds)
        await asyncio.sleep(0)


def failure(kind: FailureKind, retry_after: float | None = None) -> ProviderError:
    return ProviderError(kind, f"{kind.value} from the fake", retry_after=retry_after)


class Gate:
    """Holds the calls that reach it until opened; the test can wait for each arrival."""

    def __init__(self) -> None:
        self._arrivals: asyncio.Queue[None] = asyncio.Queue()
        self._opened = asyncio.Event()

    async def enter(self) -> None:
        self._arrivals.put_nowait(None)
        await self._opened.wait()

    async def arrival(self) -> None:
        await self._arrivals.get()

    def open(self) -> None:
        self._opened.set()


class FakeDeployment:
    """Answers its name, or raises the next scripted error, or `failing` once the script
    is done. `latency` moves the fake clock during each call; a `gate` holds calls."""

    def __init__(
        self,
        name: str,
        *script: ProviderError,
        failing: ProviderError | None = None,
        clock: FakeClock | None = None,
        latency: float = 0.0,
    ) -> None:
        self.name = name
        self.script = list(script)
        self.failing = failing
        self.clock = clock
        self.latency = latency
        self.gate: Gate | None = None
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.gate is not None:
            await self.gate.enter()
        if self.clock is not None:
            self.clock.advance(self.latency)
        if self.script:
            raise self.script.pop(0)
        if self.failing is not None:
            raise self.failing
        return self.name


def candidate(deployment: FakeDeployment, **options: Any) -> Candidate:
    return Candidate(deployment.name, target=deployment, **options)


async def invoke(chosen: Candidate) -> str:
    deployment: FakeDeployment = chosen.target
    return await deployment()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleep(clock: FakeClock) -> FakeSleep:
    return FakeSleep(clock)


@pytest.fixture(params=["memory", "redis"])
def state_url(request: pytest.FixtureRequest) -> str | None:
    """None for memory, else the Redis URL (resolved outside the event loop)."""
    if request.param == "memory":
        return None
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.fixture
async def new_state(state_url: str | None, clock: FakeClock) -> AsyncIterator[StateFactory]:
    """Builds health states on the backend under test, on the fake clock. Redis ones are
    separate API servers: each has its own connection, all share this test's prefix,
    whose keys are deleted afterwards."""
    if state_url is None:
        yield lambda: MemoryHealthState(clock=clock)
        return
    redis_url = state_url
    prefix = f"athanor-test-routing-{uuid.uuid4().hex}"
    clients: list[Redis] = []

    def build() -> HealthState:
        clients.append(Redis.from_url(redis_url))
        return RedisHealthState(clients[-1], prefix=prefix, clock=clock)

    yield build
    cleaner = Redis.from_url(redis_url)
    try:
        keys = [key async for key in cleaner.scan_iter(match=f"{prefix}:*")]
        if keys:
            await cleaner.delete(*keys)
    finally:
        await cleaner.aclose()
        for client in clients:
            await client.aclose()


RouterFactory = Callable[..., Router]


@pytest.fixture
def new_router(new_state: StateFactory, clock: FakeClock, sleep: FakeSleep) -> RouterFactory:
    """A router on a new health state, the fake clock and sleep, and a seeded RNG;
    keyword arguments override the policies or pass a shared state."""

    def build(
        *,
        state: HealthState | None = None,
        retry: RetryPolicy | None = None,
        breaker: BreakerPolicy | None = None,
        **options: Any,
    ) -> Router:
        options.setdefault("rng", random.Random(7))
        return Router(
            state or new_state(),
            retry=retry or RetryPolicy(max_attempts_per_deployment=1),
            breaker=breaker or BreakerPolicy(),
            sleep=sleep,
            clock=clock,
            **options,
        )

    return build
