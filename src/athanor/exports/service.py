"""Export jobs: asking for one, cancelling and retrying it, and templates and settings.
The rendering itself is in `runner`."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.core.errors import AppError
from athanor.core.i18n import _
from athanor.db.scope import scope_of
from athanor.engines.models import Execution
from athanor.exports.exceptions import (
    ExportFinished,
    ExportNotFound,
    ExportNotRetryable,
    SourceNotFound,
    TemplateNotFound,
    TemplateSlugTaken,
)
from athanor.exports.models import FINISHED_EXPORT, ExportJob, ExportStatus, ExportTemplate, SourceKind
from athanor.exports.render import BUILTIN_LAYOUTS, Layout
from athanor.exports.schemas import (
    ExportContentSource,
    ExportCreate,
    ExportFileSource,
    ExportRunSource,
    Source,
)
from athanor.storage import service as storage
from athanor.tenancy.models import Tenant
from athanor.tenancy.schemas import ExportDefaults
from athanor.tenancy.service import tenant_settings
from athanor.workflows.models import WorkflowRun

# The built-in layouts' names, as people read them.
BUILTIN_NAMES = {
    "classic": _("Classic book"),
    "modern": _("Modern report"),
    "manuscript": _("Manuscript"),
    "compact": _("Compact"),
}


def _tenant_id(session: AsyncSession) -> uuid.UUID:
    tenant_id = scope_of(session).tenant_id
    assert tenant_id is not None, "exports run in a tenant scope"
    return tenant_id


# Settings and templates -------------------------------------------------------------------


async def defaults(session: AsyncSession) -> ExportDefaults:
    tenant = await session.get(Tenant, _tenant_id(session))
    assert tenant is not None
    return tenant_settings(tenant).exports


async def set_defaults(session: AsyncSession, values: ExportDefaults) -> ExportDefaults:
    await resolve_layout(session, values.template)
    tenant = await session.get(Tenant, _tenant_id(session), with_for_update=True)
    assert tenant is not None
    tenant.settings = {**(tenant.settings or {}), "exports": values.model_dump(mode="json")}
    await session.flush()
    return values


async def tenant_templates(session: AsyncSession) -> list[ExportTemplate]:
    return list(await session.scalars(select(ExportTemplate).order_by(ExportTemplate.name)))


async def get_template(session: AsyncSession, slug: str) -> ExportTemplate:
    found = await session.scalar(select(ExportTemplate).where(ExportTemplate.slug == slug))
    if found is None:
        raise TemplateNotFound(params={"template": slug})
    return found


async def resolve_layout(session: AsyncSession, slug: str) -> Layout:
    """A built-in layout or the tenant's template of that slug."""
    if slug in BUILTIN_LAYOUTS:
        return BUILTIN_LAYOUTS[slug]
    return Layout.model_validate((await get_template(session, slug)).layout)


async def create_template(
    session: AsyncSession, *, slug: str, name: str, description: str, layout: Layout, user_id: uuid.UUID
) -> ExportTemplate:
    taken = await session.scalar(select(ExportTemplate.id).where(ExportTemplate.slug == slug))
    if slug in BUILTIN_LAYOUTS or taken is not None:
        raise TemplateSlugTaken()
    template = ExportTemplate(
        tenant_id=_tenant_id(session),
        slug=slug,
        name=name,
        description=description,
        layout=layout.model_dump(mode="json"),
        created_by_id=user_id,
    )
    session.add(template)
    await session.flush()
    return template


# Jobs ---------------------------------------------------------------------------------------


async def _check_source(
    session: AsyncSession, source: Source
) -> tuple[SourceKind, uuid.UUID | None, int | None]:
    """The source's kind, id and pinned version; SourceNotFound if it is not there."""
    if isinstance(source, ExportContentSource):
        return SourceKind.CONTENT, None, None
    if isinstance(source, ExportFileSource):
        stored = await storage.get_file(session, source.file_id)
        version = await storage.get_version(session, stored, source.version)
        return SourceKind.FILE, stored.id, version.number
    if isinstance(source, ExportRunSource):
        if await session.get(WorkflowRun, source.run_id) is None:
            raise SourceNotFound()
        return SourceKind.RUN, source.run_id, None
    if await session.get(Execution, source.execution_id) is None:
        raise SourceNotFound()
    return SourceKind.EXECUTION, source.execution_id, None


async def create_job(session: AsyncSession, body: ExportCreate, *, user_id: uuid.UUID) -> ExportJob:
    """A queued export; the caller enqueues it once this commits."""
    settings = await defaults(session)
    kind, source_id, version = await _check_source(session, body.source)
    template = body.template or settings.template
    layout = await resolve_layout(session, template)
    inline = body.source if isinstance(body.source, ExportContentSource) else None
    job = ExportJob(
        tenant_id=_tenant_id(session),
        user_id=user_id,
        # Without one, the document names itself (front matter, file name, first heading).
        title=body.title or "",
        source_kind=kind,
        source_id=source_id,
        source_version=version,
        content=inline.content if inline else None,
        content_type=inline.content_type if inline else "markdown",
        format=(body.format or settings.format).value,
        template=template,
        layout=layout.model_dump(mode="json"),
    )
    session.add(job)
    await session.flush()
    return job


async def get_job(session: AsyncSession, job_id: uuid.UUID, *, user_id: uuid.UUID | None) -> ExportJob:
    """An export of the user's (any of the tenant's with `user_id` None)."""
    job = await session.get(ExportJob, job_id)
    if job is None or (user_id is not None and job.user_id != user_id):
        raise ExportNotFound()
    return job


async def cancel(session: AsyncSession, job: ExportJob) -> None:
    """A queued export never starts; a running one stops at its next progress report."""
    await session.refresh(job, with_for_update=True)
    if job.status in FINISHED_EXPORT:
        raise ExportFinished()
    job.status = ExportStatus.CANCELLED
    await session.flush()


async def retry(session: AsyncSession, job: ExportJob) -> None:
    await session.refresh(job, with_for_update=True)
    if job.status not in (ExportStatus.FAILED, ExportStatus.CANCELLED):
        raise ExportNotRetryable()
    job.status = ExportStatus.QUEUED
    job.progress, job.stage = 0.0, ""
    job.error_code = job.error_message = None
    job.error_params = {}
    job.finished_at = job.started_at = None
    job.duration_ms = None
    await session.flush()


def record_failure(job: ExportJob, error: AppError | Any) -> None:
    """Keep the error's code, message id and parameters: it is translated when read."""
    job.status = ExportStatus.FAILED
    job.error_code = error.code
    job.error_message = error.message
    job.error_params = {key: str(value) for key, value in dict(error.params).items()}
