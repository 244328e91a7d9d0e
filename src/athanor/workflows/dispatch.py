"""Publishing ready nodes to Celery once the transaction that made them ready has
committed: never for state that did not commit, and a lost publish only delays a node
(the reaper publishes queued nodes again)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(slots=True)
class Dispatch:
    """Node runs to publish once the transaction that made them ready has committed."""

    now: list[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=list)
    # (tenant, node run, when): retries after a backoff.
    later: list[tuple[uuid.UUID, uuid.UUID, datetime]] = field(default_factory=list)
    # (tenant, node run, when): delays to end.
    wakes: list[tuple[uuid.UUID, uuid.UUID, datetime]] = field(default_factory=list)

    def extend(self, other: Dispatch) -> None:
        self.now += other.now
        self.later += other.later
        self.wakes += other.wakes


def dispatch_of(session: AsyncSession) -> Dispatch:
    found = session.info.get("athanor.dispatch")
    if found is None:
        found = session.info["athanor.dispatch"] = Dispatch()
    return found


async def commit_and_dispatch(session: AsyncSession) -> None:
    """Commit, then publish what the transaction made ready."""
    dispatch = dispatch_of(session)
    await session.commit()
    session.info.pop("athanor.dispatch", None)
    publish(dispatch)


def publish(dispatch: Dispatch) -> None:
    """Publish after the commit. Publishing one made obsolete meanwhile (a rolled-back
    transaction, a node already taken) is harmless: nothing is there to claim."""
    from athanor.workflows import tasks  # the Celery side imports this module

    for tenant_id, node_run_id in dispatch.now:
        tasks.publish(tenant_id, node_run_id)
    for tenant_id, node_run_id, when in dispatch.later:
        tasks.publish(tenant_id, node_run_id, eta=when)
    for tenant_id, node_run_id, when in dispatch.wakes:
        tasks.publish_wake(tenant_id, node_run_id, eta=when)
