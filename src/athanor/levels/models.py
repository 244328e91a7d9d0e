"""Levels: the plans a tenant sells to its members, who is on which, and feature usage."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base, TenantOwned, UserVisible
from athanor.db.types import JsonDocument, UtcDateTime


class Level(TenantOwned, Base):
    __tablename__ = "level"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)

    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    position: Mapped[int] = mapped_column(default=0)
    is_default: Mapped[bool] = mapped_column(default=False)
    # Feature flags the level turns on.
    features: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    price_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # "month", "year" or "none"
    period: Mapped[str] = mapped_column(String(16), default="month")
    tokens_per_period: Mapped[int] = mapped_column(BigInteger, default=0)
    # levels.schemas.Restrictions
    restrictions: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    benefits: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    # Slugs of the levels a member may move to from this one.
    upgrades_to: Mapped[list[str]] = mapped_column(JsonDocument, default=list)


class LevelSubscription(TenantOwned, UserVisible, Base):
    """A member's level in a tenant and the period its grant covers."""

    __tablename__ = "level_subscription"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    level_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("level.id", ondelete="RESTRICT"), index=True
    )
    period_start: Mapped[datetime] = mapped_column(UtcDateTime())
    period_end: Mapped[datetime | None] = mapped_column(UtcDateTime())


class FeatureUsage(TenantOwned, Base):
    """How often a member used a feature on a day (executions, engines, models...)."""

    __tablename__ = "feature_usage"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id", "feature", "day"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("user_account.id", ondelete="CASCADE"))
    feature: Mapped[str] = mapped_column(String(120))
    day: Mapped[date] = mapped_column(Date())
    count: Mapped[int] = mapped_column(BigInteger, default=0)
