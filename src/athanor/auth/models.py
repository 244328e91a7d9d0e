"""Identity tables. Users are global: one person may belong to several tenants."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base
from athanor.db.types import EnumText, JsonDocument, UtcDateTime


class User(Base):
    __tablename__ = "user_account"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    locale: Mapped[str | None] = mapped_column(String(16))
    is_superadmin: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SessionKind(StrEnum):
    COOKIE = "cookie"
    BEARER = "bearer"


class AuthSession(Base):
    """A signed-in browser (cookie) or programmatic client (bearer token)."""

    __tablename__ = "auth_session"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[SessionKind] = mapped_column(EnumText(SessionKind, 16))
    active_tenant_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("tenant.id", ondelete="SET NULL")
    )
    # Set when a super admin acts as this user; the session then ends early.
    impersonator_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="CASCADE")
    )
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    INVITATION = "invitation"


class OneTimeToken(Base):
    """Single-use, expiring secrets sent by link; only their hash is kept."""

    __tablename__ = "one_time_token"
    __table_args__ = (Index("ix_one_time_token_purpose_email", "purpose", "email"),)

    purpose: Mapped[TokenPurpose] = mapped_column(EnumText(TokenPurpose, 32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="CASCADE")
    )
    payload: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
