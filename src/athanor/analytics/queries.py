"""Reading the rollups: usage and workflow figures over a period, bucketed by hour or day,
grouped by a dimension and filtered. Sums come straight from the rollup rows; percentiles
come from their merged histograms, so they are those of every record in the group."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.analytics.buckets import day_of, hour_of
from athanor.analytics.models import Grain, UsageRollup, WorkflowRollup
from athanor.analytics.schemas import (
    Interval,
    UsageDimension,
    UsageFigures,
    UsagePoint,
    UsageReport,
    WorkflowDimension,
    WorkflowFigures,
    WorkflowPoint,
    WorkflowReport,
)
from athanor.routing.metrics import merge_histograms, percentile

MAX_HOURLY_DAYS = 31
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

USAGE_COLUMNS = {
    UsageDimension.USER: "user_id",
    UsageDimension.ENGINE: "engine_id",
    UsageDimension.MODEL: "model_slug",
    UsageDimension.DEPLOYMENT: "deployment_id",
    UsageDimension.LEVEL: "level_id",
    UsageDimension.SOURCE: "source",
}
WORKFLOW_COLUMNS = {
    WorkflowDimension.WORKFLOW: "workflow_id",
    WorkflowDimension.USER: "user_id",
    WorkflowDimension.LEVEL: "level_id",
}


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime
    interval: Interval


@dataclass(frozen=True, slots=True)
class UsageFilter:
    engine_id: uuid.UUID | None = None
    model: str | None = None
    user_id: uuid.UUID | None = None
    level_id: uuid.UUID | None = None
    deployment_id: uuid.UUID | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class WorkflowFilter:
    workflow_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    level_id: uuid.UUID | None = None


def _ceil(moment: datetime, floor: Any, step: timedelta) -> datetime:
    floored: datetime = floor(moment)
    return floored if floored == moment else floored + step


def resolve(period: Period) -> tuple[Grain, datetime, datetime]:
    """The grain to read and the period widened to whole buckets of it. A total reads days
    when the period is made of whole days, hours otherwise. Hourly figures reach back at
    most MAX_HOURLY_DAYS from the end; a period that ends before it starts is empty."""
    end = max(period.end, period.start)
    whole_days = day_of(period.start) == period.start and day_of(end) == end
    if period.interval == Interval.DAY or (period.interval == Interval.TOTAL and whole_days):
        start = day_of(period.start)
        return Grain.DAY, start, max(_ceil(end, day_of, DAY), start)
    start, end = hour_of(period.start), _ceil(end, hour_of, HOUR)
    return Grain.HOUR, max(start, end - timedelta(days=MAX_HOURLY_DAYS)), end


def _key(value: object) -> str | None:
    return None if value is None else str(value)


def _latency(histogram: Sequence[int], q: float) -> float | None:
    value = percentile(histogram, q)
    return None if value is None else round(value, 3)


def _usage_figures(rows: Sequence[UsageRollup]) -> dict[str, Any]:
    sums = {
        name: sum(getattr(row, name) for row in rows)
        for name in (
            "executions",
            "failed",
            "prompt_tokens",
            "completion_tokens",
            "cached_tokens",
            "charged_tokens",
            "cost_nanos",
            "provider_cost_nanos",
            "latency_ms_sum",
        )
    }
    latency = merge_histograms(row.latency_histogram for row in rows)
    ttft = merge_histograms(row.ttft_histogram for row in rows)
    timed = sum(latency)
    latency_sum = sums.pop("latency_ms_sum")
    return {
        **sums,
        "error_rate": sums["failed"] / sums["executions"] if sums["executions"] else 0.0,
        "total_tokens": sums["prompt_tokens"] + sums["completion_tokens"],
        "margin_nanos": sums["cost_nanos"] - sums["provider_cost_nanos"],
        "latency_ms_mean": round(latency_sum / timed, 3) if timed else None,
        "latency_ms_p50": _latency(latency, 0.5),
        "latency_ms_p95": _latency(latency, 0.95),
        "latency_ms_p99": _latency(latency, 0.99),
        "ttft_ms_p50": _latency(ttft, 0.5),
        "ttft_ms_p95": _latency(ttft, 0.95),
    }


def _workflow_figures(rows: Sequence[WorkflowRollup]) -> dict[str, Any]:
    sums = {
        name: sum(getattr(row, name) for row in rows)
        for name in (
            "runs",
            "succeeded",
            "failed",
            "node_runs",
            "node_failures",
            "prompt_tokens",
            "completion_tokens",
            "charged_tokens",
            "cost_nanos",
            "gate_evaluations",
            "gate_passes",
        )
    }
    durations = merge_histograms(row.duration_histogram for row in rows)
    return {
        **sums,
        "error_rate": sums["failed"] / sums["runs"] if sums["runs"] else 0.0,
        "gate_pass_rate": sums["gate_passes"] / sums["gate_evaluations"]
        if sums["gate_evaluations"]
        else None,
        "duration_ms_p50": _latency(durations, 0.5),
        "duration_ms_p95": _latency(durations, 0.95),
    }


def _grouped(rows: Sequence[Any], interval: Interval, column: str | None) -> dict[tuple[Any, Any], list[Any]]:
    groups: dict[tuple[Any, Any], list[Any]] = {}
    for row in rows:
        bucket = None if interval == Interval.TOTAL else row.bucket_at
        key = getattr(row, column) if column else None
        groups.setdefault((bucket, key), []).append(row)
    return groups


def _order(item: tuple[tuple[Any, Any], list[Any]]) -> tuple[Any, ...]:
    (bucket, key), _rows = item
    return (bucket is not None, bucket or datetime.min, key is not None, str(key or ""))


async def usage(
    session: AsyncSession, *, period: Period, group_by: UsageDimension | None, filters: UsageFilter
) -> UsageReport:
    """Usage and cost of the session's tenant over the period, per bucket and group."""
    grain, start, end = resolve(period)
    statement = select(UsageRollup).where(
        UsageRollup.grain == grain, UsageRollup.bucket_at >= start, UsageRollup.bucket_at < end
    )
    for column, value in (
        (UsageRollup.engine_id, filters.engine_id),
        (UsageRollup.model_slug, filters.model),
        (UsageRollup.user_id, filters.user_id),
        (UsageRollup.level_id, filters.level_id),
        (UsageRollup.deployment_id, filters.deployment_id),
        (UsageRollup.source, filters.source),
    ):
        if value is not None:
            statement = statement.where(column == value)
    rows = list((await session.scalars(statement)).all())
    attribute = USAGE_COLUMNS[group_by] if group_by else None
    points = [
        UsagePoint(bucket_at=bucket, key=_key(key), **_usage_figures(members))
        for (bucket, key), members in sorted(_grouped(rows, period.interval, attribute).items(), key=_order)
    ]
    return UsageReport(
        start=start,
        end=end,
        interval=period.interval,
        group_by=group_by,
        points=points,
        total=UsageFigures(**_usage_figures(rows)),
    )


async def workflows(
    session: AsyncSession, *, period: Period, group_by: WorkflowDimension | None, filters: WorkflowFilter
) -> WorkflowReport:
    """Workflow runs of the session's tenant over the period, per bucket and group."""
    grain, start, end = resolve(period)
    statement = select(WorkflowRollup).where(
        WorkflowRollup.grain == grain, WorkflowRollup.bucket_at >= start, WorkflowRollup.bucket_at < end
    )
    for column, value in (
        (WorkflowRollup.workflow_id, filters.workflow_id),
        (WorkflowRollup.user_id, filters.user_id),
        (WorkflowRollup.level_id, filters.level_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    rows = list((await session.scalars(statement)).all())
    attribute = WORKFLOW_COLUMNS[group_by] if group_by else None
    points = [
        WorkflowPoint(bucket_at=bucket, key=_key(key), **_workflow_figures(members))
        for (bucket, key), members in sorted(_grouped(rows, period.interval, attribute).items(), key=_order)
    ]
    return WorkflowReport(
        start=start,
        end=end,
        interval=period.interval,
        group_by=group_by,
        points=points,
        total=WorkflowFigures(**_workflow_figures(rows)),
    )


async def top_users(
    session: AsyncSession, *, start: datetime, end: datetime, limit: int, filters: UsageFilter
) -> list[UsagePoint]:
    """The members who used the most tokens over the period, heaviest first."""
    report = await usage(
        session, period=Period(start, end, Interval.TOTAL), group_by=UsageDimension.USER, filters=filters
    )
    ranked = sorted(
        report.points, key=lambda point: (-point.total_tokens, -point.cost_nanos, point.key or "")
    )
    return ranked[:limit]
