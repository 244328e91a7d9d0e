"""Workflows, their versions, templates and triggers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from croniter import CroniterBadCronError, croniter
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.core.errors import FieldProblem
from athanor.core.security import new_token, token_hash
from athanor.db.types import utcnow
from athanor.engines import service as engines
from athanor.engines.exceptions import EngineNotFound
from athanor.engines.models import VersionStatus
from athanor.workflows.definition import Definition
from athanor.workflows.exceptions import (
    InvalidCron,
    InvalidDefinition,
    RunNotFound,
    TemplateNotFound,
    TriggerNotFound,
    WorkflowNotFound,
    WorkflowNotPublished,
    WorkflowSlugTaken,
    WorkflowVersionNotFound,
    WorkflowVersionPublished,
)
from athanor.workflows.models import (
    TriggerKind,
    WebhookSecret,
    Workflow,
    WorkflowRun,
    WorkflowTemplate,
    WorkflowTrigger,
    WorkflowVersion,
)
from athanor.workflows.nodes.base import TEXT_OUTPUT
from athanor.workflows.validation import Problem, validate


class TenantLookup:
    """Validation's view of the tenant's engines and workflows."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def engine_schemas(self, slug: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        try:
            engine = await engines.engine_by_slug(self._session, slug)
        except EngineNotFound:
            return None
        version = await engines.published_version(self._session, engine)
        if version is None:
            return None
        return version.input_schema or {"type": "object"}, version.output_schema or TEXT_OUTPUT

    async def workflow_exists(self, slug: str) -> bool:
        found = await self._session.scalar(
            select(Workflow.id).where(
                Workflow.slug == slug,
                Workflow.archived_at.is_(None),
                Workflow.published_version_id.is_not(None),
            )
        )
        return found is not None


async def problems_of(session: AsyncSession, document: Any) -> list[Problem]:
    _definition, problems = await validate(document, TenantLookup(session))
    return problems


def as_field_problems(problems: Sequence[Problem]) -> list[FieldProblem]:
    return [
        FieldProblem(
            f"body.definition.{item.field}", item.code, item.message, {**item.params, "node": item.node_id}
        )
        for item in problems
    ]


async def _valid(session: AsyncSession, document: Any) -> None:
    problems = await problems_of(session, document)
    if problems:
        raise InvalidDefinition(params={"count": len(problems)}, fields=as_field_problems(problems))


def _shaped(document: Definition | dict[str, Any]) -> dict[str, Any]:
    """A draft may have problems, but not a wrong shape (it could not even be drawn)."""
    if isinstance(document, Definition):
        return document.model_dump(mode="json", exclude_none=True)
    try:
        return Definition.model_validate(document).model_dump(mode="json", exclude_none=True)
    except ValidationError as error:
        problems = [
            FieldProblem(
                "body.definition." + ".".join(str(part) for part in item["loc"]), "invalid", item["msg"]
            )
            for item in error.errors()
        ]
        raise InvalidDefinition(params={"count": len(problems)}, fields=problems) from None


# Workflows and versions


async def create_workflow(
    session: AsyncSession,
    *,
    slug: str,
    name: str,
    description: str,
    definition: Definition | dict[str, Any],
    author_id: uuid.UUID,
) -> tuple[Workflow, WorkflowVersion]:
    workflow = Workflow(slug=slug, name=name, description=description)
    try:
        async with session.begin_nested():
            session.add(workflow)
            await session.flush()
    except IntegrityError:
        raise WorkflowSlugTaken() from None
    version = WorkflowVersion(
        workflow_id=workflow.id, number=1, definition=_shaped(definition), created_by_id=author_id
    )
    session.add(version)
    await session.flush()
    return workflow, version


async def get_workflow(session: AsyncSession, workflow_id: uuid.UUID) -> Workflow:
    workflow = await session.get(Workflow, workflow_id)
    if workflow is None or workflow.archived_at is not None:
        raise WorkflowNotFound()
    return workflow


async def workflow_by_slug(session: AsyncSession, slug: str) -> Workflow:
    workflow = await session.scalar(
        select(Workflow).where(Workflow.slug == slug, Workflow.archived_at.is_(None))
    )
    if workflow is None:
        raise WorkflowNotFound()
    return workflow


async def versions_of(session: AsyncSession, workflow_id: uuid.UUID) -> Sequence[WorkflowVersion]:
    return (
        await session.scalars(
            select(WorkflowVersion)
            .where(WorkflowVersion.workflow_id == workflow_id)
            .order_by(WorkflowVersion.number)
        )
    ).all()


async def get_version(
    session: AsyncSession, workflow: Workflow, number: int | None = None
) -> WorkflowVersion:
    statement = select(WorkflowVersion).where(WorkflowVersion.workflow_id == workflow.id)
    if number is None:
        statement = statement.order_by(WorkflowVersion.number.desc()).limit(1)
    else:
        statement = statement.where(WorkflowVersion.number == number)
    version = await session.scalar(statement)
    if version is None:
        raise WorkflowVersionNotFound()
    return version


async def published_version(session: AsyncSession, workflow: Workflow) -> WorkflowVersion:
    if workflow.published_version_id is None:
        raise WorkflowNotPublished()
    return await session.get_one(WorkflowVersion, workflow.published_version_id)


async def new_version(
    session: AsyncSession,
    *,
    workflow: Workflow,
    definition: Definition,
    author_id: uuid.UUID,
    notes: str = "",
) -> WorkflowVersion:
    latest = await get_version(session, workflow)
    version = WorkflowVersion(
        workflow_id=workflow.id,
        number=latest.number + 1,
        definition=_shaped(definition),
        created_by_id=author_id,
        notes=notes,
    )
    session.add(version)
    await session.flush()
    return version


async def update_draft(
    session: AsyncSession, *, version: WorkflowVersion, definition: Definition, notes: str
) -> WorkflowVersion:
    if version.status is not VersionStatus.DRAFT:
        raise WorkflowVersionPublished()
    version.definition = _shaped(definition)
    version.notes = notes
    return version


async def publish(session: AsyncSession, *, workflow: Workflow, version: WorkflowVersion) -> WorkflowVersion:
    """Make `version` the one runs use, if it has no problems; the previous one retires."""
    await _valid(session, version.definition)
    if version.status is VersionStatus.PUBLISHED:
        return version
    if workflow.published_version_id is not None and workflow.published_version_id != version.id:
        previous = await session.get_one(WorkflowVersion, workflow.published_version_id)
        previous.status = VersionStatus.RETIRED
    version.status, version.published_at = VersionStatus.PUBLISHED, utcnow()
    workflow.published_version_id = version.id
    return version


async def runnable_version(session: AsyncSession, workflow: Workflow, number: int | None) -> WorkflowVersion:
    """The published version, or a chosen one (a draft must have no problems to run)."""
    if number is None:
        return await published_version(session, workflow)
    version = await get_version(session, workflow, number)
    if version.status is VersionStatus.DRAFT:
        await _valid(session, version.definition)
    return version


async def get_run(session: AsyncSession, run_id: uuid.UUID) -> WorkflowRun:
    run = await session.get(WorkflowRun, run_id)
    if run is None:
        raise RunNotFound()
    return run


# Templates


async def templates(session: AsyncSession) -> Sequence[WorkflowTemplate]:
    return (
        await session.scalars(
            select(WorkflowTemplate).order_by(WorkflowTemplate.category, WorkflowTemplate.name)
        )
    ).all()


async def get_template(session: AsyncSession, template_id: uuid.UUID) -> WorkflowTemplate:
    template = await session.get(WorkflowTemplate, template_id)
    if template is None:
        raise TemplateNotFound()
    return template


async def save_template(
    session: AsyncSession, *, workflow: Workflow, version: WorkflowVersion, category: str
) -> WorkflowTemplate:
    """Share a workflow's version as a tenant template."""
    template = WorkflowTemplate(
        slug=workflow.slug,
        name=workflow.name,
        description=workflow.description,
        category=category,
        definition=version.definition,
    )
    try:
        async with session.begin_nested():
            session.add(template)
            await session.flush()
    except IntegrityError:
        raise WorkflowSlugTaken() from None
    return template


# Triggers


def next_fire(cron: str, after: datetime) -> datetime:
    try:
        return croniter(cron, after).get_next(datetime)  # type: ignore[no-any-return]
    except (CroniterBadCronError, ValueError, KeyError) as error:
        raise InvalidCron(
            params={"reason": str(error)},
            fields=[FieldProblem("body.cron", "invalid_cron", InvalidCron.message, {"reason": str(error)})],
        ) from None


async def add_schedule(
    session: AsyncSession, *, workflow: Workflow, cron: str, inputs: dict[str, Any], user_id: uuid.UUID
) -> WorkflowTrigger:
    trigger = WorkflowTrigger(
        workflow_id=workflow.id,
        kind=TriggerKind.SCHEDULE,
        cron=cron,
        next_run_at=next_fire(cron, utcnow()),
        inputs=inputs,
        user_id=user_id,
    )
    session.add(trigger)
    await session.flush()
    return trigger


async def add_webhook(
    session: AsyncSession, *, workflow: Workflow, inputs: dict[str, Any], user_id: uuid.UUID, token_key: str
) -> tuple[WorkflowTrigger, str]:
    """A webhook trigger and its secret, shown once (only its keyed hash is kept)."""
    secret = new_token("whk_")
    trigger = WorkflowTrigger(
        workflow_id=workflow.id, kind=TriggerKind.WEBHOOK, inputs=inputs, user_id=user_id
    )
    session.add(trigger)
    await session.flush()
    session.add(
        WebhookSecret(
            trigger_id=trigger.id, tenant_id=trigger.tenant_id, secret_hash=token_hash(secret, key=token_key)
        )
    )
    await session.flush()
    return trigger, secret


async def webhook_target(session: AsyncSession, secret: str, token_key: str) -> WebhookSecret | None:
    """The webhook a secret opens, read before the tenant is known."""
    return await session.scalar(
        select(WebhookSecret).where(WebhookSecret.secret_hash == token_hash(secret, key=token_key))
    )


async def triggers_of(session: AsyncSession, workflow_id: uuid.UUID) -> Sequence[WorkflowTrigger]:
    return (
        await session.scalars(
            select(WorkflowTrigger)
            .where(WorkflowTrigger.workflow_id == workflow_id)
            .order_by(WorkflowTrigger.created_at)
        )
    ).all()


async def get_trigger(
    session: AsyncSession, workflow_id: uuid.UUID, trigger_id: uuid.UUID
) -> WorkflowTrigger:
    trigger = await session.get(WorkflowTrigger, trigger_id)
    if trigger is None or trigger.workflow_id != workflow_id:
        raise TriggerNotFound()
    return trigger


async def due_schedules(session: AsyncSession, now: datetime) -> Sequence[WorkflowTrigger]:
    return (
        await session.scalars(
            select(WorkflowTrigger)
            .where(
                WorkflowTrigger.kind == TriggerKind.SCHEDULE,
                WorkflowTrigger.enabled.is_(True),
                WorkflowTrigger.next_run_at <= now,
            )
            .with_for_update(skip_locked=True)
        )
    ).all()


async def run_counts(session: AsyncSession, workflow_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(WorkflowRun.workflow_id, func.count())
        .where(WorkflowRun.workflow_id.in_(workflow_ids))
        .group_by(WorkflowRun.workflow_id)
    )
    return {workflow_id: count for workflow_id, count in rows.all()}
