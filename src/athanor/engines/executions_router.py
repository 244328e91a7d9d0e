"""The record of every AI call: members see their own, admins everyone's."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Select, select

from athanor.access.dependencies import DbSession, require
from athanor.access.principal import Principal
from athanor.core.errors import NotFound, problem_responses
from athanor.core.i18n import _
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.core.schemas import Timestamp
from athanor.engines.models import Execution, ExecutionSource, ExecutionStatus
from athanor.engines.schemas import ExecutionDetail, ExecutionRead
from athanor.tenancy.permissions import Permission

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/executions",
    tags=["engines"],
    responses=problem_responses(400, 401, 403, 404, 422, 429),
)

Reader = Annotated[Principal, Depends(require(Permission.ENGINES_READ))]


class ExecutionNotFound(NotFound):
    code = "execution.not_found"
    message = _("The execution was not found.")


def _visible(principal: Principal) -> Select[Execution]:
    statement = select(Execution)
    if not principal.can(Permission.EXECUTIONS_READ_ALL):
        statement = statement.where(Execution.user_id == principal.user.id)
    return statement


@router.get("")
async def list_executions(
    principal: Reader,
    session: DbSession,
    engine_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    status: ExecutionStatus | None = None,
    source: ExecutionSource | None = None,
    model: Annotated[str | None, Query(max_length=120)] = None,
    since: Timestamp | None = None,
    until: Timestamp | None = None,
    cursor: Cursor = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
) -> Page[ExecutionRead]:
    """Newest first; filter by engine, member (admins), status, source, model and time."""
    statement = _visible(principal)
    for column, value in (
        (Execution.engine_id, engine_id),
        (Execution.user_id, user_id),
        (Execution.status, status),
        (Execution.source, source),
        (Execution.model_slug, model),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if since is not None:
        statement = statement.where(Execution.created_at >= since)
    if until is not None:
        statement = statement.where(Execution.created_at < until)
    rows = (await session.scalars(paginate_query(statement, Execution.id, cursor, limit))).all()
    return Page[ExecutionRead].model_validate(page_of(rows, limit, ExecutionRead.model_validate))


@router.get("/{execution_id:uuid}")
async def read_execution(execution_id: uuid.UUID, principal: Reader, session: DbSession) -> ExecutionDetail:
    row = await session.scalar(_visible(principal).where(Execution.id == execution_id))
    if row is None:
        raise ExecutionNotFound()
    return ExecutionDetail.model_validate(row)
