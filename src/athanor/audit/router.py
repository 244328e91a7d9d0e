"""The tenant's audit log, for its admins."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from athanor.access.dependencies import DbSession, require
from athanor.access.principal import Principal
from athanor.audit import service
from athanor.audit.models import AuditEvent
from athanor.audit.schemas import AuditEventRead, ChainReportRead
from athanor.core.errors import problem_responses
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.core.schemas import Timestamp
from athanor.tenancy.permissions import Permission

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/audit-events",
    tags=["audit"],
    responses=problem_responses(400, 401, 403, 422, 429),
)

Auditor = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]


@router.get("")
async def list_audit_events(
    principal: Auditor,
    session: DbSession,
    action: Annotated[
        str | None, Query(max_length=64, description="Action or its prefix, e.g. `auth.`")
    ] = None,
    actor_user_id: uuid.UUID | None = None,
    outcome: Literal["success", "failure"] | None = None,
    since: Timestamp | None = None,
    until: Timestamp | None = None,
    cursor: Cursor = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
) -> Page[AuditEventRead]:
    """Newest first, filtered by action, actor, outcome and time."""
    filters = service.AuditFilter(
        action=action, actor_user_id=actor_user_id, outcome=outcome, since=since, until=until
    )
    statement = service.filtered_events(session, tenant_id=principal.tenant_id, filters=filters)
    rows = (await session.scalars(paginate_query(statement, AuditEvent.id, cursor, limit))).all()
    return Page[AuditEventRead].model_validate(page_of(rows, limit, AuditEventRead.model_validate))


@router.get("/verify")
async def verify_audit_chain(principal: Auditor, session: DbSession) -> ChainReportRead:
    """Recompute the tenant's hash chain and report the first broken link, if any."""
    report = await service.verify_chain(session, tenant_id=principal.tenant_id)
    return ChainReportRead(
        valid=report.valid, checked=report.checked, first_broken_seq=report.first_broken_seq
    )
