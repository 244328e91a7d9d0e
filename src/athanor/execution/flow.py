"""The core flow of every AI call, from the gateway, an engine run or the playground:

entitlements -> wallet hold -> (commit) -> routed provider call -> settle + execution record.

Two short transactions around the provider call, none held open during it: the hold and
the running execution commit first (so concurrency limits and the wallet see them), then
settlement and the final record commit together.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.audit.service import Actor
from athanor.core.errors import AppError, RateLimited
from athanor.core.ratelimit import LimitRule
from athanor.db.base import new_id
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.engines import service as engines
from athanor.engines.models import Engine, EngineVersion, Execution, ExecutionSource, ExecutionStatus
from athanor.engines.templates import validate_against
from athanor.execution import metering
from athanor.execution.estimate import estimate_prompt_tokens, estimate_text_tokens
from athanor.execution.exceptions import ExecutionInProgress, OutputInvalid, upstream_error
from athanor.execution.planning import Plan, Target, model_by_slug, plan_for
from athanor.levels import entitlements
from athanor.levels.entitlements import Entitlement, LevelRateLimited
from athanor.providers.types import (
    ChatDelta,
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    FinishReason,
    ProviderError,
    Usage,
)
from athanor.routing.errors import AllDeploymentsFailed
from athanor.routing.types import Attempt, Candidate, Strategy
from athanor.runtime import Runtime
from athanor.wallet import posting
from athanor.wallet import service as wallet
from athanor.wallet.batch import NewHold, Settlement
from athanor.wallet.exceptions import IdempotencyKeyReused
from athanor.wallet.models import AccountKind


@dataclass(frozen=True, slots=True)
class Caller:
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    actor: Actor
    api_key_id: uuid.UUID | None = None

    @property
    def scope(self) -> DbScope:
        return DbScope.for_tenant(self.tenant_id, self.user_id)


@dataclass(frozen=True, slots=True)
class CallSpec:
    """One call to make. `request.model` is filled per deployment."""

    request: ChatRequest
    model_slug: str
    source: ExecutionSource
    stream: bool = False
    engine: Engine | None = None
    version: EngineVersion | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None
    request_hash: str | None = None
    # Embeddings have no output to budget: the hold covers the inputs only.
    embedding: bool = False


@dataclass(frozen=True, slots=True)
class Prepared:
    caller: Caller
    spec: CallSpec
    plan: Plan
    execution_id: uuid.UUID
    hold_id: uuid.UUID
    holder_id: uuid.UUID
    consumption_id: uuid.UUID
    request: ChatRequest
    overdraft: int
    started: float
    # The running execution's row, as recorded.
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Finished:
    execution: Execution
    response: ChatResponse | None
    # The caller's tokens still available after this call.
    balance: int


async def replay(session: AsyncSession, spec: CallSpec) -> Execution | None:
    """The finished execution a repeated idempotency key refers to, if any."""
    if spec.idempotency_key is None:
        return None
    done = await session.scalar(select(Execution).where(Execution.idempotency_key == spec.idempotency_key))
    if done is None:
        return None
    if done.request_hash != spec.request_hash:
        raise IdempotencyKeyReused()
    if done.status is ExecutionStatus.RUNNING:
        raise ExecutionInProgress()
    return done


async def _enforce_level_rate(runtime: Runtime, entitlement: Entitlement, caller: Caller) -> None:
    rate = entitlement.restrictions.rate_limit
    if rate is None or entitlement.level is None:
        return
    try:
        await runtime.limiter.enforce([LimitRule("level", f"{entitlement.level.id}:{caller.user_id}", rate)])
    except RateLimited as refused:
        raise LevelRateLimited(params={"limit": rate, **refused.params}, headers=refused.headers) from None


async def _entitlement(session: AsyncSession, runtime: Runtime, caller: Caller) -> Entitlement:
    key = (caller.tenant_id, caller.user_id)
    found = runtime.ai.entitlements.get(key)
    if found is None:
        found = await entitlements.entitlement_of(session, caller.user_id)
        runtime.ai.entitlements.put(key, found)
    return found


async def _plan(
    session: AsyncSession, runtime: Runtime, caller: Caller, model_slug: str, strategy: Strategy | None
) -> Plan:
    key = (caller.tenant_id, model_slug, strategy)
    found = runtime.ai.plans.get(key)
    if found is None:
        model = await model_by_slug(session, model_slug)
        found = await plan_for(session, tenant_id=caller.tenant_id, model=model, strategy=strategy)
        runtime.ai.plans.put(key, found)
    return found


async def prepare(session: AsyncSession, runtime: Runtime, caller: Caller, spec: CallSpec) -> Prepared:
    """Check the level, hold the estimated tokens and record the running execution, then
    commit, so the hold counts before the provider is called."""
    entitlement = await _entitlement(session, runtime, caller)
    engine_slug = spec.engine.slug if spec.engine else None
    entitlements.check_call(
        entitlement, engine_slug=engine_slug, model_slug=spec.model_slug, max_tokens=spec.request.max_tokens
    )
    if spec.engine is not None:
        level_id = entitlement.level.id if entitlement.level else None
        await engines.check_assigned(session, engine=spec.engine, user_id=caller.user_id, level_id=level_id)
    await entitlements.check_usage(session, entitlement, caller.user_id)
    await _enforce_level_rate(runtime, entitlement, caller)

    strategy = (
        Strategy(spec.version.routing_strategy) if spec.version and spec.version.routing_strategy else None
    )
    plan = await _plan(session, runtime, caller, spec.model_slug, strategy)
    budget = (
        0
        if spec.embedding
        else entitlements.output_budget(entitlement, spec.request.max_tokens, plan.model.max_output_tokens)
    )
    request = replace(spec.request, max_tokens=budget)
    estimate = estimate_prompt_tokens(request.messages) + budget

    holder_id = await _account_id(session, runtime, caller, AccountKind.USER, caller.user_id)
    consumption_id = await _account_id(session, runtime, caller, AccountKind.CONSUMPTION)
    # Reads are done; on SQLite an open transaction would keep the batch writer waiting.
    await session.commit()

    execution_id, now = new_id(), utcnow()
    record = {
        "id": execution_id,
        "tenant_id": caller.tenant_id,
        "user_id": caller.user_id,
        "api_key_id": caller.api_key_id,
        "engine_id": spec.engine.id if spec.engine else None,
        "engine_version_id": spec.version.id if spec.version else None,
        "model_slug": plan.model.slug,
        "source": spec.source,
        "status": ExecutionStatus.RUNNING,
        "stream": spec.stream,
        "inputs": spec.inputs,
        "idempotency_key": spec.idempotency_key,
        "request_hash": spec.request_hash,
        "created_at": now,
        "updated_at": now,
    }
    hold_id = new_id()
    await runtime.metering.start(
        caller.tenant_id,
        metering.Start(
            hold=NewHold(
                hold_id=hold_id,
                account_id=holder_id,
                amount=estimate,
                overdraft=entitlement.overdraft,
                idempotency_key=f"execution:{execution_id}",
                reference_id=execution_id,
            ),
            execution=record,
        ),
    )
    return Prepared(
        caller=caller,
        spec=spec,
        plan=plan,
        execution_id=execution_id,
        hold_id=hold_id,
        holder_id=holder_id,
        consumption_id=consumption_id,
        request=request,
        overdraft=entitlement.overdraft,
        started=time.perf_counter(),
        record=record,
    )


async def _account_id(
    session: AsyncSession,
    runtime: Runtime,
    caller: Caller,
    kind: AccountKind,
    user_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """The wallet account's id, opening the account on first use."""
    key = (caller.tenant_id, kind, user_id)
    found = runtime.ai.accounts.get(key)
    if found is None:
        found = (await wallet.account(session, kind, user_id)).id
        runtime.ai.accounts.put(key, found)
    return found


async def _endpoint_request(runtime: Runtime, prepared: Prepared, candidate: Candidate) -> tuple[Target, Any]:
    target: Target = candidate.target
    if (known := runtime.ai.cached_endpoint(target.connection)) is not None:
        return target, known
    async with runtime.db.session(prepared.caller.scope) as session:
        endpoint = await runtime.ai.endpoint(
            session, target.connection, runtime.key_ring, prepared.caller.actor
        )
        await session.commit()
    return target, endpoint


async def complete(runtime: Runtime, prepared: Prepared) -> Finished:
    """Call the provider through the router, then settle and record."""

    async def call(candidate: Candidate) -> ChatResponse:
        target, endpoint = await _endpoint_request(runtime, prepared, candidate)
        request = replace(prepared.request, model=target.deployment.upstream_model)
        async with runtime.ai.adapters.lease(
            str(target.deployment.id), target.connection.kind, endpoint
        ) as adapter:
            return await adapter.complete(request)

    try:
        routed = await runtime.ai.router.call(
            prepared.plan.route_key, prepared.plan.candidates, prepared.plan.strategy, call
        )
    except (AllDeploymentsFailed, ProviderError) as failure:
        attempts = failure.attempts if isinstance(failure, AllDeploymentsFailed) else ()
        error = upstream_error(failure)
        await finish(runtime, prepared, error=error, attempts=attempts)
        raise error from None
    response = routed.value
    output, problem = _output_of(prepared, response.content, response.tool_calls)
    finished = await finish(
        runtime,
        prepared,
        usage=response.usage,
        output=output,
        candidate=routed.candidate,
        attempts=routed.attempts,
        error=problem,
    )
    if problem is not None:
        raise problem
    return replace(finished, response=response)


async def embed(
    runtime: Runtime, prepared: Prepared, request: EmbeddingRequest
) -> tuple[Finished, EmbeddingResponse]:
    """Embeddings through the router; usage the provider does not report is estimated."""

    async def call(candidate: Candidate) -> EmbeddingResponse:
        target, endpoint = await _endpoint_request(runtime, prepared, candidate)
        async with runtime.ai.adapters.lease(
            str(target.deployment.id), target.connection.kind, endpoint
        ) as adapter:
            return await adapter.embed(replace(request, model=target.deployment.upstream_model))

    try:
        routed = await runtime.ai.router.call(
            prepared.plan.route_key, prepared.plan.candidates, prepared.plan.strategy, call
        )
    except (AllDeploymentsFailed, ProviderError) as failure:
        error = upstream_error(failure)
        await finish(
            runtime,
            prepared,
            error=error,
            attempts=failure.attempts if isinstance(failure, AllDeploymentsFailed) else (),
        )
        raise error from None
    response = routed.value
    usage = response.usage
    if usage.total_tokens == 0:
        usage = Usage(prompt_tokens=estimate_prompt_tokens(prepared.request.messages))
    finished = await finish(
        runtime,
        prepared,
        usage=usage,
        output={"vectors": len(response.vectors)},
        candidate=routed.candidate,
        attempts=routed.attempts,
    )
    return finished, replace(response, usage=usage)


def _output_of(prepared: Prepared, text: str | None, tool_calls: Any = ()) -> tuple[Any, AppError | None]:
    """What the execution stores as its output; engines with an output schema get the
    parsed JSON, validated."""
    version = prepared.spec.version
    if version is None or version.output_schema is None:
        output: dict[str, Any] = {"text": text}
        if tool_calls:
            output["tool_calls"] = [
                {"id": call.id, "name": call.name, "arguments": call.arguments} for call in tool_calls
            ]
        return output, None
    try:
        parsed = orjson.loads(text or "")
    except orjson.JSONDecodeError:
        return {"text": text}, OutputInvalid()
    if validate_against(version.output_schema, parsed, prefix="output"):
        return {"text": text}, OutputInvalid()
    return parsed, None


def stream(runtime: Runtime, prepared: Prepared) -> AsyncIterator[ChatDelta]:
    """The provider's chunks as they come; settlement happens when the stream ends, also
    when the client goes away mid-answer (it pays for what was generated)."""
    return _StreamRun(runtime, prepared).chunks()


class _StreamRun:
    def __init__(self, runtime: Runtime, prepared: Prepared) -> None:
        self.runtime = runtime
        self.prepared = prepared
        self.parts: list[str] = []
        self.usage: Usage | None = None
        self.finish_reason: FinishReason | None = None
        self.ttft_ms: int | None = None

    async def _open(self, candidate: Candidate) -> AsyncIterator[ChatDelta]:
        target, endpoint = await _endpoint_request(self.runtime, self.prepared, candidate)
        request = replace(self.prepared.request, model=target.deployment.upstream_model)
        async with self.runtime.ai.adapters.lease(
            str(target.deployment.id), target.connection.kind, endpoint
        ) as adapter:
            async for delta in adapter.stream(request):
                yield delta

    async def chunks(self) -> AsyncIterator[ChatDelta]:
        plan = self.prepared.plan
        routed = self.runtime.ai.router.stream(plan.route_key, plan.candidates, plan.strategy, self._open)
        error: AppError | None = None
        try:
            async for delta in routed:
                if self.ttft_ms is None:
                    self.ttft_ms = _elapsed_ms(self.prepared.started)
                self.parts.append(delta.content)
                self.usage = delta.usage or self.usage
                self.finish_reason = delta.finish_reason or self.finish_reason
                yield delta
        except (AllDeploymentsFailed, ProviderError) as failure:
            error = upstream_error(failure)
            raise error from None
        finally:
            await routed.aclose()
            # Shielded: a client that disconnects cancels the stream, not the settlement.
            await asyncio.shield(self._finish(routed.candidate, routed.attempts, error))

    async def _finish(
        self, candidate: Candidate | None, attempts: tuple[Attempt, ...], error: AppError | None
    ) -> None:
        text = "".join(self.parts)
        if error is not None and not text:
            await finish(self.runtime, self.prepared, error=error, attempts=attempts)
            return
        usage = self.usage or Usage(
            prompt_tokens=estimate_prompt_tokens(self.prepared.request.messages),
            completion_tokens=estimate_text_tokens(text),
        )
        output, problem = _output_of(self.prepared, text)
        await finish(
            self.runtime,
            self.prepared,
            usage=usage,
            output=output,
            candidate=candidate,
            attempts=attempts,
            error=error or problem,
            ttft_ms=self.ttft_ms,
        )


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


async def finish(
    runtime: Runtime,
    prepared: Prepared,
    *,
    usage: Usage | None = None,
    output: Any = None,
    candidate: Candidate | None = None,
    attempts: tuple[Attempt, ...] = (),
    error: AppError | None = None,
    ttft_ms: int | None = None,
) -> Finished:
    """Settle (or release) the hold and complete the execution record, in one transaction.
    A call that used tokens is charged even when its answer is then refused."""
    usage = usage or Usage()
    status = ExecutionStatus.FAILED if error else ExecutionStatus.SUCCEEDED
    latency_ms = _elapsed_ms(prepared.started)
    cost_nanos = prepared.plan.prices.cost_nanos(usage)
    outcome = {
        "status": status,
        "output": output,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "cached_tokens": usage.cached_tokens,
        "cost_nanos": cost_nanos,
        "latency_ms": latency_ms,
        "ttft_ms": ttft_ms if ttft_ms is not None else (latency_ms if error is None else None),
        "deployment_id": uuid.UUID(candidate.deployment_id) if candidate else None,
        "attempts": [_attempt_record(item) for item in attempts],
        "error_code": error.code if error else None,
        "error_message": str(error.params.get("reason") or error.code)[:1000] if error else None,
        "finished_at": utcnow(),
    }
    settled = await runtime.metering.finish(
        prepared.caller.tenant_id,
        metering.Finish(
            settlement=Settlement(
                hold_id=prepared.hold_id,
                account_id=prepared.holder_id,
                used=usage.total_tokens,
                overdraft=prepared.overdraft,
            ),
            consumption_id=prepared.consumption_id,
            execution_id=prepared.execution_id,
            outcome=outcome,
            event={
                "execution_id": str(prepared.execution_id),
                "status": status.value,
                "tokens": usage.total_tokens,
                "cost_nanos": cost_nanos,
            },
        ),
    )
    # Not attached to a session: the row as written, for the response.
    execution = Execution(**{**prepared.record, **outcome, "charged_tokens": settled.charged})
    return Finished(execution=execution, response=None, balance=settled.available)


def _attempt_record(attempt: Attempt) -> dict[str, Any]:
    return {
        "deployment_id": attempt.deployment_id,
        "ok": attempt.ok,
        "failure": attempt.failure.value if attempt.failure else None,
        "duration_ms": round(attempt.duration_ms, 1),
        "error": attempt.error,
    }


def hash_body(*parts: Any) -> str:
    """Fingerprint of a request, to tell a retried idempotency key from a reused one."""
    return hashlib.sha256(orjson.dumps(parts, default=str, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def finished(runtime: Runtime, prepared: Prepared) -> Finished:
    """The recorded outcome of a call whose stream has ended."""
    async with runtime.db.session(prepared.caller.scope) as session:
        execution = await session.get_one(Execution, prepared.execution_id)
        holder = await wallet.account(session, AccountKind.USER, prepared.caller.user_id)
        await session.commit()
    return Finished(execution=execution, response=None, balance=posting.available(holder, prepared.overdraft))
