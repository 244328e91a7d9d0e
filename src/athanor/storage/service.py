"""Buckets, files and versions: every change to what a tenant stores.

Bytes are written before the transaction that records them (see `ingest`), so a long
upload holds no database connection; `record` then files them under a path as a new
version, reusing an identical blob when the tenant already has one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.db.scope import scope_of
from athanor.db.types import utcnow
from athanor.outbox.service import emit
from athanor.storage import quota
from athanor.storage.backends import Backend
from athanor.storage.exceptions import (
    BucketNameTaken,
    BucketNotEmpty,
    BucketNotFound,
    FileNotFound,
    PathTaken,
    VersionNotFound,
)
from athanor.storage.ingest import Received
from athanor.storage.models import (
    Blob,
    Bucket,
    FileVersion,
    PreviewStatus,
    StoredFile,
    Visibility,
)
from athanor.storage.names import clean_path, name_of
from athanor.storage.sniff import sniff


def _tenant(session: AsyncSession) -> uuid.UUID:
    tenant_id = scope_of(session).tenant_id
    assert tenant_id is not None, "storage runs in a tenant scope"
    return tenant_id


def folder_of(path: str) -> str:
    return path[: path.rfind("/") + 1]


# Buckets ---------------------------------------------------------------------------------


async def create_bucket(
    session: AsyncSession, *, name: str, visibility: Visibility, description: str, quota_bytes: int | None
) -> Bucket:
    if await session.scalar(select(Bucket.id).where(Bucket.name == name)):
        raise BucketNameTaken()
    bucket = Bucket(
        tenant_id=_tenant(session),
        name=name,
        visibility=visibility,
        description=description,
        quota_bytes=quota_bytes,
    )
    session.add(bucket)
    await session.flush()
    return bucket


async def get_bucket(session: AsyncSession, name: str) -> Bucket:
    bucket = await session.scalar(select(Bucket).where(Bucket.name == name))
    if bucket is None:
        raise BucketNotFound()
    return bucket


async def ensure_bucket(session: AsyncSession, name: str) -> Bucket:
    """The bucket, created private when missing (for workflow and export output)."""
    bucket = await session.scalar(select(Bucket).where(Bucket.name == name))
    if bucket is not None:
        return bucket
    return await create_bucket(
        session, name=name, visibility=Visibility.PRIVATE, description="", quota_bytes=None
    )


async def delete_bucket(session: AsyncSession, bucket: Bucket) -> None:
    """Only an empty bucket (deleted files still waiting for their purge do not count)."""
    live = await session.scalar(
        select(func.count())
        .select_from(StoredFile)
        .where(StoredFile.bucket_id == bucket.id, StoredFile.deleted_at.is_(None))
    )
    if live:
        raise BucketNotEmpty()
    await session.delete(bucket)
    await session.flush()


# Files and versions ----------------------------------------------------------------------


async def get_file(session: AsyncSession, file_id: uuid.UUID, *, deleted: bool = False) -> StoredFile:
    stored = await session.get(StoredFile, file_id)
    if stored is None or (stored.deleted_at is not None and not deleted):
        raise FileNotFound()
    return stored


async def find_file(session: AsyncSession, bucket: Bucket, path: str) -> StoredFile:
    """The live file at `path` in the bucket."""
    stored = await session.scalar(
        select(StoredFile).where(
            StoredFile.bucket_id == bucket.id, StoredFile.path == path, StoredFile.deleted_at.is_(None)
        )
    )
    if stored is None:
        raise FileNotFound()
    return stored


async def get_version(session: AsyncSession, stored: StoredFile, number: int | None) -> FileVersion:
    """A version by number, or the current one."""
    if number is None:
        version = (
            await session.get(FileVersion, stored.current_version_id) if stored.current_version_id else None
        )
    else:
        version = await session.scalar(
            select(FileVersion).where(FileVersion.file_id == stored.id, FileVersion.number == number)
        )
    if version is None:
        raise VersionNotFound(params={"number": number})
    return version


async def list_versions(session: AsyncSession, stored: StoredFile) -> list[FileVersion]:
    rows = await session.scalars(
        select(FileVersion).where(FileVersion.file_id == stored.id).order_by(FileVersion.number.desc())
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class Recorded:
    file: StoredFile
    version: FileVersion
    created: bool
    # The blob is new: its preview is still to be made.
    new_blob: bool


async def record(
    session: AsyncSession,
    backend: Backend,
    received: Received,
    *,
    bucket: Bucket,
    path: str,
    declared_type: str | None,
    user_id: uuid.UUID | None,
) -> Recorded:
    """File received bytes at `path` as a new version (a new file if the path is free).
    The caller has stored them under `received.key`; if recording fails, or the tenant
    already holds the same bytes, that object is deleted."""
    try:
        await quota.ensure_room(session, bucket, user_id, received.size)
        blob, new_blob = await _blob_for(session, received, name_of(path))
    except BaseException:
        await backend.delete(received.key)
        raise
    if not new_blob:
        await backend.delete(received.key)
    stored, created = await _file_at(session, bucket, path, user_id)
    version = await _add_version(session, stored, blob, declared_type=declared_type, user_id=user_id)
    emit(
        session,
        "file.version_created",
        tenant_id=stored.tenant_id,
        payload={"file_id": str(stored.id), "version": version.number, "size": version.size},
    )
    return Recorded(file=stored, version=version, created=created, new_blob=new_blob)


async def _blob_for(session: AsyncSession, received: Received, name: str) -> tuple[Blob, bool]:
    existing = await session.scalar(select(Blob).where(Blob.sha256 == received.sha256))
    if existing is not None:
        return existing, False
    blob = Blob(
        tenant_id=_tenant(session),
        sha256=received.sha256,
        size=received.size,
        content_type=sniff(received.head, name),
        storage_key=received.key,
        preview_status=PreviewStatus.PENDING,
    )
    try:
        async with session.begin_nested():
            session.add(blob)
    except IntegrityError:
        # The same bytes were recorded by a concurrent upload a moment ago.
        existing = await session.scalar(select(Blob).where(Blob.sha256 == received.sha256))
        assert existing is not None
        return existing, False
    return blob, True


async def _file_at(
    session: AsyncSession, bucket: Bucket, path: str, user_id: uuid.UUID | None
) -> tuple[StoredFile, bool]:
    """The file at `path`, locked for its next version number; revived if it was deleted."""
    stored = await session.scalar(
        select(StoredFile).where(StoredFile.bucket_id == bucket.id, StoredFile.path == path).with_for_update()
    )
    if stored is not None:
        stored.deleted_at = None
        return stored, False
    stored = StoredFile(
        tenant_id=bucket.tenant_id,
        bucket_id=bucket.id,
        path=path,
        folder=folder_of(path),
        name=name_of(path),
        created_by_id=user_id,
    )
    try:
        async with session.begin_nested():
            session.add(stored)
    except IntegrityError:
        # Created by a concurrent upload to the same path: add a version to that one.
        return await _file_at(session, bucket, path, user_id)
    return stored, True


async def _add_version(
    session: AsyncSession,
    stored: StoredFile,
    blob: Blob,
    *,
    declared_type: str | None,
    user_id: uuid.UUID | None,
    restored_from: int | None = None,
) -> FileVersion:
    version = FileVersion(
        tenant_id=stored.tenant_id,
        file_id=stored.id,
        number=stored.version_count + 1,
        blob_id=blob.id,
        size=blob.size,
        content_type=blob.content_type,
        sha256=blob.sha256,
        declared_type=declared_type,
        restored_from=restored_from,
        created_by_id=user_id,
    )
    session.add(version)
    await session.flush()
    stored.version_count = version.number
    stored.current_version_id = version.id
    stored.size, stored.content_type, stored.sha256 = blob.size, blob.content_type, blob.sha256
    stored.updated_at = utcnow()
    await session.flush()
    return version


async def restore_version(
    session: AsyncSession, stored: StoredFile, number: int, *, user_id: uuid.UUID | None
) -> FileVersion:
    """The old version's content becomes a new current version; history is kept."""
    old = await get_version(session, stored, number)
    blob = await session.get(Blob, old.blob_id)
    assert blob is not None
    bucket = await session.get(Bucket, stored.bucket_id)
    assert bucket is not None
    await quota.ensure_room(session, bucket, user_id, blob.size)
    await session.refresh(stored, with_for_update=True)
    return await _add_version(
        session, stored, blob, declared_type=old.declared_type, user_id=user_id, restored_from=number
    )


async def soft_delete(session: AsyncSession, stored: StoredFile) -> None:
    stored.deleted_at = utcnow()
    await session.flush()


async def undelete(session: AsyncSession, stored: StoredFile) -> None:
    stored.deleted_at = None
    await session.flush()


async def _ensure_free(session: AsyncSession, bucket_id: uuid.UUID, path: str) -> None:
    taken = await session.scalar(
        select(StoredFile.id).where(StoredFile.bucket_id == bucket_id, StoredFile.path == path)
    )
    if taken is not None:
        raise PathTaken(params={"path": path})


async def move(session: AsyncSession, stored: StoredFile, *, bucket: Bucket, path: str) -> StoredFile:
    """Move or rename: the file keeps its id and its versions."""
    path = clean_path(path)
    if (bucket.id, path) == (stored.bucket_id, stored.path):
        return stored
    await _ensure_free(session, bucket.id, path)
    stored.bucket_id, stored.path, stored.folder, stored.name = (
        bucket.id,
        path,
        folder_of(path),
        name_of(path),
    )
    await session.flush()
    return stored


async def copy(
    session: AsyncSession, stored: StoredFile, *, bucket: Bucket, path: str, user_id: uuid.UUID | None
) -> StoredFile:
    """A new file whose first version is the current content (the bytes are shared)."""
    path = clean_path(path)
    await _ensure_free(session, bucket.id, path)
    current = await get_version(session, stored, None)
    blob = await session.get(Blob, current.blob_id)
    assert blob is not None
    await quota.ensure_room(session, bucket, user_id, blob.size)
    duplicate, _created = await _file_at(session, bucket, path, user_id)
    await _add_version(session, duplicate, blob, declared_type=current.declared_type, user_id=user_id)
    return duplicate


# Purging ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Purged:
    files: int
    # Objects to delete once the transaction that dropped their rows has committed.
    keys: list[str]


async def purge(session: AsyncSession, *, retention: timedelta) -> Purged:
    """Drop files deleted longer ago than `retention`, then every blob no version refers
    to. The caller deletes the returned keys after committing: a crash in between leaves
    unreachable bytes, never a row pointing at nothing."""
    cutoff = utcnow() - retention
    gone = await session.execute(
        delete(StoredFile).where(StoredFile.deleted_at.is_not(None), StoredFile.deleted_at <= cutoff)
    )
    referenced = select(FileVersion.id).where(FileVersion.blob_id == Blob.id).exists()
    orphans = list(await session.scalars(select(Blob).where(~referenced)))
    keys: list[str] = []
    for blob in orphans:
        keys += [blob.storage_key, *([blob.preview_key] if blob.preview_key else [])]
        await session.delete(blob)
    await session.flush()
    return Purged(files=int(getattr(gone, "rowcount", 0) or 0), keys=keys)
