"""Routed streams: fallback only before the first chunk, chunks passed on as they come,
time to first token and total latency recorded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from athanor.providers.types import ChatDelta, FailureKind, FinishReason, ProviderError, Usage
from athanor.routing.errors import AllDeploymentsFailed
from athanor.routing.metrics import MetricsRecorder, percentile
from athanor.routing.types import Candidate, Strategy
from tests.routing.conftest import FakeClock, RouterFactory, StateFactory, failure

USAGE = Usage(prompt_tokens=10, completion_tokens=2)


class FakeStream:
    """Streams `chunks`, failing with `error` after `fail_after` of them. The clock moves
    by `ttft` before the first chunk and by `rest` before the last; `gate`, when set to an
    unset event, holds the stream after its first chunk."""

    def __init__(
        self,
        name: str,
        chunks: tuple[str, ...] = ("Hel", "lo"),
        *,
        error: ProviderError | None = None,
        fail_after: int = 0,
        clock: FakeClock | None = None,
        ttft: float = 0.0,
        rest: float = 0.0,
    ) -> None:
        self.name = name
        self.chunks = chunks
        self.error = error
        self.fail_after = fail_after
        self.clock = clock
        self.ttft, self.rest = ttft, rest
        self.gate: asyncio.Event | None = None
        self.opened = 0
        self.closed = 0

    async def stream(self) -> AsyncIterator[ChatDelta]:
        self.opened += 1
        try:
            for index, text in enumerate(self.chunks):
                if self.error is not None and index == self.fail_after:
                    raise self.error
                last = index == len(self.chunks) - 1
                if self.clock is not None:
                    self.clock.advance(self.rest if last else self.ttft if index == 0 else 0.0)
                if index == 1 and self.gate is not None:
                    await self.gate.wait()
                yield ChatDelta(
                    content=text,
                    finish_reason=FinishReason.STOP if last else None,
                    usage=USAGE if last else None,
                )
        finally:
            self.closed += 1


def open_stream(chosen: Candidate) -> AsyncIterator[ChatDelta]:
    fake: FakeStream = chosen.target
    return fake.stream()


def chain(*fakes: FakeStream) -> list[Candidate]:
    return [Candidate(fake.name, priority=index, target=fake) for index, fake in enumerate(fakes)]


async def collect(stream: AsyncIterator[ChatDelta]) -> list[str]:
    received: list[str] = []
    await read_into(received, stream)
    return received


async def read_into(received: list[str], stream: AsyncIterator[ChatDelta]) -> None:
    """Keeps what arrived before an error."""
    async for chunk in stream:
        received.append(chunk.content)


async def test_a_stream_falls_back_until_its_first_chunk(new_router: RouterFactory) -> None:
    broken = FakeStream("a", error=failure(FailureKind.UNAVAILABLE))
    empty = FakeStream("b", chunks=())
    working = FakeStream("c")
    stream = new_router().stream("chat", chain(broken, empty, working), Strategy.FALLBACK, open_stream)
    assert stream.candidate is None

    assert await collect(stream) == ["Hel", "lo"]

    assert stream.candidate is not None
    assert stream.candidate.deployment_id == "c"
    assert [(a.deployment_id, a.failure) for a in stream.attempts] == [
        ("a", FailureKind.UNAVAILABLE),
        ("b", FailureKind.INVALID_RESPONSE),
        ("c", None),
    ]
    # Every upstream stream was closed, failed or not.
    assert (broken.closed, empty.closed, working.closed) == (1, 1, 1)


async def test_after_the_first_chunk_an_error_propagates_without_fallback(new_router: RouterFactory) -> None:
    cut = FakeStream("a", chunks=("Hel", "lo", "!"), error=failure(FailureKind.UNAVAILABLE), fail_after=1)
    spare = FakeStream("b")
    stream = new_router().stream("chat", chain(cut, spare), Strategy.FALLBACK, open_stream)

    received: list[str] = []
    with pytest.raises(ProviderError) as raised:
        await read_into(received, stream)

    assert raised.value.kind is FailureKind.UNAVAILABLE
    assert received == ["Hel"]
    assert spare.opened == 0
    assert [(a.deployment_id, a.failure) for a in stream.attempts] == [("a", FailureKind.UNAVAILABLE)]


async def test_when_no_stream_starts_all_deployments_failed_is_raised(new_router: RouterFactory) -> None:
    broken = FakeStream("a", error=failure(FailureKind.TIMEOUT))

    with pytest.raises(AllDeploymentsFailed) as raised:
        await collect(new_router().stream("chat", chain(broken), Strategy.FALLBACK, open_stream))

    assert raised.value.last_error is broken.error


async def test_time_to_first_token_and_latency_are_recorded(
    new_router: RouterFactory, new_state: StateFactory, clock: FakeClock
) -> None:
    state, metrics = new_state(), MetricsRecorder(clock=clock)
    timed = FakeStream("a", clock=clock, ttft=0.2, rest=0.3)
    stream = new_router(state=state, metrics=metrics).stream(
        "chat", chain(timed), Strategy.FALLBACK, open_stream
    )

    await collect(stream)

    health = (await state.snapshot(["a"])).of("a")
    assert health.ttft_ms == pytest.approx(200.0)
    assert health.latency_ms == pytest.approx(500.0)
    assert health.in_flight == 0
    assert stream.attempts[0].duration_ms == pytest.approx(500.0)
    [bucket] = metrics.drain(include_current=True)
    assert percentile(bucket.ttft_ms, 0.5) == pytest.approx(200.0, rel=0.2)
    assert percentile(bucket.latency_ms, 0.5) == pytest.approx(500.0, rel=0.2)
    assert (bucket.prompt_tokens, bucket.completion_tokens) == (10, 2)


async def test_the_first_chunk_is_passed_on_before_the_stream_ends(new_router: RouterFactory) -> None:
    held = FakeStream("a")
    held.gate = asyncio.Event()
    stream = new_router().stream("chat", chain(held), Strategy.FALLBACK, open_stream)

    first = await asyncio.wait_for(anext(stream), timeout=1.0)

    assert first.content == "Hel"
    assert not stream.attempts
    held.gate.set()
    assert await collect(stream) == ["lo"]
    assert [a.deployment_id for a in stream.attempts] == ["a"]


async def test_a_reader_that_stops_early_frees_the_call_without_blaming_the_deployment(
    new_router: RouterFactory, new_state: StateFactory
) -> None:
    state = new_state()
    held = FakeStream("a")
    held.gate = asyncio.Event()
    stream = new_router(state=state).stream("chat", chain(held), Strategy.FALLBACK, open_stream)
    await anext(stream)
    assert (await state.snapshot(["a"])).of("a").in_flight == 1

    await stream.aclose()

    health = (await state.snapshot(["a"])).of("a")
    assert (health.in_flight, health.consecutive_failures, health.latency_ms) == (0, 0, None)
    assert held.closed == 1
