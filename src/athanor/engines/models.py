"""Engines, their versions and assignments, and the record of every execution."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base, TenantOwned
from athanor.db.types import EnumText, JsonDocument, UtcDateTime


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Engine(TenantOwned, Base):
    __tablename__ = "engine"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)

    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    # The version executions run; null until one is published.
    published_version_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class EngineVersion(TenantOwned, Base):
    """What an engine does, frozen once published: an execution pins the version it ran."""

    __tablename__ = "engine_version"
    __table_args__ = (UniqueConstraint("engine_id", "number"),)

    engine_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("engine.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    status: Mapped[VersionStatus] = mapped_column(EnumText(VersionStatus, 16), default=VersionStatus.DRAFT)
    model_slug: Mapped[str] = mapped_column(String(120))
    system_prompt: Mapped[str] = mapped_column(Text, default="")
    prompt_template: Mapped[str] = mapped_column(Text)
    # JSON Schema (type object) of the inputs; its properties are the template's variables.
    input_schema: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # When set, the output must be JSON valid against it (and JSON mode is requested).
    output_schema: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    # temperature, top_p, max_tokens, stop
    parameters: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    routing_strategy: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(String(2000), default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class EngineAssignment(TenantOwned, Base):
    """Who may run an engine: once an engine has assignments, only the assigned users and
    the members on assigned levels may."""

    __tablename__ = "engine_assignment"
    __table_args__ = (UniqueConstraint("engine_id", "user_id", "level_id"),)

    engine_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("engine.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="CASCADE")
    )
    level_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), ForeignKey("level.id", ondelete="CASCADE"))


class ExecutionStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ExecutionSource(StrEnum):
    API = "api"
    GATEWAY = "gateway"
    PLAYGROUND = "playground"
    WORKFLOW = "workflow"


class Execution(TenantOwned, Base):
    __tablename__ = "execution"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_execution_tenant_created", "tenant_id", "created_at"),
        Index("ix_execution_user_status", "user_id", "status"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("user_account.id", ondelete="CASCADE"))
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("api_key.id", ondelete="SET NULL")
    )
    engine_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), ForeignKey("engine.id", ondelete="SET NULL"))
    engine_version_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("engine_version.id", ondelete="SET NULL")
    )
    model_slug: Mapped[str] = mapped_column(String(120))
    deployment_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("deployment.id", ondelete="SET NULL")
    )
    source: Mapped[ExecutionSource] = mapped_column(EnumText(ExecutionSource, 16))
    status: Mapped[ExecutionStatus] = mapped_column(EnumText(ExecutionStatus, 16))
    stream: Mapped[bool] = mapped_column(default=False)
    inputs: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    output: Mapped[Any] = mapped_column(JsonDocument, nullable=True)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    cached_tokens: Mapped[int] = mapped_column(default=0)
    # Wallet tokens charged, and what the providers cost in nano-dollars (tenant price).
    charged_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost_nanos: Mapped[int] = mapped_column(BigInteger, default=0)
    latency_ms: Mapped[int | None] = mapped_column()
    ttft_ms: Mapped[int | None] = mapped_column()
    attempts: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(String(1000))
    quality_score: Mapped[float | None] = mapped_column()
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
