"""Calls one deployment of a route: in strategy order, with retries, fallback and circuit
breakers, recording health and metrics for every call made."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from athanor.providers.types import ChatDelta, FailureKind, ProviderError, Usage
from athanor.routing.errors import AllDeploymentsFailed
from athanor.routing.metrics import MetricsRecorder
from athanor.routing.policy import BreakerPolicy, RetryPolicy, verdict
from athanor.routing.state import HealthState, Outcome, Ticket
from athanor.routing.strategies import plan
from athanor.routing.types import Attempt, Candidate, Routed, Strategy, Verdict

T = TypeVar("T")
R = TypeVar("R")

Sleep = Callable[[float], Awaitable[Any]]
OpenStream = Callable[[Candidate], AsyncIterator[ChatDelta]]


@dataclass(frozen=True, slots=True)
class _Call(Generic[R]):
    """An admitted call that has answered (a result, or a stream's first chunk)."""

    candidate: Candidate
    ticket: Ticket
    started: float
    value: R


class Router:
    """Picks and calls deployments. Retryable errors (rate limited, unavailable, timeout)
    are retried on the same deployment with backoff, then the next one is tried; an
    authentication or invalid-response error moves on at once; a bad request is raised
    at once, since no other deployment would accept it either."""

    def __init__(
        self,
        state: HealthState,
        *,
        retry: RetryPolicy = RetryPolicy(),
        breaker: BreakerPolicy = BreakerPolicy(),
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        metrics: MetricsRecorder | None = None,
    ) -> None:
        self._state = state
        self._retry = retry
        self._breaker = breaker
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - spreads load, guards no secret
        self._metrics = metrics

    async def call(
        self,
        route_key: str,
        candidates: Sequence[Candidate],
        strategy: Strategy,
        fn: Callable[[Candidate], Awaitable[T]],
    ) -> Routed[T]:
        """`fn(candidate)` on the first deployment that answers. Raises the ProviderError
        of a bad request, or AllDeploymentsFailed."""
        attempts: list[Attempt] = []
        answered = await self._first_answer(route_key, candidates, strategy, fn, attempts, streaming=False)
        attempts.append(await self._finish(answered, usage=_usage_of(answered.value)))
        return Routed(answered.value, answered.candidate, tuple(attempts))

    def stream(
        self,
        route_key: str,
        candidates: Sequence[Candidate],
        strategy: Strategy,
        open_stream: OpenStream,
    ) -> RoutedStream:
        """The chunks of the first deployment whose stream yields one. Falls back only
        until that first chunk: after it, an error propagates (never two half answers)."""
        return RoutedStream(self, route_key, candidates, strategy, open_stream)

    async def _first_answer(
        self,
        route_key: str,
        candidates: Sequence[Candidate],
        strategy: Strategy,
        begin: Callable[[Candidate], Awaitable[R]],
        attempts: list[Attempt],
        *,
        streaming: bool,
    ) -> _Call[R]:
        """Tries deployments until `begin` answers; the answered call is still admitted
        (in flight) and its caller finishes it. Failed calls are appended to `attempts`."""
        snapshot = await self._state.snapshot(
            [c.deployment_id for c in candidates],
            turn_key=route_key if strategy is Strategy.ROUND_ROBIN else None,
        )
        chosen = plan(strategy, candidates, snapshot, self._breaker, self._rng, streaming=streaming)
        # A last-resort call goes to a deployment known to be failing: once is enough.
        tries = 1 if chosen.last_resort else self._retry.max_attempts_per_deployment
        last_error: ProviderError | None = None
        admitted_any = False
        for index, candidate in enumerate(chosen.candidates):
            for attempt in range(1, tries + 1):
                # Never fail without a call (see `plan`): the last candidate is called even
                # if its circuit opened since the snapshot, when no other one was.
                force = not admitted_any and index == len(chosen.candidates) - 1
                ticket = await self._state.admit(candidate.deployment_id, self._breaker, force=force)
                if ticket is None:  # its circuit opened since the snapshot
                    break
                admitted_any = True
                started = self._clock()
                try:
                    value = await begin(candidate)
                except ProviderError as error:
                    attempts.append(await self._finish(_Call(candidate, ticket, started, None), error=error))
                    if error.kind is FailureKind.BAD_REQUEST:
                        raise
                    last_error = error
                    if not error.retryable or attempt == tries:
                        break
                    await self._sleep(self._retry.delay(attempt, error, self._rng))
                except BaseException:
                    # Cancelled, or a bug: free the slot and let it through untouched.
                    await self._finish(_Call(candidate, ticket, started, None), abandoned=True)
                    raise
                else:
                    return _Call(candidate, ticket, started, value)
        # At least one call was made, and each one that did not answer raised an error.
        assert last_error is not None
        raise AllDeploymentsFailed(attempts, last_error) from last_error

    def _elapsed_ms(self, call: _Call[Any]) -> float:
        return (self._clock() - call.started) * 1000

    async def _finish(
        self,
        call: _Call[Any],
        *,
        error: ProviderError | None = None,
        ttft_ms: float | None = None,
        usage: Usage | None = None,
        abandoned: bool = False,
    ) -> Attempt:
        """End an admitted call: settle its health, record its metrics, describe it. An
        abandoned call (cancelled, or the reader stopped) says nothing about health."""
        duration_ms = self._elapsed_ms(call)
        failure = None if error is None else error.kind
        # Only completed successes feed latency: fast failures would make a broken
        # deployment look fast.
        latency_ms = duration_ms if error is None and not abandoned else None
        outcome = Outcome(
            verdict=Verdict.NEUTRAL if abandoned else verdict(failure),
            latency_ms=latency_ms,
            ttft_ms=ttft_ms,
            cooldown_seconds=0.0 if error is None else self._breaker.cooldown(error),
        )
        await self._state.settle(call.ticket, outcome, self._breaker)
        deployment_id = call.candidate.deployment_id
        if self._metrics is not None:
            self._metrics.record(
                deployment_id,
                ok=error is None,
                latency_ms=latency_ms,
                ttft_ms=ttft_ms,
                usage=usage,
                cost=0 if usage is None else call.candidate.cost_of(usage),
                error_kind=failure,
                in_flight=call.ticket.in_flight,
            )
        return Attempt(deployment_id, failure, duration_ms, None if error is None else str(error))


class RoutedStream:
    """A routed stream of chat chunks. Nothing is called until it is iterated; then
    `candidate` is the deployment answering and `attempts` lists the calls made (the
    answering one is added when its stream ends). Each chunk is passed on as it arrives."""

    def __init__(
        self,
        router: Router,
        route_key: str,
        candidates: Sequence[Candidate],
        strategy: Strategy,
        open_stream: OpenStream,
    ) -> None:
        self.candidate: Candidate | None = None
        self._attempts: list[Attempt] = []
        self._chunks = self._relay(router, route_key, candidates, strategy, open_stream)

    @property
    def attempts(self) -> tuple[Attempt, ...]:
        return tuple(self._attempts)

    def __aiter__(self) -> RoutedStream:
        return self

    async def __anext__(self) -> ChatDelta:
        return await anext(self._chunks)

    async def aclose(self) -> None:
        """Stop reading: the upstream stream is closed and the call counted as ended."""
        await self._chunks.aclose()

    async def _relay(
        self,
        router: Router,
        route_key: str,
        candidates: Sequence[Candidate],
        strategy: Strategy,
        open_stream: OpenStream,
    ) -> AsyncGenerator[ChatDelta, None]:
        async def first_chunk(candidate: Candidate) -> tuple[AsyncIterator[ChatDelta], ChatDelta]:
            upstream = open_stream(candidate)
            try:
                first = await anext(upstream, None)
            except BaseException:
                await _close(upstream)
                raise
            if first is None:
                raise ProviderError(FailureKind.INVALID_RESPONSE, "the stream ended before its first chunk")
            return upstream, first

        call = await router._first_answer(
            route_key, candidates, strategy, first_chunk, self._attempts, streaming=True
        )
        ttft_ms = router._elapsed_ms(call)
        upstream, first = call.value
        self.candidate = call.candidate
        # Providers send usage once, on any chunk (usually the last); keep what was seen.
        usage = first.usage
        try:
            yield first
            async for chunk in upstream:
                usage = chunk.usage or usage
                yield chunk
        except ProviderError as error:
            self._attempts.append(await router._finish(call, error=error, ttft_ms=ttft_ms, usage=usage))
            raise
        except BaseException:
            # GeneratorExit or cancellation: the reader went away mid-answer.
            self._attempts.append(await router._finish(call, ttft_ms=ttft_ms, usage=usage, abandoned=True))
            raise
        else:
            self._attempts.append(await router._finish(call, ttft_ms=ttft_ms, usage=usage))
        finally:
            await _close(upstream)


async def _close(stream: AsyncIterator[ChatDelta]) -> None:
    # Async generators hold a connection until closed; plain iterators have nothing to close.
    aclose = getattr(stream, "aclose", None)
    if aclose is not None:
        await aclose()


def _usage_of(value: object) -> Usage | None:
    # Chat and embedding responses carry their usage; other results are not metered here.
    usage = getattr(value, "usage", None)
    return usage if isinstance(usage, Usage) else None
