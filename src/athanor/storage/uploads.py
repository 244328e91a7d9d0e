"""Resumable uploads, S3 multipart style: the client declares the size, sends fixed-size
parts in any order (each may be sent again after a failure), asks which parts arrived,
and completes. Completing streams the parts in order into one new version."""

from __future__ import annotations

import math
import uuid
from collections.abc import AsyncIterable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.db.types import utcnow
from athanor.settings import Settings
from athanor.storage import quota
from athanor.storage.backends import Backend
from athanor.storage.exceptions import (
    FileTooLarge,
    InvalidPart,
    PartOutOfRange,
    UploadClosed,
    UploadIncomplete,
    UploadNotFound,
)
from athanor.storage.ingest import Received, blob_key, concatenate, part_key, receive
from athanor.storage.models import Bucket, Upload, UploadPart, UploadStatus
from athanor.storage.names import clean_path
from athanor.storage.service import Recorded, record


def part_count(upload: Upload) -> int:
    return max(1, math.ceil(upload.size / upload.part_size))


def expected_part_size(upload: Upload, number: int) -> int:
    last = part_count(upload)
    return upload.size - upload.part_size * (last - 1) if number == last else upload.part_size


async def start(
    session: AsyncSession,
    settings: Settings,
    *,
    bucket: Bucket,
    path: str,
    size: int,
    declared_type: str | None,
    user_id: uuid.UUID | None,
) -> Upload:
    if size > settings.storage_max_upload_bytes:
        raise FileTooLarge(params={"limit": settings.storage_max_upload_bytes})
    await quota.ensure_room(session, bucket, user_id, size)
    upload = Upload(
        tenant_id=bucket.tenant_id,
        bucket_id=bucket.id,
        path=clean_path(path),
        size=size,
        part_size=settings.storage_upload_part_bytes,
        declared_type=declared_type,
        expires_at=utcnow() + timedelta(hours=settings.storage_upload_ttl_hours),
        created_by_id=user_id,
    )
    session.add(upload)
    await session.flush()
    return upload


async def get_open(session: AsyncSession, upload_id: uuid.UUID) -> Upload:
    upload = await session.get(Upload, upload_id)
    if upload is None:
        raise UploadNotFound()
    if upload.status is not UploadStatus.OPEN or upload.expires_at <= utcnow():
        raise UploadClosed(params={"status": upload.status.value})
    return upload


async def parts_of(session: AsyncSession, upload_id: uuid.UUID) -> list[UploadPart]:
    rows = await session.scalars(
        select(UploadPart).where(UploadPart.upload_id == upload_id).order_by(UploadPart.number)
    )
    return list(rows)


def check_part_number(upload: Upload, number: int) -> None:
    if not 1 <= number <= part_count(upload):
        raise PartOutOfRange(params={"parts": part_count(upload), "number": number})


async def receive_part(
    backend: Backend, upload: Upload, number: int, chunks: AsyncIterable[bytes]
) -> Received:
    """Store one part's bytes (no transaction is open while they stream)."""
    expected = expected_part_size(upload, number)
    received = await receive(backend, part_key(upload.tenant_id, upload.id, number), chunks, limit=expected)
    if received.size != expected:
        await backend.delete(received.key)
        raise InvalidPart(params={"number": number, "expected": expected, "received": received.size})
    return received


async def record_part(
    session: AsyncSession, backend: Backend, upload: Upload, number: int, received: Received
) -> UploadPart:
    """The part as received; a part sent again replaces the earlier copy."""
    existing = await session.scalar(
        select(UploadPart)
        .where(UploadPart.upload_id == upload.id, UploadPart.number == number)
        .with_for_update()
    )
    if existing is not None:
        await backend.delete(existing.storage_key)
        existing.storage_key, existing.size, existing.sha256 = received.key, received.size, received.sha256
        await session.flush()
        return existing
    part = UploadPart(
        tenant_id=upload.tenant_id,
        upload_id=upload.id,
        number=number,
        size=received.size,
        sha256=received.sha256,
        storage_key=received.key,
    )
    session.add(part)
    await session.flush()
    return part


async def assemble(backend: Backend, upload: Upload, parts: list[UploadPart]) -> Received:
    """The parts, in order, as one object (hashed and sniffed on the way)."""
    missing = sorted(set(range(1, part_count(upload) + 1)) - {part.number for part in parts})
    if missing:
        shown = ", ".join(map(str, missing[:20])) + ("..." if len(missing) > 20 else "")
        raise UploadIncomplete(params={"missing": shown})
    keys = [part.storage_key for part in parts]
    return await receive(backend, blob_key(upload.tenant_id), concatenate(backend, keys), limit=upload.size)


async def finish(
    session: AsyncSession,
    backend: Backend,
    upload: Upload,
    received: Received,
    *,
    bucket: Bucket,
) -> tuple[Recorded, list[str]]:
    """Record the assembled content and close the upload; returns the part keys to delete
    once this commits."""
    recorded = await record(
        session,
        backend,
        received,
        bucket=bucket,
        path=upload.path,
        declared_type=upload.declared_type,
        user_id=upload.created_by_id,
    )
    upload.status = UploadStatus.COMPLETED
    upload.file_id = recorded.file.id
    keys = [part.storage_key for part in await parts_of(session, upload.id)]
    await session.flush()
    return recorded, keys


async def abort(session: AsyncSession, upload: Upload) -> list[str]:
    upload.status = UploadStatus.ABORTED
    keys = [part.storage_key for part in await parts_of(session, upload.id)]
    await session.flush()
    return keys


async def expire(session: AsyncSession) -> list[str]:
    """Open uploads past their time are aborted; returns their part keys."""
    stale = await session.scalars(
        select(Upload).where(Upload.status == UploadStatus.OPEN, Upload.expires_at <= utcnow())
    )
    keys: list[str] = []
    for upload in stale:
        keys += await abort(session, upload)
    return keys
