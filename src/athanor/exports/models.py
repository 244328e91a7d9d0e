"""Exports: tenant-defined layouts (the built-in ones live in code) and export jobs, each
the durable record of one rendering on the export queue."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base, TenantOwned
from athanor.db.types import EnumText, JsonDocument, UtcDateTime


class ExportTemplate(TenantOwned, Base):
    __tablename__ = "export_template"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)

    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500), default="")
    # exports.render.Layout
    layout: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="SET NULL")
    )


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED_EXPORT = frozenset({ExportStatus.SUCCEEDED, ExportStatus.FAILED, ExportStatus.CANCELLED})


class SourceKind(StrEnum):
    FILE = "file"
    RUN = "run"
    EXECUTION = "execution"
    CONTENT = "content"


class ExportJob(TenantOwned, Base):
    __tablename__ = "export_job"
    __table_args__ = (Index("ix_export_job_tenant_user_created", "tenant_id", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(300))
    source_kind: Mapped[SourceKind] = mapped_column(EnumText(SourceKind, 16))
    source_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    # The version of a file source, pinned when the export was asked for.
    source_version: Mapped[int | None] = mapped_column()
    # Inline sources: the Markdown or HTML itself.
    content: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(16), default="markdown")
    format: Mapped[str] = mapped_column(String(16))
    template: Mapped[str] = mapped_column(String(64))
    # The layout as it was when asked for: editing a template later changes no export.
    layout: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    status: Mapped[ExportStatus] = mapped_column(EnumText(ExportStatus, 16), default=ExportStatus.QUEUED)
    progress: Mapped[float] = mapped_column(default=0.0)
    stage: Mapped[str] = mapped_column(String(64), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    # The message id and its parameters: translated into the reader's language.
    error_message: Mapped[str | None] = mapped_column(String(1000))
    error_params: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    result_file_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("storage_file.id", ondelete="SET NULL")
    )
    result_version: Mapped[int | None] = mapped_column()
    result_size: Mapped[int | None] = mapped_column(BigInteger)
    preview_pages: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    duration_ms: Mapped[int | None] = mapped_column()
