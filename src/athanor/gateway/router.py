"""The OpenAI-compatible gateway: `/v1/chat/completions`, `/v1/models`, `/v1/embeddings`.

Authenticated by Athanor API keys (or a signed-in session), it runs the same flow as
every engine call. `model` names a catalog model, or an engine as `engine/<slug>`.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import DbSession, RuntimeDep, require
from athanor.access.principal import Principal
from athanor.catalog.models import AiModel, Deployment
from athanor.core.errors import problem_responses
from athanor.core.routing import StrictJsonRoute
from athanor.engines import service as engines
from athanor.engines.exceptions import NotPublished
from athanor.engines.models import Engine, EngineVersion, ExecutionSource
from athanor.execution import flow
from athanor.execution.sse import sse_response
from athanor.gateway import wire
from athanor.gateway.schemas import ChatCompletionIn, EmbeddingsIn
from athanor.providers.types import ChatRequest, Message, Usage
from athanor.runtime import Runtime
from athanor.tenancy.permissions import Permission

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/v1",
    tags=["gateway"],
    responses=problem_responses(400, 401, 402, 403, 404, 409, 413, 422, 429, 502, 503, 504),
)

Executor = Annotated[Principal, Depends(require(Permission.ENGINES_EXECUTE))]
ENGINE_PREFIX = "engine/"
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


def caller_of(principal: Principal) -> flow.Caller:
    assert principal.tenant_id is not None
    return flow.Caller(
        tenant_id=principal.tenant_id,
        user_id=principal.user.id,
        actor=principal.actor(),
        api_key_id=principal.api_key.id if principal.api_key else None,
    )


async def _spec(session: AsyncSession, body: ChatCompletionIn, key: str | None) -> flow.CallSpec:
    spec = flow.CallSpec(
        request=body.internal(),
        model_slug=body.model,
        source=ExecutionSource.GATEWAY,
        stream=body.stream,
        idempotency_key=key,
        request_hash=flow.hash_body(body.model_dump(mode="json")) if key else None,
    )
    if not body.model.startswith(ENGINE_PREFIX):
        return spec
    engine = await engines.engine_by_slug(session, body.model.removeprefix(ENGINE_PREFIX))
    version = await engines.published_version(session, engine)
    if version is None:
        raise NotPublished()
    return replace(
        spec,
        request=_with_engine(spec.request, version),
        model_slug=version.model_slug,
        engine=engine,
        version=version,
    )


def _with_engine(request: ChatRequest, version: EngineVersion) -> ChatRequest:
    """The engine's system prompt, parameters and output schema around the caller's messages."""
    parameters = version.parameters
    messages = request.messages
    if version.system_prompt:
        messages = (Message(role="system", content=version.system_prompt), *messages)
    return replace(
        request,
        messages=messages,
        temperature=request.temperature if request.temperature is not None else parameters.get("temperature"),
        top_p=request.top_p if request.top_p is not None else parameters.get("top_p"),
        max_tokens=request.max_tokens or parameters.get("max_tokens"),
        response_format=version.output_schema or request.response_format,
    )


def _usage_headers(finished: flow.Finished) -> dict[str, str]:
    execution = finished.execution
    return {
        "X-Athanor-Execution-Id": str(execution.id),
        "X-Athanor-Tokens-Charged": str(execution.charged_tokens),
        "X-Athanor-Balance-Remaining": str(finished.balance),
        "X-Athanor-Cost-Nanos": str(execution.cost_nanos),
    }


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    body: ChatCompletionIn,
    principal: Executor,
    session: DbSession,
    runtime: RuntimeDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """OpenAI chat completions, streamed (SSE) or not."""
    spec = await _spec(session, body, idempotency_key)
    if (done := await flow.replay(session, spec)) is not None:
        return Response(
            wire.replayed(done, body.model),
            media_type="application/json",
            headers={"X-Athanor-Execution-Id": str(done.id), "Idempotent-Replayed": "true"},
        )
    prepared = await flow.prepare(session, runtime, caller_of(principal), spec)
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        return _stream(runtime, prepared, body.model, include_usage)
    finished = await flow.complete(runtime, prepared)
    assert finished.response is not None
    return Response(
        wire.completion(prepared.execution_id, body.model, finished.response),
        media_type="application/json",
        headers=_usage_headers(finished),
    )


def _stream(runtime: Runtime, prepared: flow.Prepared, model: str, include_usage: bool) -> StreamingResponse:
    writer = wire.ChunkWriter(prepared.execution_id, model, include_usage=include_usage)

    async def chunks() -> AsyncIterator[bytes]:
        usage: Usage | None = None
        async for delta in flow.stream(runtime, prepared):
            usage = delta.usage or usage
            yield writer.delta(delta)
        yield writer.usage(usage)
        yield wire.DONE

    return sse_response(chunks(), headers={"X-Athanor-Execution-Id": str(prepared.execution_id)})


@router.get("/models")
async def list_models(principal: Executor, session: DbSession) -> dict[str, object]:
    """Models with a deployment the caller's tenant can use, and its published engines."""
    del principal
    slugs = (
        await session.scalars(
            select(AiModel.slug)
            .join(Deployment, Deployment.model_id == AiModel.id)
            .where(AiModel.active.is_(True), Deployment.enabled.is_(True))
            .distinct()
            .order_by(AiModel.slug)
        )
    ).all()
    engine_slugs = (
        await session.scalars(
            select(Engine.slug)
            .where(Engine.archived_at.is_(None), Engine.published_version_id.is_not(None))
            .order_by(Engine.slug)
        )
    ).all()
    created = int(time.time())
    return {
        "object": "list",
        "data": [{"id": slug, "object": "model", "created": created, "owned_by": "athanor"} for slug in slugs]
        + [
            {"id": ENGINE_PREFIX + slug, "object": "model", "created": created, "owned_by": "athanor"}
            for slug in engine_slugs
        ],
    }


@router.post("/embeddings")
async def embeddings(
    body: EmbeddingsIn,
    principal: Executor,
    session: DbSession,
    runtime: RuntimeDep,
) -> Response:
    """OpenAI embeddings: one vector per input, in order. (Embeddings take no idempotency
    key: the vectors are not stored, so a retry could not be answered without a charge.)"""
    request = body.internal()
    spec = flow.CallSpec(
        request=ChatRequest(
            messages=tuple(Message(role="user", content=text) for text in request.inputs), model=""
        ),
        model_slug=body.model,
        source=ExecutionSource.GATEWAY,
        embedding=True,
    )
    prepared = await flow.prepare(session, runtime, caller_of(principal), spec)
    finished, response = await flow.embed(runtime, prepared, request)
    return Response(
        wire.embeddings(body.model, response, base64_encoded=body.encoding_format == "base64"),
        media_type="application/json",
        headers=_usage_headers(finished),
    )
