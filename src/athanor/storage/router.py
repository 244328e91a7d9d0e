"""Files: buckets, streamed and resumable uploads, listing, versions, delivery with Range
and ETag, signed links, public files, previews and usage."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import AnonymousLimit, DbSession, RuntimeDep, require
from athanor.access.principal import Principal
from athanor.audit import service as audit
from athanor.core.errors import problem_responses
from athanor.core.pagination import MAX_PAGE_SIZE
from athanor.core.routing import StrictJsonRoute
from athanor.db.scope import DbScope, set_scope
from athanor.runtime import Runtime
from athanor.settings import derive_secret
from athanor.storage import links, listing, quota, service, uploads
from athanor.storage.backends.base import read_all
from athanor.storage.delivery import Caching, deliver
from athanor.storage.exceptions import BucketNotFound, FileNotFound, FileTooLarge, LinkInvalid, UploadNotFound
from athanor.storage.ingest import blob_key, receive
from athanor.storage.models import Blob, Bucket, FileVersion, PreviewStatus, StoredFile, Upload, Visibility
from athanor.storage.names import clean_folder, clean_path
from athanor.storage.schemas import (
    BucketCreate,
    BucketName,
    BucketRead,
    BucketUpdate,
    FileListing,
    FileMove,
    FileRead,
    LinkCreate,
    LinkRead,
    PartRead,
    PreviewRead,
    UploadCreate,
    UploadRead,
    UsageRead,
    VersionRead,
)
from athanor.storage.tasks import request_previews
from athanor.tenancy.models import Tenant
from athanor.tenancy.permissions import Permission

router = APIRouter(
    prefix="/api/storage",
    route_class=StrictJsonRoute,
    tags=["storage"],
    responses=problem_responses(400, 401, 403, 404, 409, 422, 429),
)

Reader = Annotated[Principal, Depends(require(Permission.FILES_READ))]
Writer = Annotated[Principal, Depends(require(Permission.FILES_WRITE))]
Manager = Annotated[Principal, Depends(require(Permission.TENANT_WRITE))]
VersionNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]
PUBLIC_MAX_AGE = 3600


def is_streamed_upload(path: str) -> bool:
    """Paths whose bodies are files: the JSON body limit does not apply to them."""
    return path.startswith("/api/storage/") and (
        path.endswith("/files") or ("/uploads/" in path and "/parts/" in path)
    )


def _chunks(request: Request) -> AsyncIterator[bytes]:
    return request.stream()


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def _declared_type(request: Request) -> str | None:
    value = request.headers.get("content-type")
    return value.split(";")[0].strip()[:127] if value else None


# Reading shapes ---------------------------------------------------------------------------


def _public_url(runtime: Runtime, tenant_slug: str, bucket: Bucket, stored: StoredFile) -> str | None:
    if bucket.visibility is not Visibility.PUBLIC_READ:
        return None
    base = (runtime.settings.storage_cdn_base_url or runtime.settings.public_url).rstrip("/")
    return f"{base}/api/storage/public/{tenant_slug}/{bucket.name}/{quote(stored.path)}"


async def _file_reads(
    session: AsyncSession, runtime: Runtime, bucket: Bucket, files: list[StoredFile]
) -> list[FileRead]:
    blob_ids = {}
    if files:
        current = await session.execute(
            select(FileVersion.id, Blob)
            .join(Blob, Blob.id == FileVersion.blob_id)
            .where(FileVersion.id.in_([f.current_version_id for f in files if f.current_version_id]))
        )
        blob_ids = {version_id: blob for version_id, blob in current.all()}
    tenant = await session.get(Tenant, bucket.tenant_id)
    assert tenant is not None
    reads = []
    for stored in files:
        blob = blob_ids.get(stored.current_version_id) if stored.current_version_id else None
        reads.append(
            FileRead(
                id=stored.id,
                bucket=bucket.name,
                path=stored.path,
                folder=stored.folder,
                name=stored.name,
                size=stored.size,
                content_type=stored.content_type,
                sha256=stored.sha256,
                version=stored.version_count,
                version_count=stored.version_count,
                created_at=stored.created_at,
                updated_at=stored.updated_at,
                deleted_at=stored.deleted_at,
                preview=_preview(stored, blob),
                public_url=_public_url(runtime, tenant.slug, bucket, stored),
            )
        )
    return reads


def _preview(stored: StoredFile, blob: Blob | None) -> PreviewRead:
    if blob is None:
        return PreviewRead(status=PreviewStatus.NONE)
    image = f"/api/storage/files/{stored.id}/preview" if blob.preview_key else None
    return PreviewRead(status=blob.preview_status, image_url=image, text=blob.preview_text)


async def _file_read(session: AsyncSession, runtime: Runtime, stored: StoredFile) -> FileRead:
    bucket = await session.get(Bucket, stored.bucket_id)
    assert bucket is not None
    return (await _file_reads(session, runtime, bucket, [stored]))[0]


async def _bucket_read(session: AsyncSession, bucket: Bucket) -> BucketRead:
    return BucketRead(
        id=bucket.id,
        name=bucket.name,
        visibility=bucket.visibility,
        description=bucket.description,
        quota_bytes=bucket.quota_bytes,
        used_bytes=await quota.bucket_usage(session, bucket.id),
        created_at=bucket.created_at,
    )


# Buckets ----------------------------------------------------------------------------------


@router.get("/buckets", response_model=list[BucketRead])
async def list_buckets(_principal: Reader, session: DbSession) -> list[BucketRead]:
    buckets = await session.scalars(select(Bucket).order_by(Bucket.name))
    return [await _bucket_read(session, bucket) for bucket in buckets]


@router.post("/buckets", response_model=BucketRead, status_code=status.HTTP_201_CREATED)
async def create_bucket(body: BucketCreate, principal: Manager, session: DbSession) -> BucketRead:
    bucket = await service.create_bucket(
        session,
        name=body.name,
        visibility=body.visibility,
        description=body.description,
        quota_bytes=body.quota_bytes,
    )
    await audit.record(
        session,
        action="storage.bucket_created",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="bucket",
        target_id=bucket.id,
        details={"name": bucket.name, "visibility": bucket.visibility.value},
    )
    return await _bucket_read(session, bucket)


@router.get("/buckets/{bucket}", response_model=BucketRead)
async def read_bucket(bucket: BucketName, _principal: Reader, session: DbSession) -> BucketRead:
    return await _bucket_read(session, await service.get_bucket(session, bucket))


@router.patch("/buckets/{bucket}", response_model=BucketRead)
async def update_bucket(
    bucket: BucketName, body: BucketUpdate, principal: Manager, session: DbSession
) -> BucketRead:
    found = await service.get_bucket(session, bucket)
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        setattr(found, field, value)
    await session.flush()
    await audit.record(
        session,
        action="storage.bucket_updated",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="bucket",
        target_id=found.id,
        details={key: str(value) for key, value in changes.items()},
    )
    return await _bucket_read(session, found)


@router.delete("/buckets/{bucket}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_bucket(bucket: BucketName, principal: Manager, session: DbSession) -> Response:
    found = await service.get_bucket(session, bucket)
    await service.delete_bucket(session, found)
    await audit.record(
        session,
        action="storage.bucket_deleted",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="bucket",
        target_id=found.id,
        details={"name": found.name},
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Files ------------------------------------------------------------------------------------


@router.get("/buckets/{bucket}/files", response_model=FileListing)
async def list_files(
    bucket: BucketName,
    _principal: Reader,
    session: DbSession,
    runtime: RuntimeDep,
    folder: Annotated[str, Query(max_length=1024, description="A folder such as `reports/2026/`")] = "",
    q: Annotated[str | None, Query(max_length=200, description="Search names below the folder")] = None,
    kind: Annotated[listing.TypeFilter | None, Query(alias="type")] = None,
    sort: listing.SortKey = listing.SortKey.NAME,
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    deleted: Annotated[bool, Query(description="List deleted files (restorable until purged)")] = False,
    cursor: Annotated[str | None, Query(max_length=600, pattern=r"^[A-Za-z0-9_-]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> FileListing:
    found = await service.get_bucket(session, bucket)
    query = listing.Query(
        folder=clean_folder(folder),
        search=q or None,
        kind=kind,
        sort=sort,
        descending=order == "desc",
        deleted=deleted,
        cursor=cursor,
        limit=limit,
    )
    page = await listing.list_files(session, found.id, query)
    return FileListing(
        folder=query.folder,
        folders=page.folders,
        items=await _file_reads(session, runtime, found, page.files),
        next_cursor=page.next_cursor,
    )


@router.put(
    "/buckets/{bucket}/files",
    response_model=FileRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(413),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload_file(
    bucket: BucketName,
    path: Annotated[str, Query(min_length=1, max_length=1024, description="Where to store the file")],
    request: Request,
    response: Response,
    principal: Writer,
    session: DbSession,
    runtime: RuntimeDep,
) -> FileRead:
    """Store the request body at `path`: a new file, or a new version of the file there.
    The body streams to storage; its type is read from its bytes."""
    found = await service.get_bucket(session, bucket)
    clean = clean_path(path)
    limit = runtime.settings.storage_max_upload_bytes
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise FileTooLarge(params={"limit": limit})
    await quota.ensure_room(session, found, principal.user.id, declared or 0)
    # No transaction stays open while the body streams in.
    await session.commit()
    received = await receive(runtime.files, blob_key(found.tenant_id), _chunks(request), limit=limit)
    recorded = await service.record(
        session,
        runtime.files,
        received,
        bucket=found,
        path=clean,
        declared_type=_declared_type(request),
        user_id=principal.user.id,
    )
    await session.commit()
    if recorded.new_blob:
        request_previews(found.tenant_id, [recorded.version.blob_id])
    if not recorded.created:
        response.status_code = status.HTTP_200_OK
    return await _file_read(session, runtime, recorded.file)


@router.get("/files/{file_id}", response_model=FileRead)
async def read_file(
    file_id: uuid.UUID, _principal: Reader, session: DbSession, runtime: RuntimeDep
) -> FileRead:
    return await _file_read(session, runtime, await service.get_file(session, file_id, deleted=True))


@router.patch("/files/{file_id}", response_model=FileRead)
async def move_file(
    file_id: uuid.UUID, body: FileMove, _principal: Writer, session: DbSession, runtime: RuntimeDep
) -> FileRead:
    """Move or rename a file; it keeps its versions."""
    stored = await service.get_file(session, file_id)
    target = (
        await service.get_bucket(session, body.bucket) if body.bucket else await _bucket_of(session, stored)
    )
    return await _file_read(
        session, runtime, await service.move(session, stored, bucket=target, path=body.path)
    )


@router.post("/files/{file_id}/copy", response_model=FileRead, status_code=status.HTTP_201_CREATED)
async def copy_file(
    file_id: uuid.UUID, body: FileMove, principal: Writer, session: DbSession, runtime: RuntimeDep
) -> FileRead:
    stored = await service.get_file(session, file_id)
    target = (
        await service.get_bucket(session, body.bucket) if body.bucket else await _bucket_of(session, stored)
    )
    duplicate = await service.copy(session, stored, bucket=target, path=body.path, user_id=principal.user.id)
    return await _file_read(session, runtime, duplicate)


@router.delete("/files/{file_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_file(file_id: uuid.UUID, _principal: Writer, session: DbSession) -> Response:
    """Soft delete: listed under `deleted=true` and restorable until the retention ends."""
    await service.soft_delete(session, await service.get_file(session, file_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/files/{file_id}/undelete", response_model=FileRead)
async def undelete_file(
    file_id: uuid.UUID, _principal: Writer, session: DbSession, runtime: RuntimeDep
) -> FileRead:
    stored = await service.get_file(session, file_id, deleted=True)
    await service.undelete(session, stored)
    return await _file_read(session, runtime, stored)


async def _bucket_of(session: AsyncSession, stored: StoredFile) -> Bucket:
    bucket = await session.get(Bucket, stored.bucket_id)
    if bucket is None:
        raise BucketNotFound()
    return bucket


# Versions ---------------------------------------------------------------------------------


@router.get("/files/{file_id}/versions", response_model=list[VersionRead])
async def list_versions(file_id: uuid.UUID, _principal: Reader, session: DbSession) -> list[VersionRead]:
    stored = await service.get_file(session, file_id, deleted=True)
    return [
        VersionRead(
            number=version.number,
            size=version.size,
            content_type=version.content_type,
            declared_type=version.declared_type,
            sha256=version.sha256,
            restored_from=version.restored_from,
            created_by_id=version.created_by_id,
            created_at=version.created_at,
            current=version.id == stored.current_version_id,
        )
        for version in await service.list_versions(session, stored)
    ]


@router.post("/files/{file_id}/versions/{number}/restore", response_model=FileRead)
async def restore_version(
    file_id: uuid.UUID, number: VersionNumber, principal: Writer, session: DbSession, runtime: RuntimeDep
) -> FileRead:
    """The version's content becomes the current version (as a new version)."""
    stored = await service.get_file(session, file_id)
    await service.restore_version(session, stored, number, user_id=principal.user.id)
    return await _file_read(session, runtime, stored)


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
async def file_preview(
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


# Resumable uploads --------------------------------------------------------------------------


async def _upload_read(session: AsyncSession, upload: Upload) -> UploadRead:
    bucket = await session.get(Bucket, upload.bucket_id)
    assert bucket is not None
    parts = await uploads.parts_of(session, upload.id)
    return UploadRead(
        id=upload.id,
        bucket=bucket.name,
        path=upload.path,
        size=upload.size,
        part_size=upload.part_size,
        part_count=uploads.part_count(upload),
        status=upload.status,
        expires_at=upload.expires_at,
        received=[PartRead(number=p.number, size=p.size, sha256=p.sha256) for p in parts],
        file_id=upload.file_id,
    )


@router.post("/uploads", response_model=UploadRead, status_code=status.HTTP_201_CREATED)
async def start_upload(
    body: UploadCreate, principal: Writer, session: DbSession, runtime: RuntimeDep
) -> UploadRead:
    """Start a resumable upload: send `part_count` parts of `part_size` bytes (the last
    one smaller), in any order, then complete it."""
    bucket = await service.get_bucket(session, body.bucket)
    upload = await uploads.start(
        session,
        runtime.settings,
        bucket=bucket,
        path=body.path,
        size=body.size,
        declared_type=body.content_type,
        user_id=principal.user.id,
    )
    return await _upload_read(session, upload)


async def _own_upload(session: AsyncSession, upload_id: uuid.UUID, principal: Principal) -> Upload:
    upload = await session.get(Upload, upload_id)
    if upload is None or upload.created_by_id != principal.user.id:
        raise UploadNotFound()
    return upload


@router.get("/uploads/{upload_id}", response_model=UploadRead)
async def read_upload(upload_id: uuid.UUID, principal: Writer, session: DbSession) -> UploadRead:
    """Which parts arrived: resume by sending the others."""
    return await _upload_read(session, await _own_upload(session, upload_id, principal))


@router.put(
    "/uploads/{upload_id}/parts/{number}",
    response_model=PartRead,
    responses=problem_responses(413),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload_part(
    upload_id: uuid.UUID,
    number: Annotated[int, Path(ge=1, le=100_000)],
    request: Request,
    principal: Writer,
    session: DbSession,
    runtime: RuntimeDep,
) -> PartRead:
    await _own_upload(session, upload_id, principal)
    upload = await uploads.get_open(session, upload_id)
    uploads.check_part_number(upload, number)
    await session.commit()
    received = await uploads.receive_part(runtime.files, upload, number, _chunks(request))
    try:
        upload = await uploads.get_open(session, upload_id)
        part = await uploads.record_part(session, runtime.files, upload, number, received)
    except BaseException:
        await runtime.files.delete(received.key)
        raise
    return PartRead(number=part.number, size=part.size, sha256=part.sha256)


@router.post("/uploads/{upload_id}/complete", response_model=FileRead)
async def complete_upload(
    upload_id: uuid.UUID, principal: Writer, session: DbSession, runtime: RuntimeDep
) -> FileRead:
    """Join the parts into a new version of the file at the upload's path."""
    await _own_upload(session, upload_id, principal)
    upload = await uploads.get_open(session, upload_id)
    bucket = await _upload_bucket(session, upload)
    parts = await uploads.parts_of(session, upload.id)
    await session.commit()
    received = await uploads.assemble(runtime.files, upload, parts)
    upload = await uploads.get_open(session, upload_id)
    recorded, part_keys = await uploads.finish(session, runtime.files, upload, received, bucket=bucket)
    await session.commit()
    for key in part_keys:
        await runtime.files.delete(key)
    if recorded.new_blob:
        request_previews(bucket.tenant_id, [recorded.version.blob_id])
    return await _file_read(session, runtime, recorded.file)


async def _upload_bucket(session: AsyncSession, upload: Upload) -> Bucket:
    bucket = await session.get(Bucket, upload.bucket_id)
    if bucket is None:
        raise BucketNotFound()
    return bucket


@router.delete("/uploads/{upload_id}", status_code=status.HTTP_204_NO_CONTENT)
async def abort_upload(
    upload_id: uuid.UUID, principal: Writer, session: DbSession, runtime: RuntimeDep
) -> Response:
    await _own_upload(session, upload_id, principal)
    upload = await uploads.get_open(session, upload_id)
    keys = await uploads.abort(session, upload)
    await session.commit()
    for key in keys:
        await runtime.files.delete(key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Usage ------------------------------------------------------------------------------------


@router.get("/usage", response_model=UsageRead)
async def usage(principal: Reader, session: DbSession) -> UsageRead:
    stored = await session.scalar(select(func.coalesce(func.sum(Blob.size), 0)))
    return UsageRead(
        used_bytes=await quota.member_usage(session, principal.user.id),
        quota_bytes=await quota.level_quota(session, principal.user.id),
        tenant_bytes=await quota.tenant_usage(session),
        stored_bytes=int(stored or 0),
    )
