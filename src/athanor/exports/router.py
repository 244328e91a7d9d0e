"""Exports: ask for one, watch it live, cancel or retry it, download the result and see
its first pages; templates and the tenant's export settings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import DbSession, RuntimeDep, require
from athanor.access.principal import Principal
from athanor.audit import service as audit
from athanor.core.context import request_locale
from athanor.core.errors import problem_responses
from athanor.core.i18n import translate
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.execution import live
from athanor.execution.sse import sse_response
from athanor.exports import runner, service
from athanor.exports.exceptions import ExportNotReady, PreviewPageNotFound
from athanor.exports.models import FINISHED_EXPORT, ExportJob, ExportStatus
from athanor.exports.render import BUILTIN_LAYOUTS, ExportFormat, Layout
from athanor.exports.schemas import (
    ExportCreate,
    ExportError,
    ExportRead,
    ExportTemplateCreate,
    ExportTemplateRead,
    ExportTemplateWrite,
)
from athanor.exports.tasks import request_export
from athanor.storage import service as storage
from athanor.storage.backends.base import read_all
from athanor.storage.delivery import Caching, deliver
from athanor.tenancy.permissions import Permission
from athanor.tenancy.schemas import ExportDefaults, Slug

router = APIRouter(
    prefix="/api/exports",
    route_class=StrictJsonRoute,
    tags=["exports"],
    responses=problem_responses(400, 401, 403, 404, 409, 422, 429),
)

Reader = Annotated[Principal, Depends(require(Permission.FILES_READ))]
Writer = Annotated[Principal, Depends(require(Permission.FILES_WRITE))]
Manager = Annotated[Principal, Depends(require(Permission.TENANT_WRITE))]


def _read(job: ExportJob) -> ExportRead:
    error = None
    if job.error_code:
        message = translate(job.error_message or "", request_locale.get(), **(job.error_params or {}))
        error = ExportError(code=job.error_code, message=message)
    return ExportRead(
        id=job.id,
        title=job.title,
        source_kind=job.source_kind,
        source_id=job.source_id,
        format=ExportFormat(job.format),
        template=job.template,
        status=job.status,
        progress=job.progress,
        stage=job.stage,
        attempts=job.attempts,
        error=error,
        file_id=job.result_file_id,
        file_version=job.result_version,
        size=job.result_size,
        preview_pages=job.preview_pages,
        duration_ms=job.duration_ms,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


async def _own(session: AsyncSession, principal: Principal, job_id: uuid.UUID) -> ExportJob:
    return await service.get_job(session, job_id, user_id=principal.user.id)


# Templates and settings ---------------------------------------------------------------------


@router.get("/templates", response_model=list[ExportTemplateRead])
async def list_templates(_principal: Reader, session: DbSession) -> list[ExportTemplateRead]:
    """The built-in layouts, then the tenant's own."""
    builtin = [
        ExportTemplateRead(
            slug=slug,
            name=translate(service.BUILTIN_NAMES.get(slug, slug), request_locale.get()),
            description=translate(layout.description, request_locale.get()),
            builtin=True,
            layout=layout,
        )
        for slug, layout in BUILTIN_LAYOUTS.items()
    ]
    own = [
        ExportTemplateRead(
            slug=template.slug,
            name=template.name,
            description=template.description,
            builtin=False,
            layout=Layout.model_validate(template.layout),
        )
        for template in await service.tenant_templates(session)
    ]
    return builtin + own


@router.post("/templates", response_model=ExportTemplateRead, status_code=status.HTTP_201_CREATED)
async def create_template(
    body: ExportTemplateCreate, principal: Manager, session: DbSession
) -> ExportTemplateRead:
    template = await service.create_template(
        session,
        slug=body.slug,
        name=body.name,
        description=body.description,
        layout=body.layout,
        user_id=principal.user.id,
    )
    await audit.record(
        session,
        action="export.template_created",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="export_template",
        target_id=template.id,
        details={"slug": template.slug},
    )
    return ExportTemplateRead(
        slug=body.slug, name=body.name, description=body.description, builtin=False, layout=body.layout
    )


@router.put("/templates/{slug}", response_model=ExportTemplateRead)
async def update_template(
    slug: Slug, body: ExportTemplateWrite, _principal: Manager, session: DbSession
) -> ExportTemplateRead:
    template = await service.get_template(session, slug)
    template.name, template.description = body.name, body.description
    template.layout = body.layout.model_dump(mode="json")
    await session.flush()
    return ExportTemplateRead(
        slug=slug, name=body.name, description=body.description, builtin=False, layout=body.layout
    )


@router.delete("/templates/{slug}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(slug: Slug, _principal: Manager, session: DbSession) -> Response:
    """Exports made with it keep the layout they were made with."""
    await session.delete(await service.get_template(session, slug))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/settings", response_model=ExportDefaults)
async def read_settings(_principal: Reader, session: DbSession) -> ExportDefaults:
    return await service.defaults(session)


@router.put("/settings", response_model=ExportDefaults)
async def write_settings(body: ExportDefaults, _principal: Manager, session: DbSession) -> ExportDefaults:
    return await service.set_defaults(session, body)


# Exports --------------------------------------------------------------------------------------


@router.post("", response_model=ExportRead, status_code=status.HTTP_202_ACCEPTED)
async def create_export(body: ExportCreate, principal: Writer, session: DbSession) -> ExportRead:
    """Queue an export on the `export` queue; follow it at `/api/exports/{id}/events`."""
    job = await service.create_job(session, body, user_id=principal.user.id)
    await session.commit()
    request_export(job.tenant_id, job)
    return _read(job)


@router.get("", response_model=Page[ExportRead])
async def list_exports(
    principal: Reader,
    session: DbSession,
    state: Annotated[ExportStatus | None, Query(alias="status")] = None,
    cursor: Cursor = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
) -> dict[str, object]:
    """The caller's exports, newest first."""
    query = select(ExportJob).where(ExportJob.user_id == principal.user.id)
    if state is not None:
        query = query.where(ExportJob.status == state)
    rows = (await session.scalars(paginate_query(query, ExportJob.id, cursor, limit))).all()
    return page_of(rows, limit, _read)


@router.get("/{job_id}", response_model=ExportRead)
async def read_export(job_id: uuid.UUID, principal: Reader, session: DbSession) -> ExportRead:
    return _read(await _own(session, principal, job_id))


@router.get(
    "/{job_id}/events",
    response_class=Response,
    responses={
        200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}, "description": "Progress"}
    },
)
async def export_events(
    job_id: uuid.UUID, principal: Reader, session: DbSession, runtime: RuntimeDep, request: Request
) -> Response:
    """Server-sent `export` events whenever its progress or status changes, until it ends."""
    job = await _own(session, principal, job_id)
    await session.commit()

    async def load(watching: AsyncSession) -> ExportRead:
        return _read(await service.get_job(watching, job.id, user_id=None))

    events = live.watch(
        runtime.db,
        job.tenant_id,
        request,
        event="export",
        load=load,
        finished=lambda read: read.status in FINISHED_EXPORT,
    )
    return sse_response(events, headers={})


@router.post("/{job_id}/cancel", response_model=ExportRead)
async def cancel_export(job_id: uuid.UUID, principal: Writer, session: DbSession) -> ExportRead:
    job = await _own(session, principal, job_id)
    await service.cancel(session, job)
    return _read(job)


@router.post("/{job_id}/retry", response_model=ExportRead, status_code=status.HTTP_202_ACCEPTED)
async def retry_export(job_id: uuid.UUID, principal: Writer, session: DbSession) -> ExportRead:
    job = await _own(session, principal, job_id)
    await service.retry(session, job)
    await session.commit()
    request_export(job.tenant_id, job)
    return _read(job)


@router.get(
    "/{job_id}/download",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
async def download_export(
    job_id: uuid.UUID, request: Request, principal: Reader, session: DbSession, runtime: RuntimeDep
) -> Response:
    job = await _own(session, principal, job_id)
    if job.status is not ExportStatus.SUCCEEDED or job.result_file_id is None:
        raise ExportNotReady()
    stored = await storage.get_file(session, job.result_file_id, deleted=True)
    version = await storage.get_version(session, stored, job.result_version)
    caching = Caching(max_age=3600, immutable=True)
    return await deliver(request, runtime.files, session, stored, version, download=True, caching=caching)


@router.get(
    "/{job_id}/preview/{page}",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
async def preview_page(
    job_id: uuid.UUID,
    page: Annotated[int, Path(ge=1, le=runner.PREVIEW_PAGES)],
    principal: Reader,
    session: DbSession,
    runtime: RuntimeDep,
) -> Response:
    """One of the export's first pages as PNG."""
    job = await _own(session, principal, job_id)
    if page > job.preview_pages:
        raise PreviewPageNotFound(params={"page": page})
    png = await read_all(runtime.files, runner.preview_key(job, page))
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})
