from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from athanor.core.schemas import JSON_INTEGER, Input
from athanor.exports.models import ExportStatus, SourceKind
from athanor.exports.render import ExportFormat, Layout
from athanor.tenancy.schemas import Slug

# Inline sources beyond this are better uploaded as a file first.
MAX_INLINE_CHARS = 2_000_000


class ExportFileSource(Input):
    kind: Literal["file"]
    file_id: uuid.UUID
    version: Annotated[int, Field(ge=1, le=2**31 - 1), JSON_INTEGER] | None = None


class ExportRunSource(Input):
    kind: Literal["run"]
    run_id: uuid.UUID


class ExportExecutionSource(Input):
    kind: Literal["execution"]
    execution_id: uuid.UUID


class ExportContentSource(Input):
    kind: Literal["content"]
    content: Annotated[str, Field(min_length=1, max_length=MAX_INLINE_CHARS)]
    content_type: Literal["markdown", "html"] = "markdown"


Source = Annotated[
    ExportFileSource | ExportRunSource | ExportExecutionSource | ExportContentSource,
    Field(discriminator="kind"),
]


class ExportCreate(Input):
    source: Source
    format: ExportFormat | None = Field(default=None, description="Default: the tenant's export settings")
    template: Slug | None = Field(
        default=None, description="A built-in or tenant template; default: settings"
    )
    title: Annotated[str, Field(min_length=1, max_length=300)] | None = None


class ExportError(BaseModel):
    code: str
    message: str


class ExportRead(BaseModel):
    id: uuid.UUID
    title: str
    source_kind: SourceKind
    source_id: uuid.UUID | None
    format: ExportFormat
    template: str
    status: ExportStatus
    progress: float = Field(ge=0, le=1)
    stage: str
    attempts: int
    error: ExportError | None
    file_id: uuid.UUID | None
    file_version: int | None
    size: int | None
    preview_pages: int
    duration_ms: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ExportTemplateWrite(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=500)] = ""
    layout: Layout


class ExportTemplateCreate(ExportTemplateWrite):
    slug: Slug


class ExportTemplateRead(BaseModel):
    slug: str
    name: str
    description: str
    builtin: bool
    layout: Layout
