"""Writing outbox events. Publishing them is the relay's job, outside the request."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from athanor.db.bulk import insert_many
from athanor.outbox.models import OutboxEvent


def emit(session: AsyncSession, topic: str, *, tenant_id: uuid.UUID | None, payload: dict[str, Any]) -> None:
    """Add an event to the caller's transaction: it commits with the change, or not at all."""
    session.add(OutboxEvent(tenant_id=tenant_id, topic=topic, payload=payload))


async def emit_many(
    connection: AsyncConnection, events: Sequence[tuple[str, uuid.UUID | None, dict[str, Any]]]
) -> None:
    """Events (topic, tenant, payload) in the connection's transaction, in one statement."""
    await insert_many(
        connection,
        OutboxEvent,
        [
            {"tenant_id": tenant_id, "topic": topic, "payload": payload}
            for topic, tenant_id, payload in events
        ],
    )
