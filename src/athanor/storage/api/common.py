"""What the storage routes share: permissions, request bodies that stream, and the shapes
of buckets and files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Path, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import require
from athanor.access.principal import Principal
from athanor.runtime import Runtime
from athanor.storage import quota
from athanor.storage.exceptions import BucketNotFound
from athanor.storage.models import Blob, Bucket, FileVersion, PreviewStatus, StoredFile, Visibility
from athanor.storage.schemas import (
    BucketRead,
    FileRead,
    PreviewRead,
)
from athanor.tenancy.models import Tenant
from athanor.tenancy.permissions import Permission

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


def request_chunks(request: Request) -> AsyncIterator[bytes]:
    return request.stream()


def declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def declared_type(request: Request) -> str | None:
    value = request.headers.get("content-type")
    return value.split(";")[0].strip()[:127] if value else None


# Reading shapes ---------------------------------------------------------------------------


def public_url(runtime: Runtime, tenant_slug: str, bucket: Bucket, stored: StoredFile) -> str | None:
    if bucket.visibility is not Visibility.PUBLIC_READ:
        return None
    base = (runtime.settings.storage_cdn_base_url or runtime.settings.public_url).rstrip("/")
    return f"{base}/api/storage/public/{tenant_slug}/{bucket.name}/{quote(stored.path)}"


async def file_reads(
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
                preview=preview_of(stored, blob),
                public_url=public_url(runtime, tenant.slug, bucket, stored),
            )
        )
    return reads


def preview_of(stored: StoredFile, blob: Blob | None) -> PreviewRead:
    if blob is None:
        return PreviewRead(status=PreviewStatus.NONE)
    # The version in the address: a restored file shows its own preview, not a cached one.
    image = (
        f"/api/storage/files/{stored.id}/preview?version={stored.version_count}" if blob.preview_key else None
    )
    return PreviewRead(status=blob.preview_status, image_url=image, text=blob.preview_text)


async def file_read(session: AsyncSession, runtime: Runtime, stored: StoredFile) -> FileRead:
    bucket = await session.get(Bucket, stored.bucket_id)
    assert bucket is not None
    return (await file_reads(session, runtime, bucket, [stored]))[0]


async def bucket_read(session: AsyncSession, bucket: Bucket) -> BucketRead:
    return BucketRead(
        id=bucket.id,
        name=bucket.name,
        visibility=bucket.visibility,
        description=bucket.description,
        quota_bytes=bucket.quota_bytes,
        used_bytes=await quota.bucket_usage(session, bucket.id),
        created_at=bucket.created_at,
    )


async def bucket_of(session: AsyncSession, stored: StoredFile) -> Bucket:
    bucket = await session.get(Bucket, stored.bucket_id)
    if bucket is None:
        raise BucketNotFound()
    return bucket
