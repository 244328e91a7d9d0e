"""API keys: the key (tenant-owned metadata) and its secrets (a global lookup index)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base, TenantOwned
from athanor.db.types import JsonDocument, UtcDateTime


class ApiKey(TenantOwned, Base):
    __tablename__ = "api_key"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    rate_limit: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    usage_count: Mapped[int] = mapped_column(default=0)


class ApiKeySecret(Base):
    """Hash of one secret of a key. A key has one, or two during a rotation's grace period.

    It is read before the tenant is known (that is how a request finds its tenant), so its
    RLS policy lets anyone read it; it holds only keyed hashes, and writes stay per tenant.
    """

    __tablename__ = "api_key_secret"

    api_key_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("api_key.id", ondelete="CASCADE"), index=True
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("tenant.id", ondelete="CASCADE"), index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    # Null while current; set to the end of the grace period once rotated away.
    retires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
