"""Tenants, who belongs to them, and who is invited."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base, TenantOwned, UserVisible
from athanor.db.types import EnumText, JsonDocument, UtcDateTime


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"


class Tenant(Base):
    __tablename__ = "tenant"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[TenantStatus] = mapped_column(EnumText(TenantStatus, 16), default=TenantStatus.ACTIVE)
    suspended_reason: Mapped[str | None] = mapped_column(String(500))
    # Validated through tenancy.schemas.TenantSettings (theme, language).
    settings: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)


class Membership(TenantOwned, UserVisible, Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    role: Mapped[Role] = mapped_column(EnumText(Role, 16))


class Invitation(TenantOwned, Base):
    __tablename__ = "invitation"

    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[Role] = mapped_column(EnumText(Role, 16))
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
