"""Append-only, hash-chained audit events (one chain per tenant, one for the platform)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base
from athanor.db.types import JsonDocument


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq"),
        Index("ix_audit_event_tenant_action", "tenant_id", "action"),
    )

    # Null for platform events (no tenant); such rows are visible in the platform scope only.
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), ForeignKey("tenant.id", ondelete="CASCADE"))
    seq: Mapped[int]
    action: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="success")
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    actor_api_key_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    # Set when a super admin acted (directly or by impersonation).
    actor_admin_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    request_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The last link of each chain, locked while appending so links never fork.

    Holds only counters and hashes, so it needs no tenant policy of its own.
    """

    __tablename__ = "audit_chain_head"

    chain_key: Mapped[str] = mapped_column(String(40), unique=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))
