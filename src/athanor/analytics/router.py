"""Analytics of the caller's tenant, for its admins: usage and cost, workflow runs, top
users (each also as CSV), forecasts with their backtested error, and the wallet runway."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from athanor.access.dependencies import DbSession, require
from athanor.access.principal import Principal
from athanor.analytics import forecasting, queries
from athanor.analytics.csvfile import columns_of, to_csv
from athanor.analytics.schemas import (
    ForecastRead,
    Interval,
    Metric,
    RunwayRead,
    UsageDimension,
    UsagePoint,
    UsageReport,
    WorkflowDimension,
    WorkflowPoint,
    WorkflowReport,
)
from athanor.core.errors import problem_responses
from athanor.core.routing import StrictJsonRoute
from athanor.core.schemas import Timestamp
from athanor.db.types import utcnow
from athanor.tenancy.permissions import Permission

DEFAULT_DAYS = 30
MAX_TOP = 100
MAX_HORIZON = 90
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"}
}

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/analytics",
    tags=["analytics"],
    responses=problem_responses(400, 401, 403, 422, 429),
)

Analyst = Annotated[Principal, Depends(require(Permission.ANALYTICS_READ))]


def period(
    start: Annotated[Timestamp | None, Query(description="Default: 30 days before the end")] = None,
    end: Annotated[Timestamp | None, Query(description="Default: now")] = None,
    interval: Interval = Interval.DAY,
) -> queries.Period:
    """The period asked for; it is widened to whole hours or days of the interval."""
    until = end or utcnow()
    return queries.Period(start or until - timedelta(days=DEFAULT_DAYS), until, interval)


def usage_filter(
    engine_id: uuid.UUID | None = None,
    model: Annotated[str | None, Query(max_length=120)] = None,
    user_id: uuid.UUID | None = None,
    level_id: uuid.UUID | None = None,
    deployment_id: uuid.UUID | None = None,
    source: Annotated[str | None, Query(max_length=16)] = None,
) -> queries.UsageFilter:
    return queries.UsageFilter(engine_id, model, user_id, level_id, deployment_id, source)


def workflow_filter(
    workflow_id: uuid.UUID | None = None, user_id: uuid.UUID | None = None, level_id: uuid.UUID | None = None
) -> queries.WorkflowFilter:
    return queries.WorkflowFilter(workflow_id, user_id, level_id)


PeriodDep = Annotated[queries.Period, Depends(period)]
UsageFilterDep = Annotated[queries.UsageFilter, Depends(usage_filter)]
WorkflowFilterDep = Annotated[queries.WorkflowFilter, Depends(workflow_filter)]
TopLimit = Annotated[int, Query(ge=1, le=MAX_TOP)]


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/usage")
async def usage(
    _principal: Analyst,
    session: DbSession,
    window: PeriodDep,
    filters: UsageFilterDep,
    group_by: UsageDimension | None = None,
) -> UsageReport:
    """Executions, tokens, cost (tenant price and provider cost), margin, error rate and
    latency percentiles per hour or day (or in total), grouped by a dimension."""
    return await queries.usage(session, period=window, group_by=group_by, filters=filters)


@router.get("/usage/csv", response_class=Response, responses=CSV_RESPONSE)
async def usage_csv(
    _principal: Analyst,
    session: DbSession,
    window: PeriodDep,
    filters: UsageFilterDep,
    group_by: UsageDimension | None = None,
) -> Response:
    """The usage report's rows as CSV."""
    report = await queries.usage(session, period=window, group_by=group_by, filters=filters)
    return _csv(to_csv(report.points, columns_of(UsagePoint)), "usage.csv")


@router.get("/workflows")
async def workflow_usage(
    _principal: Analyst,
    session: DbSession,
    window: PeriodDep,
    filters: WorkflowFilterDep,
    group_by: WorkflowDimension | None = None,
) -> WorkflowReport:
    """Workflow runs, node runs, tokens, cost, error rate, quality-gate pass rate and
    duration percentiles per hour or day (or in total), grouped by a dimension."""
    return await queries.workflows(session, period=window, group_by=group_by, filters=filters)


@router.get("/workflows/csv", response_class=Response, responses=CSV_RESPONSE)
async def workflow_usage_csv(
    _principal: Analyst,
    session: DbSession,
    window: PeriodDep,
    filters: WorkflowFilterDep,
    group_by: WorkflowDimension | None = None,
) -> Response:
    """The workflow report's rows as CSV."""
    report = await queries.workflows(session, period=window, group_by=group_by, filters=filters)
    return _csv(to_csv(report.points, columns_of(WorkflowPoint)), "workflows.csv")


@router.get("/top-users")
async def top_users(
    _principal: Analyst, session: DbSession, window: PeriodDep, filters: UsageFilterDep, limit: TopLimit = 10
) -> list[UsagePoint]:
    """The members who used the most tokens over the period (`key` is the user id)."""
    return await queries.top_users(session, start=window.start, end=window.end, limit=limit, filters=filters)


@router.get("/top-users/csv", response_class=Response, responses=CSV_RESPONSE)
async def top_users_csv(
    _principal: Analyst, session: DbSession, window: PeriodDep, filters: UsageFilterDep, limit: TopLimit = 10
) -> Response:
    """The top users as CSV."""
    points = await queries.top_users(
        session, start=window.start, end=window.end, limit=limit, filters=filters
    )
    return _csv(to_csv(points, columns_of(UsagePoint)), "top-users.csv")


@router.get("/forecast")
async def usage_forecast(
    _principal: Analyst,
    session: DbSession,
    metric: Metric = Metric.TOKENS,
    horizon: Annotated[int, Query(ge=1, le=MAX_HORIZON, description="Days ahead: 7 or 30 usually")] = 7,
) -> ForecastRead:
    """Daily tokens or cost (nano-dollars) for the next days, with 80 % and 95 %
    prediction intervals and the method's error on the last held-out days."""
    return await forecasting.forecast_usage(session, metric=metric, horizon=horizon)


@router.get("/runway")
async def wallet_runway(_principal: Analyst, session: DbSession) -> RunwayRead:
    """When the tenant's wallets run out at the last week's burn rate."""
    return await forecasting.runway(session)
