"""Live status over server-sent events by polling the database: any API server can serve
any watcher, and none keeps state of its own."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from athanor.db.engine import Database
from athanor.db.scope import DbScope

POLL_SECONDS = 0.5
M = TypeVar("M", bound=BaseModel)


async def watch(
    db: Database,
    tenant_id: uuid.UUID,
    request: Request,
    *,
    event: str,
    load: Callable[[AsyncSession], Awaitable[M]],
    finished: Callable[[M], bool],
) -> AsyncIterator[bytes]:
    """An `event` with the loaded state each time it changes, until it is `finished` or the
    client goes away."""
    last = b""
    while not await request.is_disconnected():
        async with db.session(DbScope.for_tenant(tenant_id)) as session:
            state = await load(session)
            await session.commit()
        payload = state.model_dump_json().encode()
        if payload != last:
            last = payload
            yield f"event: {event}\ndata: ".encode() + payload + b"\n\n"
        if finished(state):
            return
        await asyncio.sleep(POLL_SECONDS)
