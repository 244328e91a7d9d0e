"""Writing outbox events. Publishing them is the relay's job, outside the request."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from athanor.outbox.models import OutboxEvent


def emit(session: AsyncSession, topic: str, *, tenant_id: uuid.UUID | None, payload: dict[str, Any]) -> None:
    """Add an event to the caller's transaction: it commits with the change, or not at all."""
    session.add(OutboxEvent(tenant_id=tenant_id, topic=topic, payload=payload))
