"""Providers (with their encrypted credentials), the model catalog, and deployments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base, SharedOrTenant, TenantOwned
from athanor.db.types import JsonDocument, UtcDateTime


class ProviderConnection(SharedOrTenant, Base):
    """A provider account: its protocol, address and (sealed) API key. Platform-wide when
    tenant_id is null, otherwise a tenant's own (bring your own key)."""

    __tablename__ = "provider_connection"

    name: Mapped[str] = mapped_column(String(200))
    # athanor.providers.registry.ProviderKind
    kind: Mapped[str] = mapped_column(String(32))
    base_url: Mapped[str] = mapped_column(String(2000))
    options: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # AES-GCM under the key ring, bound to this row's id; never returned by the API.
    api_key_sealed: Mapped[str | None] = mapped_column(String(2000))
    # The last four characters, so people can tell keys apart.
    api_key_hint: Mapped[str | None] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(default=True)
    timeout_seconds: Mapped[float] = mapped_column(default=60.0)
    last_tested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_test_ok: Mapped[bool | None] = mapped_column()
    last_test_error: Mapped[str | None] = mapped_column(String(500))


class AiModel(Base):
    """The platform's catalog of models and their public prices.

    Prices are integers in micro-dollars per million tokens ($2.50/M = 2_500_000), so a
    call's cost in nano-dollars is exact: tokens * price // 1000.
    """

    __tablename__ = "ai_model"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    vendor: Mapped[str] = mapped_column(String(64))
    context_window: Mapped[int] = mapped_column(default=8192)
    max_output_tokens: Mapped[int] = mapped_column(default=4096)
    capabilities: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    input_price: Mapped[int] = mapped_column(BigInteger, default=0)
    output_price: Mapped[int] = mapped_column(BigInteger, default=0)
    cached_price: Mapped[int] = mapped_column(BigInteger, default=0)
    active: Mapped[bool] = mapped_column(default=True)


class ModelPriceOverride(TenantOwned, Base):
    """A tenant's own price for a model: a markup on the catalog price, or fixed prices."""

    __tablename__ = "model_price_override"
    __table_args__ = (UniqueConstraint("tenant_id", "model_id"),)

    model_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("ai_model.id", ondelete="CASCADE"))
    # Basis points over the catalog price: 2000 = +20 %.
    markup_bps: Mapped[int] = mapped_column(default=0)
    input_price: Mapped[int | None] = mapped_column(BigInteger)
    output_price: Mapped[int | None] = mapped_column(BigInteger)
    cached_price: Mapped[int | None] = mapped_column(BigInteger)


class Deployment(SharedOrTenant, Base):
    """One place a model can be called: a provider connection and its name for the model."""

    __tablename__ = "deployment"

    name: Mapped[str] = mapped_column(String(200))
    model_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("ai_model.id", ondelete="CASCADE"), index=True
    )
    provider_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("provider_connection.id", ondelete="CASCADE"), index=True
    )
    upstream_model: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(default=1)
    # Order in a fallback chain: lower first.
    priority: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    # What a million tokens cost through this deployment (micro-dollars, input and output
    # blended) when it differs from the catalog price, e.g. a self-hosted box: least-cost
    # routing compares these.
    cost_per_mtok: Mapped[int | None] = mapped_column(BigInteger)


class DeploymentMetric(SharedOrTenant, Base):
    """One minute of one deployment's traffic as seen by one process; rows from several
    processes for the same minute add up (histograms are bucket counts)."""

    __tablename__ = "deployment_metric"
    __table_args__ = (UniqueConstraint("deployment_id", "bucket_start", "source"),)

    deployment_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("deployment.id", ondelete="CASCADE"), index=True
    )
    bucket_start: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    source: Mapped[str] = mapped_column(String(120))
    requests: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    error_kinds: Mapped[dict[str, int]] = mapped_column(JsonDocument, default=dict)
    prompt_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    completion_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost_nanos: Mapped[int] = mapped_column(BigInteger, default=0)
    latency_histogram: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    ttft_histogram: Mapped[list[int]] = mapped_column(JsonDocument, default=list)
    max_in_flight: Mapped[int] = mapped_column(default=0)
