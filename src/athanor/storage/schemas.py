from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from athanor.core.schemas import JSON_INTEGER, Input
from athanor.storage.models import PreviewStatus, UploadStatus, Visibility

BucketName = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$",
        description="3 to 63 lowercase letters, digits and hyphens",
        examples=["documents"],
    ),
]
FilePath = Annotated[str, Field(min_length=1, max_length=1024, examples=["reports/2026/summary.md"])]
# 2**53: JSON numbers above it are not exact in every client.
Bytes = Annotated[int, Field(ge=0, le=2**53), JSON_INTEGER]


class BucketCreate(Input):
    name: BucketName
    visibility: Visibility = Visibility.PRIVATE
    description: Annotated[str, Field(max_length=500)] = ""
    quota_bytes: Bytes | None = None


class BucketUpdate(Input):
    visibility: Visibility | None = None
    description: Annotated[str, Field(max_length=500)] | None = None
    quota_bytes: Bytes | None = None


class BucketRead(BaseModel):
    id: uuid.UUID
    name: str
    visibility: Visibility
    description: str
    quota_bytes: int | None
    used_bytes: int
    created_at: datetime


class PreviewRead(BaseModel):
    status: PreviewStatus
    # The address of the PNG when there is one.
    image_url: str | None = None
    text: str | None = None


class FileRead(BaseModel):
    id: uuid.UUID
    bucket: str
    path: str
    folder: str
    name: str
    size: int
    content_type: str
    sha256: str
    version: int
    version_count: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    preview: PreviewRead
    # Public buckets only: the address anyone (or the CDN) reads the file at.
    public_url: str | None = None


class FileListing(BaseModel):
    folder: str
    folders: list[str]
    items: list[FileRead]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page")


class FileVersionRead(BaseModel):
    number: int
    size: int
    content_type: str
    declared_type: str | None
    sha256: str
    restored_from: int | None
    created_by_id: uuid.UUID | None
    created_at: datetime
    current: bool


class FileMove(Input):
    """Move or rename; `bucket` defaults to the file's own."""

    path: FilePath
    bucket: BucketName | None = None


class LinkCreate(Input):
    expires_in: Annotated[
        int, Field(ge=60, le=2**31 - 1, description="Seconds the link stays valid"), JSON_INTEGER
    ] = 3600
    version: Annotated[int, Field(ge=1, le=2**31 - 1), JSON_INTEGER] | None = None
    download: bool = False


class LinkRead(BaseModel):
    url: str
    expires_at: datetime


class UploadCreate(Input):
    bucket: BucketName
    path: FilePath
    size: Annotated[int, Field(ge=0, le=2**53, description="The whole file's size in bytes"), JSON_INTEGER]
    content_type: Annotated[str, Field(max_length=127)] | None = None


class PartRead(BaseModel):
    number: int
    size: int
    sha256: str


class UploadRead(BaseModel):
    id: uuid.UUID
    bucket: str
    path: str
    size: int
    part_size: int
    part_count: int
    status: UploadStatus
    expires_at: datetime
    received: list[PartRead]
    file_id: uuid.UUID | None


class UsageRead(BaseModel):
    # What the caller stored and may store (their level's quota; null: no limit).
    used_bytes: int
    quota_bytes: int | None
    # Everything the tenant stored, and the bytes kept for it after deduplication.
    tenant_bytes: int
    stored_bytes: int
