"""Engines: definitions with versions, who may run them, and running them (also streamed)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, Path, Query, Response, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import DbSession, RuntimeDep, require
from athanor.access.principal import Principal
from athanor.audit import service as audit
from athanor.core.errors import problem_responses
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.engines import service
from athanor.engines.exceptions import NotPublished
from athanor.engines.models import Engine, EngineVersion, ExecutionSource
from athanor.engines.schemas import (
    Assignments,
    AssignmentsRead,
    EngineCreate,
    EngineDetail,
    EngineRead,
    EngineUpdate,
    ExecuteRequest,
    ExecutionResult,
    PlaygroundRequest,
    VersionDiff,
    VersionRead,
    VersionSpec,
)
from athanor.execution import flow
from athanor.execution.sse import sse_response
from athanor.gateway.router import caller_of
from athanor.runtime import Runtime
from athanor.tenancy.permissions import Permission

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/engines",
    tags=["engines"],
    responses=problem_responses(400, 401, 403, 404, 409, 422, 429),
)

Reader = Annotated[Principal, Depends(require(Permission.ENGINES_READ))]
Editor = Annotated[Principal, Depends(require(Permission.ENGINES_WRITE))]
Executor = Annotated[Principal, Depends(require(Permission.ENGINES_EXECUTE))]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
RUN_RESPONSES = problem_responses(402, 502, 503, 504)


def version_read(version: EngineVersion) -> VersionRead:
    return VersionRead.model_validate(
        {
            **{name: getattr(version, name, None) for name in VersionRead.model_fields},
            "model": version.model_slug,
        }
    )


async def _engine_read(session: AsyncSession, engine: Engine, latest: int | None = None) -> dict[str, Any]:
    published = await service.published_version(session, engine)
    if latest is None:
        latest = (await service.latest_numbers(session, [engine.id])).get(engine.id, 0)
    return {
        "id": engine.id,
        "slug": engine.slug,
        "name": engine.name,
        "description": engine.description,
        "published_version": published.number if published else None,
        "latest_version": latest,
        "created_at": engine.created_at,
        "updated_at": engine.updated_at,
    }


async def _detail(session: AsyncSession, engine: Engine) -> EngineDetail:
    versions = await service.versions_of(session, engine.id)
    body = await _engine_read(session, engine, latest=versions[-1].number if versions else 0)
    return EngineDetail.model_validate({**body, "versions": [version_read(item) for item in versions]})


async def _audit(
    session: AsyncSession, principal: Principal, action: str, engine: Engine, **details: Any
) -> None:
    await audit.record(
        session,
        action=action,
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="engine",
        target_id=engine.id,
        details=details,
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_engine(body: EngineCreate, principal: Editor, session: DbSession) -> EngineDetail:
    """A new engine with its first version as a draft."""
    engine, _version = await service.create_engine(
        session,
        slug=body.slug,
        name=body.name,
        description=body.description,
        spec=body.version,
        author_id=principal.user.id,
    )
    await _audit(session, principal, "engine.created", engine, slug=engine.slug)
    return await _detail(session, engine)


@router.get("")
async def list_engines(
    principal: Reader, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[EngineRead]:
    del principal
    statement = select(Engine).where(Engine.archived_at.is_(None))
    rows = (await session.scalars(paginate_query(statement, Engine.id, cursor, limit))).all()
    latest = await service.latest_numbers(session, [row.id for row in rows])
    items = [
        EngineRead.model_validate(await _engine_read(session, row, latest.get(row.id, 0))) for row in rows
    ]
    return Page[EngineRead].model_validate(page_of(items, limit, lambda item: item))


@router.get("/{engine_id:uuid}")
async def read_engine(engine_id: uuid.UUID, principal: Reader, session: DbSession) -> EngineDetail:
    del principal
    return await _detail(session, await service.get_engine(session, engine_id))


@router.patch("/{engine_id:uuid}")
async def update_engine(
    engine_id: uuid.UUID, body: EngineUpdate, principal: Editor, session: DbSession
) -> EngineDetail:
    engine = await service.get_engine(session, engine_id)
    changes = body.model_dump(exclude_none=True)
    for name, value in changes.items():
        setattr(engine, name, value)
    await _audit(session, principal, "engine.updated", engine, fields=sorted(changes))
    return await _detail(session, engine)


@router.delete("/{engine_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_engine(engine_id: uuid.UUID, principal: Editor, session: DbSession) -> Response:
    """Archive: executions keep their history, the engine can no longer run."""
    engine = await service.get_engine(session, engine_id)
    await service.archive(session, engine)
    await _audit(session, principal, "engine.archived", engine)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{engine_id:uuid}/versions", status_code=status.HTTP_201_CREATED)
async def create_version(
    engine_id: uuid.UUID, body: VersionSpec, principal: Editor, session: DbSession
) -> VersionRead:
    engine = await service.get_engine(session, engine_id)
    version = await service.new_version(session, engine=engine, spec=body, author_id=principal.user.id)
    await _audit(session, principal, "engine.version_created", engine, version=version.number)
    return version_read(version)


@router.put("/{engine_id:uuid}/versions/{number}")
async def update_version(
    engine_id: uuid.UUID,
    number: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: VersionSpec,
    principal: Editor,
    session: DbSession,
) -> VersionRead:
    """Edit a draft; published and retired versions are frozen."""
    engine = await service.get_engine(session, engine_id)
    version = await service.update_draft(
        session, version=await service.get_version(session, engine, number), spec=body
    )
    await _audit(session, principal, "engine.version_updated", engine, version=version.number)
    return version_read(version)


@router.post("/{engine_id:uuid}/versions/{number}/publish")
async def publish_version(
    engine_id: uuid.UUID,
    number: Annotated[int, Path(ge=1, le=2**31 - 1)],
    principal: Editor,
    session: DbSession,
) -> EngineDetail:
    """Executions run this version from now on."""
    engine = await service.get_engine(session, engine_id)
    version = await service.publish(
        session, engine=engine, version=await service.get_version(session, engine, number)
    )
    await _audit(session, principal, "engine.version_published", engine, version=version.number)
    return await _detail(session, engine)


@router.get("/{engine_id:uuid}/diff")
async def diff_versions(
    engine_id: uuid.UUID,
    principal: Reader,
    session: DbSession,
    from_version: Annotated[int, Query(alias="from", ge=1)],
    to_version: Annotated[int, Query(alias="to", ge=1)],
) -> VersionDiff:
    del principal
    engine = await service.get_engine(session, engine_id)
    before = await service.get_version(session, engine, from_version)
    after = await service.get_version(session, engine, to_version)
    return VersionDiff(from_version=from_version, to_version=to_version, changes=service.diff(before, after))


@router.get("/{engine_id:uuid}/assignments")
async def read_assignments(engine_id: uuid.UUID, principal: Reader, session: DbSession) -> AssignmentsRead:
    del principal
    engine = await service.get_engine(session, engine_id)
    rows = await service.assignments(session, engine.id)
    return AssignmentsRead(
        user_ids=[row.user_id for row in rows if row.user_id],
        level_ids=[row.level_id for row in rows if row.level_id],
    )


@router.put("/{engine_id:uuid}/assignments")
async def set_assignments(
    engine_id: uuid.UUID, body: Assignments, principal: Editor, session: DbSession
) -> AssignmentsRead:
    """Who may run the engine; no assignments means every member may."""
    engine = await service.get_engine(session, engine_id)
    await service.set_assignments(session, engine=engine, user_ids=body.user_ids, level_ids=body.level_ids)
    await _audit(
        session,
        principal,
        "engine.assignments_set",
        engine,
        users=len(body.user_ids),
        levels=len(body.level_ids),
    )
    return AssignmentsRead(
        user_ids=list(dict.fromkeys(body.user_ids)), level_ids=list(dict.fromkeys(body.level_ids))
    )


async def _run(
    session: AsyncSession,
    runtime: Runtime,
    principal: Principal,
    engine: Engine,
    version: EngineVersion,
    body: ExecuteRequest,
    source: ExecutionSource,
    idempotency_key: str | None = None,
) -> Response:
    spec = flow.CallSpec(
        request=service.chat_request(version, body.inputs),
        model_slug=version.model_slug,
        source=source,
        stream=body.stream,
        engine=engine,
        version=version,
        inputs=body.inputs,
        idempotency_key=idempotency_key,
        request_hash=flow.hash_body(body.model_dump(mode="json"), version.id) if idempotency_key else None,
    )
    if (done := await flow.replay(session, spec)) is not None:
        return _result(done, balance=None)
    prepared = await flow.prepare(session, runtime, caller_of(principal), spec)
    if body.stream:
        return sse_response(
            _events(runtime, prepared), headers={"X-Athanor-Execution-Id": str(prepared.execution_id)}
        )
    finished = await flow.complete(runtime, prepared)
    return _result(finished.execution, balance=finished.balance)


def _result(execution: Any, *, balance: int | None) -> Response:
    output = execution.output
    text = output.get("text") if isinstance(output, dict) else None
    result = ExecutionResult(
        execution_id=execution.id,
        output=output,
        text=text,
        usage={
            "prompt_tokens": execution.prompt_tokens,
            "completion_tokens": execution.completion_tokens,
            "cached_tokens": execution.cached_tokens,
        },
        charged_tokens=execution.charged_tokens,
        balance=balance,
    )
    return Response(result.model_dump_json(), media_type="application/json")


async def _events(runtime: Runtime, prepared: flow.Prepared) -> AsyncIterator[bytes]:
    """`delta` events with text as it comes, then one `done` event with the totals."""
    async for delta in flow.stream(runtime, prepared):
        if delta.content:
            yield b"event: delta\ndata: " + orjson.dumps({"text": delta.content}) + b"\n\n"
    finished = await flow.finished(runtime, prepared)
    execution = finished.execution
    yield (
        b"event: done\ndata: "
        + orjson.dumps(
            {
                "execution_id": str(execution.id),
                "status": execution.status.value,
                "output": execution.output,
                "usage": {
                    "prompt_tokens": execution.prompt_tokens,
                    "completion_tokens": execution.completion_tokens,
                },
                "charged_tokens": execution.charged_tokens,
                "cost_nanos": execution.cost_nanos,
                "balance": finished.balance,
                "error_code": execution.error_code,
            }
        )
        + b"\n\n"
    )


@router.post("/{engine_id:uuid}/execute", responses=RUN_RESPONSES)
async def execute_engine(
    engine_id: uuid.UUID,
    body: ExecuteRequest,
    principal: Executor,
    session: DbSession,
    runtime: RuntimeDep,
    idempotency_key: IdempotencyKey = None,
) -> ExecutionResult:
    """Run the published version. With `stream: true` the answer comes as server-sent
    events: `delta` events with text, then a `done` event with usage and balance."""
    engine = await service.get_engine(session, engine_id)
    version = await service.published_version(session, engine)
    if version is None:
        raise NotPublished()
    return await _run(
        session, runtime, principal, engine, version, body, ExecutionSource.API, idempotency_key
    )  # type: ignore[return-value]


@router.post("/{engine_id:uuid}/playground", responses=RUN_RESPONSES)
async def playground(
    engine_id: uuid.UUID, body: PlaygroundRequest, principal: Editor, session: DbSession, runtime: RuntimeDep
) -> ExecutionResult:
    """Try any version, drafts included, as the editor (charged to the editor's wallet)."""
    engine = await service.get_engine(session, engine_id)
    version = await service.get_version(session, engine, body.version)
    return await _run(session, runtime, principal, engine, version, body, ExecutionSource.PLAYGROUND)  # type: ignore[return-value]
