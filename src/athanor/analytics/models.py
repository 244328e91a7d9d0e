"""Rollups of executions and workflow runs, per hour and per day, and the fold's watermark.

A bucket (tenant, grain, start) is always rewritten whole from the raw records it covers,
so folding it again, late or twice, gives the same rows. Latency and TTFT are histograms
over fixed log-scale bounds (`routing.metrics`): buckets merge exactly, and percentiles of
merged buckets come from the merged counts.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base, TenantOwned
from athanor.db.types import EnumText, JsonDocument, UtcDateTime


class Grain(StrEnum):
    HOUR = "hour"
    DAY = "day"


class UsageRollup(TenantOwned, Base):
    """Finished engine executions of one bucket, per user, engine, model, deployment,
    level and source."""

    __tablename__ = "usage_rollup"
    __table_args__ = (Index("ix_usage_rollup_tenant_grain_bucket", "tenant_id", "grain", "bucket_at"),)

    grain: Mapped[Grain] = mapped_column(EnumText(Grain, 8))
    bucket_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Dimensions; ids are not foreign keys: history outlives a deleted engine or user.
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    engine_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    model_slug: Mapped[str] = mapped_column(String(120))
    deployment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    level_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    source: Mapped[str] = mapped_column(String(16))
    # Measures.
    executions: Mapped[int] = mapped_column(BigInteger, default=0)
    failed: Mapped[int] = mapped_column(BigInteger, default=0)
    prompt_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    completion_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cached_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    charged_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    # What the tenant was billed (its price, markup included) and what the providers cost
    # at catalog prices, both in nano-dollars.
    cost_nanos: Mapped[int] = mapped_column(BigInteger, default=0)
    provider_cost_nanos: Mapped[int] = mapped_column(BigInteger, default=0)
    latency_ms_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    latency_histogram: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    ttft_histogram: Mapped[list[int]] = mapped_column(JsonDocument, default=list)


class WorkflowRollup(TenantOwned, Base):
    """Finished workflow runs of one bucket, per workflow and user, with their node runs
    and quality-gate evaluations."""

    __tablename__ = "workflow_rollup"
    __table_args__ = (Index("ix_workflow_rollup_tenant_grain_bucket", "tenant_id", "grain", "bucket_at"),)

    grain: Mapped[Grain] = mapped_column(EnumText(Grain, 8))
    bucket_at: Mapped[datetime] = mapped_column(UtcDateTime())
    workflow_id: Mapped[uuid.UUID] = mapped_column(Uuid())
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    level_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    runs: Mapped[int] = mapped_column(BigInteger, default=0)
    succeeded: Mapped[int] = mapped_column(BigInteger, default=0)
    failed: Mapped[int] = mapped_column(BigInteger, default=0)
    node_runs: Mapped[int] = mapped_column(BigInteger, default=0)
    node_failures: Mapped[int] = mapped_column(BigInteger, default=0)
    prompt_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    completion_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    charged_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost_nanos: Mapped[int] = mapped_column(BigInteger, default=0)
    gate_evaluations: Mapped[int] = mapped_column(BigInteger, default=0)
    gate_passes: Mapped[int] = mapped_column(BigInteger, default=0)
    duration_histogram: Mapped[list[int]] = mapped_column(JsonDocument, default=list)


class RollupWatermark(Base):
    """How far the fold has read a source (by `updated_at`): platform-wide, one row per source."""

    __tablename__ = "rollup_watermark"

    source: Mapped[str] = mapped_column(String(32), unique=True)
    position: Mapped[datetime] = mapped_column(UtcDateTime())
