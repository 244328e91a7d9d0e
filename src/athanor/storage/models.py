"""Files: buckets, the content they hold (stored once per tenant), files and their versions,
and resumable uploads.

A file is a path in a bucket; each write adds a version pointing at a blob. A blob is
content addressed by its SHA-256 within a tenant, so writing the same bytes twice (as a new
file, a new version or a copy) stores them once. Blobs with no version left are purged
with their bytes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base, TenantOwned
from athanor.db.types import EnumText, UtcDateTime


class Visibility(StrEnum):
    PRIVATE = "private"
    # Anyone with the address reads the current version (through the CDN when set).
    PUBLIC_READ = "public-read"


class Bucket(TenantOwned, Base):
    __tablename__ = "storage_bucket"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(63))
    visibility: Mapped[Visibility] = mapped_column(EnumText(Visibility, 16), default=Visibility.PRIVATE)
    description: Mapped[str] = mapped_column(String(500), default="")
    # A cap of its own, on top of the uploader's level quota.
    quota_bytes: Mapped[int | None] = mapped_column(BigInteger)


class PreviewStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    # No preview for this kind of content (an archive, audio...).
    NONE = "none"
    FAILED = "failed"


class Blob(TenantOwned, Base):
    """Bytes stored once per tenant, and their preview (the same for every copy)."""

    __tablename__ = "storage_blob"
    __table_args__ = (UniqueConstraint("tenant_id", "sha256"),)

    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(127))
    storage_key: Mapped[str] = mapped_column(String(300))
    preview_status: Mapped[PreviewStatus] = mapped_column(
        EnumText(PreviewStatus, 16), default=PreviewStatus.PENDING
    )
    # A PNG stored beside the blob, or the first lines of a text.
    preview_key: Mapped[str | None] = mapped_column(String(300))
    preview_text: Mapped[str | None] = mapped_column(Text)


class StoredFile(TenantOwned, Base):
    """A path in a bucket. Its current version's facts are copied here for listing."""

    __tablename__ = "storage_file"
    __table_args__ = (
        UniqueConstraint("bucket_id", "path"),
        Index("ix_storage_file_bucket_folder", "bucket_id", "folder"),
    )

    bucket_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("storage_bucket.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(1024))
    # The path's folders ("" at the root, else ending in "/"): a folder lists its
    # files by equality and its subfolders from the distinct folders below it.
    folder: Mapped[str] = mapped_column(String(1024), default="")
    # The last segment of the path, as shown to people.
    name: Mapped[str] = mapped_column(String(255))
    current_version_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    version_count: Mapped[int] = mapped_column(default=0)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    content_type: Mapped[str] = mapped_column(String(127), default="application/octet-stream")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Soft delete: restorable until the retention period ends, then purged.
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)


class FileVersion(TenantOwned, Base):
    __tablename__ = "storage_file_version"
    __table_args__ = (UniqueConstraint("file_id", "number"),)

    file_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("storage_file.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    blob_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("storage_blob.id", ondelete="RESTRICT"), index=True
    )
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(127))
    sha256: Mapped[str] = mapped_column(String(64))
    # What the client said the content was; kept to show, never trusted.
    declared_type: Mapped[str | None] = mapped_column(String(127))
    restored_from: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )


class UploadStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    ABORTED = "aborted"


class Upload(TenantOwned, Base):
    """A resumable upload: parts arrive in any order, each can be sent again, and
    completing it writes one version from the parts in order."""

    __tablename__ = "storage_upload"

    bucket_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("storage_bucket.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(1024))
    size: Mapped[int] = mapped_column(BigInteger)
    part_size: Mapped[int] = mapped_column(BigInteger)
    declared_type: Mapped[str | None] = mapped_column(String(127))
    status: Mapped[UploadStatus] = mapped_column(EnumText(UploadStatus, 16), default=UploadStatus.OPEN)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    file_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("storage_file.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="SET NULL")
    )


class UploadPart(TenantOwned, Base):
    __tablename__ = "storage_upload_part"
    __table_args__ = (UniqueConstraint("upload_id", "number"),)

    upload_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("storage_upload.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
