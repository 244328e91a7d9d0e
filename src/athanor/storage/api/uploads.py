"""Resumable uploads: start, send parts in any order, see what arrived, complete or abort."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import DbSession, RuntimeDep
from athanor.access.principal import Principal
from athanor.core.errors import problem_responses
from athanor.core.routing import StrictJsonRoute
from athanor.storage import service, uploads
from athanor.storage.api.common import Writer, file_read, request_chunks
from athanor.storage.exceptions import BucketNotFound, UploadNotFound
from athanor.storage.models import Bucket, Upload
from athanor.storage.schemas import (
    FileRead,
    PartRead,
    UploadCreate,
    UploadRead,
)
from athanor.storage.tasks import request_previews

router = APIRouter(route_class=StrictJsonRoute)


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


@router.post(
    "/uploads",
    response_model=UploadRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(413),
)
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
    received = await uploads.receive_part(runtime.files, upload, number, request_chunks(request))
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
    return await file_read(session, runtime, recorded.file)


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
