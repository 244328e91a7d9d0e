"""API shapes of analytics: usage and workflow reports, top users, forecasts, runway."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from athanor.core.schemas import Output


class Interval(StrEnum):
    HOUR = "hour"
    DAY = "day"
    TOTAL = "total"


class UsageDimension(StrEnum):
    USER = "user"
    ENGINE = "engine"
    MODEL = "model"
    DEPLOYMENT = "deployment"
    LEVEL = "level"
    SOURCE = "source"


class WorkflowDimension(StrEnum):
    WORKFLOW = "workflow"
    USER = "user"
    LEVEL = "level"


class Metric(StrEnum):
    TOKENS = "tokens"
    COST = "cost"


class UsageFigures(Output):
    executions: int
    failed: int
    error_rate: float
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int
    total_tokens: int
    charged_tokens: int
    # What the tenant's users consumed at the tenant's prices, what the providers cost at
    # catalog prices, and the difference (nano-dollars).
    cost_nanos: int
    provider_cost_nanos: int
    margin_nanos: int
    latency_ms_mean: float | None
    latency_ms_p50: float | None
    latency_ms_p95: float | None
    latency_ms_p99: float | None
    ttft_ms_p50: float | None
    ttft_ms_p95: float | None


class UsagePoint(UsageFigures):
    # Start of the hour or day (null for a whole-period total) and the group's key (the
    # id, model slug or source; null when not grouped or for records without one).
    bucket_at: datetime | None
    key: str | None


class UsageReport(Output):
    start: datetime
    end: datetime
    interval: Interval
    group_by: UsageDimension | None
    points: list[UsagePoint]
    total: UsageFigures


class WorkflowFigures(Output):
    runs: int
    succeeded: int
    failed: int
    error_rate: float
    node_runs: int
    node_failures: int
    prompt_tokens: int
    completion_tokens: int
    charged_tokens: int
    cost_nanos: int
    gate_evaluations: int
    gate_passes: int
    gate_pass_rate: float | None
    duration_ms_p50: float | None
    duration_ms_p95: float | None


class WorkflowPoint(WorkflowFigures):
    bucket_at: datetime | None
    key: str | None


class WorkflowReport(Output):
    start: datetime
    end: datetime
    interval: Interval
    group_by: WorkflowDimension | None
    points: list[WorkflowPoint]
    total: WorkflowFigures


class DayValue(Output):
    day: date
    value: float


class ForecastPoint(Output):
    day: date
    value: float
    lower_80: float
    upper_80: float
    lower_95: float
    upper_95: float


class Backtest(Output):
    # The last `holdout_days` of history forecast from the days before them.
    holdout_days: int
    mape: float | None
    mae: float


class ForecastRead(Output):
    metric: Metric
    horizon_days: int
    method: str
    history: list[DayValue]
    points: list[ForecastPoint]
    backtest: Backtest | None


class RunwayRead(Output):
    available_tokens: int
    # Mean tokens charged per day over the last `window_days` whole days.
    burn_tokens_per_day: float
    window_days: int
    days_left: float | None
    runs_out_on: date | None
