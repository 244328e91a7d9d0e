"""Pure folding of raw records into rollup rows, and of hourly rows into daily ones.

The incremental fold and the rebuild both go through these functions, so they cannot
disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from athanor.analytics.models import Grain
from athanor.routing.metrics import empty_histogram, histogram_index, merge_histograms

# Hour and day keys are UTC.
TenantHour = tuple[uuid.UUID, datetime]

USAGE_DIMENSIONS = ("user_id", "engine_id", "model_slug", "deployment_id", "level_id", "source")
USAGE_SUMS = (
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
USAGE_HISTOGRAMS = ("latency_histogram", "ttft_histogram")

WORKFLOW_DIMENSIONS = ("workflow_id", "user_id", "level_id")
WORKFLOW_SUMS = (
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
WORKFLOW_HISTOGRAMS = ("duration_histogram",)


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def day_of(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class ExecutionRecord:
    """The columns of a finished execution a rollup needs, with what it cost the providers."""

    tenant_id: uuid.UUID
    created_at: datetime
    user_id: uuid.UUID | None
    engine_id: uuid.UUID | None
    model_slug: str
    deployment_id: uuid.UUID | None
    level_id: uuid.UUID | None
    source: str
    failed: bool
    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int
    charged_tokens: int
    cost_nanos: int
    provider_cost_nanos: int
    latency_ms: int | None
    ttft_ms: int | None


@dataclass(frozen=True, slots=True)
class RunRecord:
    tenant_id: uuid.UUID
    created_at: datetime
    workflow_id: uuid.UUID
    user_id: uuid.UUID | None
    level_id: uuid.UUID | None
    succeeded: bool
    failed: bool
    node_runs: int
    node_failures: int
    prompt_tokens: int
    completion_tokens: int
    charged_tokens: int
    cost_nanos: int
    gate_evaluations: int
    gate_passes: int
    duration_ms: int | None


def _new_row(
    tenant_id: uuid.UUID,
    grain: Grain,
    bucket_at: datetime,
    key: tuple[Any, ...],
    dimensions: tuple[str, ...],
    sums: tuple[str, ...],
    histograms: tuple[str, ...],
) -> dict[str, Any]:
    row: dict[str, Any] = {"tenant_id": tenant_id, "grain": grain, "bucket_at": bucket_at}
    row.update(zip(dimensions, key, strict=True))
    row.update(dict.fromkeys(sums, 0))
    row.update({name: empty_histogram() for name in histograms})
    return row


def fold_executions(records: Iterable[ExecutionRecord]) -> list[dict[str, Any]]:
    """Hourly usage rows (column dicts) of the records given."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in records:
        bucket = hour_of(record.created_at)
        key = tuple(getattr(record, name) for name in USAGE_DIMENSIONS)
        row = rows.get((record.tenant_id, bucket, *key))
        if row is None:
            row = rows[record.tenant_id, bucket, *key] = _new_row(
                record.tenant_id, Grain.HOUR, bucket, key, USAGE_DIMENSIONS, USAGE_SUMS, USAGE_HISTOGRAMS
            )
        row["executions"] += 1
        row["failed"] += record.failed
        row["prompt_tokens"] += record.prompt_tokens
        row["completion_tokens"] += record.completion_tokens
        row["cached_tokens"] += record.cached_tokens
        row["charged_tokens"] += record.charged_tokens
        row["cost_nanos"] += record.cost_nanos
        row["provider_cost_nanos"] += record.provider_cost_nanos
        if record.latency_ms is not None:
            row["latency_ms_sum"] += record.latency_ms
            row["latency_histogram"][histogram_index(record.latency_ms)] += 1
        if record.ttft_ms is not None:
            row["ttft_histogram"][histogram_index(record.ttft_ms)] += 1
    return list(rows.values())


def fold_runs(records: Iterable[RunRecord]) -> list[dict[str, Any]]:
    """Hourly workflow rows (column dicts) of the records given."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in records:
        bucket = hour_of(record.created_at)
        key = tuple(getattr(record, name) for name in WORKFLOW_DIMENSIONS)
        row = rows.get((record.tenant_id, bucket, *key))
        if row is None:
            row = rows[record.tenant_id, bucket, *key] = _new_row(
                record.tenant_id,
                Grain.HOUR,
                bucket,
                key,
                WORKFLOW_DIMENSIONS,
                WORKFLOW_SUMS,
                WORKFLOW_HISTOGRAMS,
            )
        row["runs"] += 1
        for name in WORKFLOW_SUMS[1:]:
            row[name] += getattr(record, name)
        if record.duration_ms is not None:
            row["duration_histogram"][histogram_index(record.duration_ms)] += 1
    return list(rows.values())


def roll_up(
    rows: Iterable[Mapping[str, Any]],
    *,
    grain: Grain,
    dimensions: tuple[str, ...],
    sums: tuple[str, ...],
    histograms: tuple[str, ...],
    bucket_of: Callable[[datetime], datetime] = day_of,
) -> list[dict[str, Any]]:
    """Rows of a coarser grain (hourly -> daily) with the same dimensions."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        bucket = bucket_of(row["bucket_at"])
        key = tuple(row[name] for name in dimensions)
        target = merged.get((row["tenant_id"], bucket, *key))
        if target is None:
            target = merged[row["tenant_id"], bucket, *key] = _new_row(
                row["tenant_id"], grain, bucket, key, dimensions, sums, histograms
            )
        for name in sums:
            target[name] += row[name]
        for name in histograms:
            target[name] = merge_histograms((target[name], row[name]))
    return list(merged.values())
