"""Content out: downloads with Range and ETag, previews, signed links and public files."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from sqlalchemy import select

from athanor.access.dependencies import AnonymousLimit, DbSession, RuntimeDep
from athanor.audit import service as audit
from athanor.core.errors import problem_responses
from athanor.core.routing import StrictJsonRoute
from athanor.db.scope import DbScope, set_scope
from athanor.settings import derive_secret
from athanor.storage import links, service
from athanor.storage.api.common import PUBLIC_MAX_AGE, Reader
from athanor.storage.backends.base import read_all
from athanor.storage.delivery import Caching, deliver
from athanor.storage.exceptions import FileNotFound, LinkInvalid
from athanor.storage.models import Blob, Bucket, FileVersion, StoredFile, Visibility
from athanor.storage.names import clean_path
from athanor.storage.schemas import (
    BucketName,
    LinkCreate,
    LinkRead,
)
from athanor.tenancy.models import Tenant

router = APIRouter(route_class=StrictJsonRoute)


# Delivery ---------------------------------------------------------------------------------


CONTENT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
    206: {"description": "The requested range"},
    304: {"description": "Not modified (the ETag matches)"},
    **problem_responses(410, 416),
}


@router.get("/files/{file_id}/content", response_class=Response, responses=CONTENT_RESPONSES)
async def download_file(
    file_id: uuid.UUID,
    request: Request,
    _principal: Reader,
    session: DbSession,
    runtime: RuntimeDep,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    download: bool = False,
) -> Response:
    """The content (of the current version, or of `version`), with Range and ETag."""
    stored = await service.get_file(session, file_id)
    found = await service.get_version(session, stored, version)
    # A numbered version never changes; the current one may at any moment.
    caching = Caching(max_age=86400, immutable=True) if version else Caching()
    return await deliver(request, runtime.files, session, stored, found, download=download, caching=caching)


@router.get(
    "/files/{file_id}/preview",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **problem_responses(410)},
)
async def filepreview_of(
    file_id: uuid.UUID,
    _principal: Reader,
    session: DbSession,
    runtime: RuntimeDep,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    stored = await service.get_file(session, file_id, deleted=True)
    found = await service.get_version(session, stored, version)
    blob = await session.get(Blob, found.blob_id)
    if blob is None or blob.preview_key is None:
        raise FileNotFound()
    png = await read_all(runtime.files, blob.preview_key)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@router.post("/files/{file_id}/links", response_model=LinkRead, status_code=status.HTTP_201_CREATED)
async def share_file(
    file_id: uuid.UUID, body: LinkCreate, principal: Reader, session: DbSession, runtime: RuntimeDep
) -> LinkRead:
    """A link anyone can open until it expires, to this version of the file."""
    stored = await service.get_file(session, file_id)
    version = await service.get_version(session, stored, body.version)
    lifetime = min(body.expires_in, runtime.settings.storage_link_max_seconds)
    expires_at = int(time.time()) + lifetime
    target = links.LinkTarget(
        tenant_id=stored.tenant_id, version_id=version.id, expires_at=expires_at, download=body.download
    )
    token = links.sign(derive_secret(runtime.settings, "storage-links"), target)
    await audit.record(
        session,
        action="storage.link_created",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="file",
        target_id=stored.id,
        details={"version": version.number, "expires_in": lifetime},
    )
    return LinkRead(
        url=f"{runtime.settings.public_url.rstrip('/')}/api/storage/links/{token}",
        expires_at=datetime.fromtimestamp(expires_at, UTC),
    )


@router.get(
    "/links/{token}",
    response_class=Response,
    responses=CONTENT_RESPONSES,
    dependencies=[AnonymousLimit],
)
async def open_link(
    token: Annotated[str, Path(max_length=400, pattern=r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")],
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
) -> Response:
    target = links.verify(derive_secret(runtime.settings, "storage-links"), token)
    await set_scope(session, DbScope.for_tenant(target.tenant_id))
    version = await session.get(FileVersion, target.version_id)
    stored = await session.get(StoredFile, version.file_id) if version else None
    if version is None or stored is None or stored.deleted_at is not None:
        raise LinkInvalid()
    caching = Caching(max_age=max(0, min(target.expires_at - int(time.time()), 86400)))
    return await deliver(
        request, runtime.files, session, stored, version, download=target.download, caching=caching
    )


@router.get(
    "/public/{tenant}/{bucket}/{path:path}",
    response_class=Response,
    responses=CONTENT_RESPONSES,
    dependencies=[AnonymousLimit],
)
async def public_file(
    tenant: Annotated[str, Path(max_length=64)],
    bucket: BucketName,
    path: Annotated[str, Path(max_length=1024)],
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
) -> Response:
    """The current version of a file in a public bucket; CDNs cache it."""
    tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == tenant))
    if tenant_id is None:
        raise FileNotFound()
    await set_scope(session, DbScope.for_tenant(tenant_id))
    found = await session.scalar(
        select(Bucket).where(Bucket.name == bucket, Bucket.visibility == Visibility.PUBLIC_READ)
    )
    if found is None:
        raise FileNotFound()
    stored = await service.find_file(session, found, clean_path(path))
    version = await service.get_version(session, stored, None)
    caching = Caching(public=True, max_age=PUBLIC_MAX_AGE)
    return await deliver(request, runtime.files, session, stored, version, download=False, caching=caching)
