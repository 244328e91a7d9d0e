"""Workflows: definitions and versions, the node palette, validation, templates, runs
(start, watch live, pause, resume, cancel, re-run from a node, approve) and triggers."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import DbSession, RuntimeDep, require
from athanor.access.principal import Principal
from athanor.audit import service as audit
from athanor.core.context import request_locale
from athanor.core.errors import MalformedBody, problem_responses
from athanor.core.i18n import translate
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.execution import live
from athanor.execution.sse import sse_response
from athanor.tenancy.permissions import Permission
from athanor.workflows import controls, dispatch, engine, service
from athanor.workflows.exceptions import InvalidCron, RunNotFound, WebhookNotFound
from athanor.workflows.models import (
    FINISHED_RUN,
    NodeRun,
    QualityEvaluation,
    RunStatus,
    Trigger,
    TriggerKind,
    Workflow,
    WorkflowRun,
    WorkflowTemplate,
    WorkflowTrigger,
)
from athanor.workflows.nodes import KINDS
from athanor.workflows.schemas import (
    Decision,
    DefinitionCheck,
    EvaluationRead,
    NodeRunRead,
    NodeTypeRead,
    ProblemRead,
    Problems,
    Rerun,
    RunCreate,
    RunDetail,
    RunRead,
    TemplateRead,
    TemplateShare,
    TemplateUse,
    TriggerCreate,
    TriggerCreated,
    TriggerRead,
    VersionWrite,
    WorkflowCreate,
    WorkflowDetail,
    WorkflowRead,
    WorkflowUpdate,
    WorkflowVersionRead,
)

router = APIRouter(
    route_class=StrictJsonRoute,
    tags=["workflows"],
    responses=problem_responses(400, 401, 403, 404, 409, 422, 429),
)

Reader = Annotated[Principal, Depends(require(Permission.WORKFLOWS_READ))]
Editor = Annotated[Principal, Depends(require(Permission.WORKFLOWS_WRITE))]
Runner = Annotated[Principal, Depends(require(Permission.WORKFLOWS_RUN))]
# Version numbers are ints in the database: larger ones cannot name a version.
VersionNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]


async def _audit(
    session: AsyncSession, principal: Principal, action: str, target: uuid.UUID, **details: Any
) -> None:
    await audit.record(
        session,
        action=action,
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="workflow",
        target_id=target,
        details=details,
    )


def _summary(workflow: Workflow, published: int | None, latest: int, runs: int) -> dict[str, Any]:
    return {
        "id": workflow.id,
        "slug": workflow.slug,
        "name": workflow.name,
        "description": workflow.description,
        "published_version": published,
        "latest_version": latest,
        "runs": runs,
        "created_at": workflow.created_at,
        "updated_at": workflow.updated_at,
    }


async def _detail(session: AsyncSession, workflow: Workflow) -> WorkflowDetail:
    versions = await service.versions_of(session, workflow.id)
    published = next((item.number for item in versions if item.id == workflow.published_version_id), None)
    runs = (await service.run_counts(session, [workflow.id])).get(workflow.id, 0)
    return WorkflowDetail.model_validate(
        {
            **_summary(workflow, published, versions[-1].number if versions else 0, runs),
            "versions": [WorkflowVersionRead.model_validate(item) for item in versions],
        }
    )


# The palette and validation


@router.get("/api/workflows/node-types")
async def node_types(principal: Reader) -> list[NodeTypeRead]:
    """Every node type: ports with their JSON Schemas, config schema, category, icon, description."""
    del principal
    locale = request_locale.get()
    return [
        NodeTypeRead.model_validate(kind.palette(lambda text: translate(text, locale)))
        for kind in KINDS.values()
    ]


@router.post("/api/workflows/validate")
async def validate_definition(body: DefinitionCheck, principal: Reader, session: DbSession) -> Problems:
    """Every problem of a definition, each with the node it concerns."""
    del principal
    locale = request_locale.get()
    problems = await service.problems_of(session, body.definition)
    return Problems(
        valid=not problems,
        problems=[
            ProblemRead(
                node_id=item.node_id,
                field=item.field,
                code=item.code,
                message=translate(item.message, locale, **item.params),
                params=item.params,
            )
            for item in problems
        ],
    )


# Workflows and versions


@router.post("/api/workflows", status_code=status.HTTP_201_CREATED)
async def create_workflow(body: WorkflowCreate, principal: Editor, session: DbSession) -> WorkflowDetail:
    """A workflow with its first version as a draft (problems allowed until publishing)."""
    workflow, _version = await service.create_workflow(
        session,
        slug=body.slug,
        name=body.name,
        description=body.description,
        definition=body.definition,
        author_id=principal.user.id,
    )
    await _audit(session, principal, "workflow.created", workflow.id, slug=workflow.slug)
    return await _detail(session, workflow)


@router.get("/api/workflows")
async def list_workflows(
    principal: Reader, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[WorkflowRead]:
    del principal
    statement = select(Workflow).where(Workflow.archived_at.is_(None))
    rows = (await session.scalars(paginate_query(statement, Workflow.id, cursor, limit))).all()
    runs = await service.run_counts(session, [row.id for row in rows])
    items = []
    for row in rows:
        versions = await service.versions_of(session, row.id)
        published = next((item.number for item in versions if item.id == row.published_version_id), None)
        summary = _summary(row, published, versions[-1].number if versions else 0, runs.get(row.id, 0))
        items.append(WorkflowRead.model_validate(summary))
    return Page[WorkflowRead].model_validate(page_of(items, limit, lambda item: item))


@router.get("/api/workflows/{workflow_id:uuid}")
async def read_workflow(workflow_id: uuid.UUID, principal: Reader, session: DbSession) -> WorkflowDetail:
    del principal
    return await _detail(session, await service.get_workflow(session, workflow_id))


@router.patch("/api/workflows/{workflow_id:uuid}")
async def update_workflow(
    workflow_id: uuid.UUID, body: WorkflowUpdate, principal: Editor, session: DbSession
) -> WorkflowDetail:
    workflow = await service.get_workflow(session, workflow_id)
    changes = body.model_dump(exclude_none=True)
    for name, value in changes.items():
        setattr(workflow, name, value)
    await _audit(session, principal, "workflow.updated", workflow.id, fields=sorted(changes))
    return await _detail(session, workflow)


@router.delete("/api/workflows/{workflow_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_workflow(workflow_id: uuid.UUID, principal: Editor, session: DbSession) -> Response:
    workflow = await service.get_workflow(session, workflow_id)
    workflow.archived_at = utcnow()
    await _audit(session, principal, "workflow.archived", workflow.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/api/workflows/{workflow_id:uuid}/versions", status_code=status.HTTP_201_CREATED)
async def new_version(
    workflow_id: uuid.UUID, body: VersionWrite, principal: Editor, session: DbSession
) -> WorkflowVersionRead:
    workflow = await service.get_workflow(session, workflow_id)
    version = await service.new_version(
        session, workflow=workflow, definition=body.definition, author_id=principal.user.id, notes=body.notes
    )
    await _audit(session, principal, "workflow.version_created", workflow.id, number=version.number)
    return WorkflowVersionRead.model_validate(version)


@router.put("/api/workflows/{workflow_id:uuid}/versions/{number}")
async def update_version(
    workflow_id: uuid.UUID, number: VersionNumber, body: VersionWrite, principal: Editor, session: DbSession
) -> WorkflowVersionRead:
    """Change a draft (published versions are frozen)."""
    workflow = await service.get_workflow(session, workflow_id)
    version = await service.update_draft(
        session,
        version=await service.get_version(session, workflow, number),
        definition=body.definition,
        notes=body.notes,
    )
    await _audit(session, principal, "workflow.version_updated", workflow.id, number=number)
    return WorkflowVersionRead.model_validate(version)


@router.post("/api/workflows/{workflow_id:uuid}/versions/{number}/publish")
async def publish_version(
    workflow_id: uuid.UUID, number: VersionNumber, principal: Editor, session: DbSession
) -> WorkflowDetail:
    """Runs use this version from now on; refused (422, problems per node) when it has problems."""
    workflow = await service.get_workflow(session, workflow_id)
    version = await service.get_version(session, workflow, number)
    await service.publish(session, workflow=workflow, version=version)
    await _audit(session, principal, "workflow.published", workflow.id, number=number)
    return await _detail(session, workflow)


# Templates


def _template_read(template: WorkflowTemplate) -> TemplateRead:
    return TemplateRead.model_validate(
        {
            "id": template.id,
            "slug": template.slug,
            "name": template.name,
            "description": template.description,
            "category": template.category,
            "shared": template.tenant_id is None,
            "definition": template.definition,
        }
    )


@router.get("/api/workflow-templates")
async def list_templates(principal: Reader, session: DbSession) -> list[TemplateRead]:
    """The platform's templates and the tenant's own."""
    del principal
    return [_template_read(item) for item in await service.templates(session)]


@router.post("/api/workflow-templates/{template_id:uuid}/use", status_code=status.HTTP_201_CREATED)
async def use_template(
    template_id: uuid.UUID, body: TemplateUse, principal: Editor, session: DbSession
) -> WorkflowDetail:
    """A new workflow from a template (its first version a draft)."""
    template = await service.get_template(session, template_id)
    workflow, _version = await service.create_workflow(
        session,
        slug=body.slug,
        name=body.name or template.name,
        description=template.description,
        definition=template.definition,
        author_id=principal.user.id,
    )
    await _audit(
        session, principal, "workflow.created", workflow.id, slug=workflow.slug, template=template.slug
    )
    return await _detail(session, workflow)


@router.post("/api/workflows/{workflow_id:uuid}/share", status_code=status.HTTP_201_CREATED)
async def share_as_template(
    workflow_id: uuid.UUID, body: TemplateShare, principal: Editor, session: DbSession
) -> TemplateRead:
    """The workflow's latest version as one of the tenant's templates."""
    workflow = await service.get_workflow(session, workflow_id)
    template = await service.save_template(
        session,
        workflow=workflow,
        version=await service.get_version(session, workflow),
        category=body.category,
    )
    await _audit(session, principal, "workflow.shared", workflow.id)
    return _template_read(template)


# Runs


async def _run_detail(session: AsyncSession, run: WorkflowRun) -> RunDetail:
    nodes = (
        await session.scalars(
            select(NodeRun).where(NodeRun.run_id == run.id).order_by(NodeRun.created_at, NodeRun.item_index)
        )
    ).all()
    evaluations = (
        await session.scalars(
            select(QualityEvaluation)
            .where(QualityEvaluation.run_id == run.id)
            .order_by(QualityEvaluation.created_at)
        )
    ).all()
    return RunDetail.model_validate(
        {
            **RunRead.model_validate(run).model_dump(),
            "nodes": [NodeRunRead.model_validate(item) for item in nodes],
            "evaluations": [EvaluationRead.model_validate(item) for item in evaluations],
        }
    )


async def _own_run(session: AsyncSession, principal: Principal, run_id: uuid.UUID) -> WorkflowRun:
    """Members see their own runs; editors see every run of the tenant."""
    run = await service.get_run(session, run_id)
    if run.user_id != principal.user.id and not principal.can(Permission.WORKFLOWS_WRITE):
        raise RunNotFound()
    return run


@router.post("/api/workflows/{workflow_id:uuid}/runs", status_code=status.HTTP_201_CREATED)
async def start_run(
    workflow_id: uuid.UUID, body: RunCreate, principal: Runner, session: DbSession
) -> RunRead:
    """Start a run of the published version (or of `version`); its nodes run on the workers."""
    workflow = await service.get_workflow(session, workflow_id)
    version = await service.runnable_version(session, workflow, body.version)
    run = await engine.start_run(
        session,
        workflow=workflow,
        version=version,
        inputs=body.inputs,
        user_id=principal.user.id,
        trigger=Trigger.API_KEY if principal.api_key else Trigger.API,
        api_key_id=principal.api_key.id if principal.api_key else None,
        budget_tokens=body.budget_tokens,
    )
    read = RunRead.model_validate(run)
    await dispatch.commit_and_dispatch(session)
    return read


@router.get("/api/workflow-runs")
async def list_runs(
    principal: Reader,
    session: DbSession,
    workflow_id: uuid.UUID | None = None,
    run_status: Annotated[RunStatus | None, Query(alias="status")] = None,
    cursor: Cursor = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
) -> Page[RunRead]:
    """Newest first; members see their own."""
    statement = select(WorkflowRun)
    if not principal.can(Permission.WORKFLOWS_WRITE):
        statement = statement.where(WorkflowRun.user_id == principal.user.id)
    if workflow_id is not None:
        statement = statement.where(WorkflowRun.workflow_id == workflow_id)
    if run_status is not None:
        statement = statement.where(WorkflowRun.status == run_status)
    rows = (await session.scalars(paginate_query(statement, WorkflowRun.id, cursor, limit))).all()
    items = [RunRead.model_validate(row) for row in rows]
    return Page[RunRead].model_validate(page_of(items, limit, lambda item: item))


@router.get("/api/workflow-runs/{run_id:uuid}")
async def read_run(run_id: uuid.UUID, principal: Reader, session: DbSession) -> RunDetail:
    return await _run_detail(session, await _own_run(session, principal, run_id))


@router.get(
    "/api/workflow-runs/{run_id:uuid}/events",
    response_class=Response,
    responses={
        200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}, "description": "Run events"}
    },
)
async def run_events(
    run_id: uuid.UUID, principal: Reader, session: DbSession, runtime: RuntimeDep, request: Request
) -> Response:
    """Server-sent `run` events (the run with its nodes) whenever something changed, until it ends."""
    run = await _own_run(session, principal, run_id)
    assert principal.tenant_id is not None
    await session.commit()

    async def load(session: AsyncSession) -> RunDetail:
        return await _run_detail(session, await service.get_run(session, run.id))

    events = live.watch(
        runtime.db,
        principal.tenant_id,
        request,
        event="run",
        load=load,
        finished=lambda detail: detail.status in FINISHED_RUN,
    )
    return sse_response(events, headers={})


CONTROLS = {"pause": controls.pause, "resume": controls.resume, "cancel": controls.cancel}


async def _control(session: AsyncSession, principal: Principal, run_id: uuid.UUID, action: str) -> RunDetail:
    run = await _own_run(session, principal, run_id)
    locked = await session.get_one(WorkflowRun, run.id, with_for_update=True, populate_existing=True)
    await CONTROLS[action](session, locked)
    await _audit(session, principal, f"workflow.run_{action}", run.id)
    await dispatch.commit_and_dispatch(session)
    return await _run_detail(session, locked)


@router.post("/api/workflow-runs/{run_id:uuid}/pause")
async def pause_run(run_id: uuid.UUID, principal: Runner, session: DbSession) -> RunDetail:
    """Running nodes finish; nothing new starts until resumed."""
    return await _control(session, principal, run_id, "pause")


@router.post("/api/workflow-runs/{run_id:uuid}/resume")
async def resume_run(run_id: uuid.UUID, principal: Runner, session: DbSession) -> RunDetail:
    return await _control(session, principal, run_id, "resume")


@router.post("/api/workflow-runs/{run_id:uuid}/cancel")
async def cancel_run(run_id: uuid.UUID, principal: Runner, session: DbSession) -> RunDetail:
    return await _control(session, principal, run_id, "cancel")


@router.post("/api/workflow-runs/{run_id:uuid}/rerun")
async def rerun(run_id: uuid.UUID, body: Rerun, principal: Runner, session: DbSession) -> RunDetail:
    """Run a node and everything after it again; earlier nodes keep their outputs."""
    run = await _own_run(session, principal, run_id)
    locked = await session.get_one(WorkflowRun, run.id, with_for_update=True, populate_existing=True)
    await controls.rerun_from(session, locked, body.node_id)
    await _audit(session, principal, "workflow.run_rerun", run.id, node=body.node_id)
    await dispatch.commit_and_dispatch(session)
    return await _run_detail(session, locked)


@router.post("/api/workflow-runs/{run_id:uuid}/approvals/{node_id}")
async def decide(
    run_id: uuid.UUID, node_id: str, body: Decision, principal: Runner, session: DbSession
) -> RunDetail:
    """Approve or reject a waiting approval node; the run goes on by that branch."""
    run = await _own_run(session, principal, run_id)
    await controls.decide(
        session, run, node_id, approved=body.approved, by=principal.user.id, comment=body.comment
    )
    await _audit(
        session, principal, "workflow.approval_decided", run.id, node=node_id, approved=body.approved
    )
    await dispatch.commit_and_dispatch(session)
    return await _run_detail(session, run)


# Triggers


@router.get("/api/workflows/{workflow_id:uuid}/triggers")
async def list_triggers(workflow_id: uuid.UUID, principal: Reader, session: DbSession) -> list[TriggerRead]:
    del principal
    await service.get_workflow(session, workflow_id)
    return [TriggerRead.model_validate(item) for item in await service.triggers_of(session, workflow_id)]


@router.post("/api/workflows/{workflow_id:uuid}/triggers", status_code=status.HTTP_201_CREATED)
async def add_trigger(
    workflow_id: uuid.UUID,
    body: TriggerCreate,
    principal: Editor,
    session: DbSession,
    runtime: RuntimeDep,
    request: Request,
) -> TriggerCreated:
    """A cron schedule, or a webhook whose URL (with its secret) is shown this once."""
    workflow = await service.get_workflow(session, workflow_id)
    url = None
    if body.kind is TriggerKind.SCHEDULE:
        if not body.cron:
            raise InvalidCron(params={"reason": "a schedule needs a cron expression"})
        trigger = await service.add_schedule(
            session, workflow=workflow, cron=body.cron, inputs=body.inputs, user_id=principal.user.id
        )
    else:
        trigger, secret = await service.add_webhook(
            session,
            workflow=workflow,
            inputs=body.inputs,
            user_id=principal.user.id,
            token_key=runtime.token_key,
        )
        url = str(request.url_for("webhook", secret=secret))
    await _audit(session, principal, "workflow.trigger_added", workflow.id, kind=body.kind.value)
    return TriggerCreated.model_validate({**TriggerRead.model_validate(trigger).model_dump(), "url": url})


@router.delete(
    "/api/workflows/{workflow_id:uuid}/triggers/{trigger_id:uuid}", status_code=status.HTTP_204_NO_CONTENT
)
async def remove_trigger(
    workflow_id: uuid.UUID, trigger_id: uuid.UUID, principal: Editor, session: DbSession
) -> Response:
    trigger = await service.get_trigger(session, workflow_id, trigger_id)
    await session.delete(trigger)
    await _audit(session, principal, "workflow.trigger_removed", workflow_id, kind=trigger.kind.value)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/api/hooks/workflows/{secret}", name="webhook", status_code=status.HTTP_202_ACCEPTED)
async def webhook(secret: str, request: Request, runtime: RuntimeDep) -> dict[str, str]:
    """Inbound webhook: the JSON body becomes the run's `payload` input, beside the
    trigger's fixed inputs. The secret in the URL is the credential."""
    body = await request.body()
    try:
        payload = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        raise MalformedBody() from None
    async with runtime.db.session(DbScope.anonymous()) as session:
        target = await service.webhook_target(session, secret, runtime.token_key)
        if target is None:
            raise WebhookNotFound()
        tenant_id, trigger_id = target.tenant_id, target.trigger_id
    async with runtime.db.session(DbScope.for_tenant(tenant_id)) as session:
        trigger = await session.get_one(WorkflowTrigger, trigger_id)
        if not trigger.enabled:
            raise WebhookNotFound()
        workflow = await service.get_workflow(session, trigger.workflow_id)
        run = await engine.start_run(
            session,
            workflow=workflow,
            version=await service.published_version(session, workflow),
            inputs={**trigger.inputs, "payload": payload},
            user_id=trigger.user_id,
            trigger=Trigger.WEBHOOK,
        )
        trigger.last_run_at = utcnow()
        run_id = run.id
        await dispatch.commit_and_dispatch(session)
    return {"run_id": str(run_id)}
