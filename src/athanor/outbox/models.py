"""Domain events written in the same transaction as the change that caused them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base
from athanor.db.types import JsonDocument, UtcDateTime


class OutboxEvent(Base):
    """Read by the relay, which publishes and marks each delivered. tenant_id is null for
    platform events; RLS lets a tenant write and read only its own."""

    __tablename__ = "outbox_event"
    __table_args__ = (Index("ix_outbox_event_pending", "delivered_at", "id"),)

    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), ForeignKey("tenant.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
