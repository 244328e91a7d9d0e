"""Reading raw executions and workflow runs as the records a rollup folds.

Provider cost is priced here from the catalog (`catalog.pricing`, the same arithmetic the
execution path uses for the tenant's price), and each record carries its member's level.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.analytics.buckets import ExecutionRecord, RunRecord, hour_of
from athanor.catalog.models import AiModel
from athanor.catalog.pricing import Prices, catalog_prices
from athanor.engines.models import Execution, ExecutionStatus
from athanor.levels.models import LevelSubscription
from athanor.providers.types import Usage
from athanor.workflows.models import (
    FINISHED_RUN,
    NodeRun,
    NodeStatus,
    QualityEvaluation,
    RunStatus,
    WorkflowRun,
)

CHUNK = 500

Levels = dict[tuple[uuid.UUID, uuid.UUID], uuid.UUID]


async def catalog(session: AsyncSession) -> dict[str, Prices]:
    """Catalog prices by model slug: what providers charge, before any tenant markup."""
    models = await session.scalars(select(AiModel))
    return {model.slug: catalog_prices(model) for model in models}


async def levels(session: AsyncSession, tenant_ids: Iterable[uuid.UUID] | None) -> Levels:
    """Each member's level, by (tenant, user)."""
    statement = select(LevelSubscription.tenant_id, LevelSubscription.user_id, LevelSubscription.level_id)
    if tenant_ids is not None:
        statement = statement.where(LevelSubscription.tenant_id.in_(list(tenant_ids)))
    return {(tenant, user): level for tenant, user, level in await session.execute(statement)}


def _window(
    statement: Any,
    created_at: Any,
    tenant_column: Any,
    tenant_id: uuid.UUID | None,
    start: datetime,
    end: datetime,
) -> Any:
    statement = statement.where(created_at >= start, created_at < end)
    if tenant_id is not None:
        statement = statement.where(tenant_column == tenant_id)
    return statement


async def executions(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    tenant_id: uuid.UUID | None = None,
    prices: dict[str, Prices],
    members: Levels,
) -> list[ExecutionRecord]:
    """Finished executions created in [start, end), of one tenant or all."""
    statement = _window(
        select(
            Execution.tenant_id,
            Execution.created_at,
            Execution.user_id,
            Execution.engine_id,
            Execution.model_slug,
            Execution.deployment_id,
            Execution.source,
            Execution.status,
            Execution.prompt_tokens,
            Execution.completion_tokens,
            Execution.cached_tokens,
            Execution.charged_tokens,
            Execution.cost_nanos,
            Execution.latency_ms,
            Execution.ttft_ms,
        ).where(Execution.status != ExecutionStatus.RUNNING),
        Execution.created_at,
        Execution.tenant_id,
        tenant_id,
        start,
        end,
    )
    records = []
    for row in await session.execute(statement):
        price = prices.get(row.model_slug)
        usage = Usage(row.prompt_tokens, row.completion_tokens, row.cached_tokens)
        records.append(
            ExecutionRecord(
                tenant_id=row.tenant_id,
                created_at=row.created_at,
                user_id=row.user_id,
                engine_id=row.engine_id,
                model_slug=row.model_slug,
                deployment_id=row.deployment_id,
                level_id=members.get((row.tenant_id, row.user_id)),
                source=str(row.source),
                failed=row.status == ExecutionStatus.FAILED,
                prompt_tokens=row.prompt_tokens,
                completion_tokens=row.completion_tokens,
                cached_tokens=row.cached_tokens,
                charged_tokens=row.charged_tokens,
                cost_nanos=row.cost_nanos,
                provider_cost_nanos=price.cost_nanos(usage) if price else 0,
                latency_ms=row.latency_ms,
                ttft_ms=row.ttft_ms,
            )
        )
    return records


async def _counts(
    session: AsyncSession,
    statement: Any,
    run_column: Any,
    run_ids: Sequence[uuid.UUID],
) -> dict[uuid.UUID, tuple[int, int]]:
    counts: dict[uuid.UUID, tuple[int, int]] = {}
    for offset in range(0, len(run_ids), CHUNK):
        chunk = run_ids[offset : offset + CHUNK]
        for run_id, total, flagged in await session.execute(statement.where(run_column.in_(chunk))):
            counts[run_id] = (int(total), int(flagged or 0))
    return counts


async def runs(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    tenant_id: uuid.UUID | None = None,
    members: Levels,
) -> list[RunRecord]:
    """Finished workflow runs created in [start, end), with their node runs and gate
    evaluations counted."""
    statement = _window(
        select(WorkflowRun).where(WorkflowRun.status.in_(list(FINISHED_RUN))),
        WorkflowRun.created_at,
        WorkflowRun.tenant_id,
        tenant_id,
        start,
        end,
    )
    found: list[WorkflowRun] = list((await session.scalars(statement)).all())
    run_ids = [run.id for run in found]
    nodes = await _counts(
        session,
        select(
            NodeRun.run_id, func.count(), func.sum(case((NodeRun.status == NodeStatus.FAILED, 1), else_=0))
        ).group_by(NodeRun.run_id),
        NodeRun.run_id,
        run_ids,
    )
    gates = await _counts(
        session,
        select(
            QualityEvaluation.run_id,
            func.count(),
            func.sum(case((QualityEvaluation.passed.is_(True), 1), else_=0)),
        ).group_by(QualityEvaluation.run_id),
        QualityEvaluation.run_id,
        run_ids,
    )
    records = []
    for run in found:
        node_runs, node_failures = nodes.get(run.id, (0, 0))
        evaluations, passes = gates.get(run.id, (0, 0))
        duration = int((run.finished_at - run.created_at).total_seconds() * 1000) if run.finished_at else None
        records.append(
            RunRecord(
                tenant_id=run.tenant_id,
                created_at=run.created_at,
                workflow_id=run.workflow_id,
                user_id=run.user_id,
                level_id=members.get((run.tenant_id, run.user_id)),
                succeeded=run.status == RunStatus.SUCCEEDED,
                failed=run.status == RunStatus.FAILED,
                node_runs=node_runs,
                node_failures=node_failures,
                prompt_tokens=run.prompt_tokens,
                completion_tokens=run.completion_tokens,
                charged_tokens=run.charged_tokens,
                cost_nanos=run.cost_nanos,
                gate_evaluations=evaluations,
                gate_passes=passes,
                duration_ms=max(duration, 0) if duration is not None else None,
            )
        )
    return records


def tenants_by_hours(rows: Iterable[tuple[uuid.UUID, datetime]]) -> dict[uuid.UUID, set[datetime]]:
    hours: dict[uuid.UUID, set[datetime]] = defaultdict(set)
    for tenant_id, created_at in rows:
        hours[tenant_id].add(hour_of(created_at))
    return hours
