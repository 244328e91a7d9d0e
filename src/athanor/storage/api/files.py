"""Files in a bucket: listing, streamed upload, move, copy, soft delete, versions and restore."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from athanor.access.dependencies import DbSession, RuntimeDep
from athanor.core.errors import problem_responses
from athanor.core.pagination import MAX_PAGE_SIZE
from athanor.core.routing import StrictJsonRoute
from athanor.storage import listing, quota, service
from athanor.storage.api.common import (
    Reader,
    VersionNumber,
    Writer,
    bucket_of,
    declared_length,
    declared_type,
    file_read,
    file_reads,
    request_chunks,
)
from athanor.storage.exceptions import FileTooLarge
from athanor.storage.ingest import blob_key, receive
from athanor.storage.names import clean_folder, clean_path
from athanor.storage.schemas import (
    BucketName,
    FileListing,
    FileMove,
    FileRead,
    FileVersionRead,
)
from athanor.storage.tasks import request_previews

router = APIRouter(route_class=StrictJsonRoute)


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
        items=await file_reads(session, runtime, found, page.files),
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
    declared = declared_length(request)
    if declared is not None and declared > limit:
        raise FileTooLarge(params={"limit": limit})
    await quota.ensure_room(session, found, principal.user.id, declared or 0)
    # No transaction stays open while the body streams in.
    await session.commit()
    received = await receive(runtime.files, blob_key(found.tenant_id), request_chunks(request), limit=limit)
    recorded = await service.record(
        session,
        runtime.files,
        received,
        bucket=found,
        path=clean,
        declared_type=declared_type(request),
        user_id=principal.user.id,
    )
    await session.commit()
    if recorded.new_blob:
        request_previews(found.tenant_id, [recorded.version.blob_id])
    if not recorded.created:
        response.status_code = status.HTTP_200_OK
    return await file_read(session, runtime, recorded.file)


@router.get("/files/{file_id}", response_model=FileRead)
async def read_file(
    file_id: uuid.UUID, _principal: Reader, session: DbSession, runtime: RuntimeDep
) -> FileRead:
    return await file_read(session, runtime, await service.get_file(session, file_id, deleted=True))


@router.patch("/files/{file_id}", response_model=FileRead)
async def move_file(
    file_id: uuid.UUID, body: FileMove, _principal: Writer, session: DbSession, runtime: RuntimeDep
) -> FileRead:
    """Move or rename a file; it keeps its versions."""
    stored = await service.get_file(session, file_id)
    target = (
        await service.get_bucket(session, body.bucket) if body.bucket else await bucket_of(session, stored)
    )
    return await file_read(
        session, runtime, await service.move(session, stored, bucket=target, path=body.path)
    )


@router.post("/files/{file_id}/copy", response_model=FileRead, status_code=status.HTTP_201_CREATED)
async def copy_file(
    file_id: uuid.UUID, body: FileMove, principal: Writer, session: DbSession, runtime: RuntimeDep
) -> FileRead:
    stored = await service.get_file(session, file_id)
    target = (
        await service.get_bucket(session, body.bucket) if body.bucket else await bucket_of(session, stored)
    )
    duplicate = await service.copy(session, stored, bucket=target, path=body.path, user_id=principal.user.id)
    return await file_read(session, runtime, duplicate)


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
    return await file_read(session, runtime, stored)


# Versions ---------------------------------------------------------------------------------


@router.get("/files/{file_id}/versions", response_model=list[FileVersionRead])
async def list_versions(file_id: uuid.UUID, _principal: Reader, session: DbSession) -> list[FileVersionRead]:
    stored = await service.get_file(session, file_id, deleted=True)
    return [
        FileVersionRead(
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
    return await file_read(session, runtime, stored)
