"""Recording, listing and verifying audit events."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.audit.models import AuditChainHead, AuditEvent
from athanor.db.base import new_id
from athanor.db.scope import scope_of
from athanor.db.types import utcnow
from athanor.db.upsert import insert_for

GENESIS_HASH = "0" * 64
PLATFORM_CHAIN = "platform"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something, and from where."""

    user_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    admin_id: uuid.UUID | None = None
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


SYSTEM = Actor()


@dataclass(frozen=True, slots=True)
class AuditFilter:
    action: str | None = None
    actor_user_id: uuid.UUID | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChainReport:
    valid: bool
    checked: int
    first_broken_seq: int | None


def _chain_key(tenant_id: uuid.UUID | None) -> str:
    return str(tenant_id) if tenant_id else PLATFORM_CHAIN


def _link_hash(prev_hash: str, event: AuditEvent) -> str:
    body = {
        "id": str(event.id),
        "tenant_id": str(event.tenant_id) if event.tenant_id else None,
        "seq": event.seq,
        "action": event.action,
        "outcome": event.outcome,
        "actor_user_id": str(event.actor_user_id) if event.actor_user_id else None,
        "actor_api_key_id": str(event.actor_api_key_id) if event.actor_api_key_id else None,
        "actor_admin_id": str(event.actor_admin_id) if event.actor_admin_id else None,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "details": event.details,
        "created_at": event.created_at.isoformat(),
    }
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(prev_hash.encode() + canonical).hexdigest()


async def _lock_chain_head(session: AsyncSession, chain_key: str) -> AuditChainHead:
    await session.execute(
        insert_for(session, AuditChainHead)
        .values(
            id=new_id(),
            chain_key=chain_key,
            seq=0,
            hash=GENESIS_HASH,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["chain_key"])
    )
    head = await session.scalar(
        select(AuditChainHead)
        .where(AuditChainHead.chain_key == chain_key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert head is not None
    return head


async def record(
    session: AsyncSession,
    *,
    action: str,
    actor: Actor,
    tenant_id: uuid.UUID | None,
    target_type: str | None = None,
    target_id: object | None = None,
    outcome: str = "success",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to its tenant's chain (or the platform's), in the caller's transaction."""
    head = await _lock_chain_head(session, _chain_key(tenant_id))
    event = AuditEvent(
        id=new_id(),
        tenant_id=tenant_id,
        seq=head.seq + 1,
        action=action,
        outcome=outcome,
        actor_user_id=actor.user_id,
        actor_api_key_id=actor.api_key_id,
        actor_admin_id=actor.admin_id,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        ip=actor.ip,
        user_agent=actor.user_agent,
        request_id=actor.request_id,
        details=details or {},
        prev_hash=head.hash,
        created_at=utcnow(),
    )
    event.hash = _link_hash(head.hash, event)
    head.seq = event.seq
    head.hash = event.hash
    session.add(event)
    await session.flush()
    return event


def _visible_events(session: AsyncSession, tenant_id: uuid.UUID | None) -> Select[AuditEvent]:
    """Events of one chain; platform events (no tenant) only from the platform scope."""
    if tenant_id is None:
        if not scope_of(session).platform:
            raise PermissionError("platform audit events need the platform scope")
        return select(AuditEvent).where(AuditEvent.tenant_id.is_(None))
    return select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)


def filtered_events(
    session: AsyncSession, *, tenant_id: uuid.UUID | None, filters: AuditFilter
) -> Select[AuditEvent]:
    statement = _visible_events(session, tenant_id)
    if filters.action:
        statement = statement.where(AuditEvent.action.startswith(filters.action))
    if filters.actor_user_id:
        statement = statement.where(AuditEvent.actor_user_id == filters.actor_user_id)
    if filters.outcome:
        statement = statement.where(AuditEvent.outcome == filters.outcome)
    if filters.since:
        statement = statement.where(AuditEvent.created_at >= filters.since)
    if filters.until:
        statement = statement.where(AuditEvent.created_at < filters.until)
    return statement


async def verify_chain(session: AsyncSession, *, tenant_id: uuid.UUID | None) -> ChainReport:
    """Recompute every link; an edit, a deletion or a reordering breaks the chain."""
    events = (await session.scalars(_visible_events(session, tenant_id).order_by(AuditEvent.seq))).all()
    prev_hash = GENESIS_HASH
    for expected_seq, event in enumerate(events, start=1):
        intact = (
            event.seq == expected_seq
            and event.prev_hash == prev_hash
            and event.hash == _link_hash(prev_hash, event)
        )
        if not intact:
            return ChainReport(valid=False, checked=expected_seq, first_broken_seq=expected_seq)
        prev_hash = event.hash
    head = await session.scalar(
        select(AuditChainHead).where(AuditChainHead.chain_key == _chain_key(tenant_id))
    )
    if head is not None and (head.seq != len(events) or head.hash != prev_hash):
        # The newest events were removed: the head remembers them.
        return ChainReport(valid=False, checked=len(events), first_broken_seq=len(events) + 1)
    return ChainReport(valid=True, checked=len(events), first_broken_seq=None)
