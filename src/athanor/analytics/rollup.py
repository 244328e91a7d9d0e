"""Keeping the rollups current: the incremental fold (beat task) and the rebuild (CLI).

The fold reads the executions and runs whose `updated_at` moved past the watermark (less
an overlap, for transactions that commit after a later one), and rewrites every hour
bucket they fall in from the raw records, then the day buckets from the hours. A record
that finishes or changes late therefore corrects its bucket, and folding twice is harmless.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.analytics import records
from athanor.analytics.buckets import (
    USAGE_DIMENSIONS,
    USAGE_HISTOGRAMS,
    USAGE_SUMS,
    WORKFLOW_DIMENSIONS,
    WORKFLOW_HISTOGRAMS,
    WORKFLOW_SUMS,
    day_of,
    fold_executions,
    fold_runs,
    roll_up,
)
from athanor.analytics.models import Grain, RollupWatermark, UsageRollup, WorkflowRollup
from athanor.db.engine import Database
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.engines.models import Execution
from athanor.workflows.models import WorkflowRun

# A transaction that stamped `updated_at` before the watermark but committed after it is
# still read if it took less than this.
OVERLAP = timedelta(minutes=5)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# One writer of rollups at a time (PostgreSQL advisory lock, held to the end of the
# transaction): two folds, or a fold and a rebuild, rewriting the same bucket at once would
# each delete nothing the other wrote and both insert it. SQLite has one writer anyway.
ROLLUP_LOCK = 0x7E11_0A11
EXECUTIONS = "executions"
RUNS = "workflow_runs"


@dataclass(frozen=True, slots=True)
class FoldResult:
    records: int
    hours: int
    days: int


def _platform(db: Database) -> AsyncSession:
    # Rollups span tenants: the fold runs in the platform scope, as other sweepers do.
    return db.session(DbScope.for_platform(None))


async def _exclusive(session: AsyncSession) -> None:
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROLLUP_LOCK})


async def _watermark(session: AsyncSession, source: str) -> RollupWatermark | None:
    return await session.scalar(select(RollupWatermark).where(RollupWatermark.source == source))


async def _advance(
    session: AsyncSession, source: str, mark: RollupWatermark | None, position: datetime
) -> None:
    if mark is None:
        session.add(RollupWatermark(source=source, position=position))
    elif position > mark.position:
        mark.position = position
    await session.flush()


async def _changed(
    session: AsyncSession, model: type[Execution] | type[WorkflowRun], since: datetime | None
) -> tuple[list[tuple[uuid.UUID, datetime]], datetime | None]:
    statement = select(model.tenant_id, model.created_at, model.updated_at)
    if since is not None:
        statement = statement.where(model.updated_at > since - OVERLAP)
    rows = list(await session.execute(statement))
    latest = max((row.updated_at for row in rows), default=None)
    return [(row.tenant_id, row.created_at) for row in rows], latest


async def _rewrite_days(session: AsyncSession, tenant_id: uuid.UUID | None, days: Iterable[datetime]) -> int:
    """Recompute day buckets from their hour buckets (of one tenant, or all)."""
    count = 0
    for day in sorted(set(days)):
        for model, dimensions, sums, histograms in (
            (UsageRollup, USAGE_DIMENSIONS, USAGE_SUMS, USAGE_HISTOGRAMS),
            (WorkflowRollup, WORKFLOW_DIMENSIONS, WORKFLOW_SUMS, WORKFLOW_HISTOGRAMS),
        ):
            scope: list[Any] = [model.bucket_at >= day, model.bucket_at < day + DAY]
            if tenant_id is not None:
                scope.append(model.tenant_id == tenant_id)
            await session.execute(delete(model).where(model.grain == Grain.DAY, *scope))
            columns = [
                model.tenant_id,
                model.bucket_at,
                *(getattr(model, name) for name in (*dimensions, *sums, *histograms)),
            ]
            hours = [
                row._asdict()
                for row in await session.execute(select(*columns).where(model.grain == Grain.HOUR, *scope))
            ]
            await _insert(
                session,
                model,
                roll_up(hours, grain=Grain.DAY, dimensions=dimensions, sums=sums, histograms=histograms),
            )
        count += 1
    return count


async def _insert(
    session: AsyncSession, model: type[UsageRollup] | type[WorkflowRollup], rows: Sequence[dict[str, Any]]
) -> None:
    if rows:
        await session.execute(insert(model), list(rows))


async def _rewrite_hours(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    tenant_id: uuid.UUID | None,
    prices: dict[str, Any],
    members: records.Levels,
) -> int:
    """Recompute the hour buckets in [start, end); the number of records read."""
    found_executions = await records.executions(
        session, start=start, end=end, tenant_id=tenant_id, prices=prices, members=members
    )
    found_runs = await records.runs(session, start=start, end=end, tenant_id=tenant_id, members=members)
    for model in (UsageRollup, WorkflowRollup):
        statement = delete(model).where(
            model.grain == Grain.HOUR, model.bucket_at >= start, model.bucket_at < end
        )
        if tenant_id is not None:
            statement = statement.where(model.tenant_id == tenant_id)
        await session.execute(statement)
    await _insert(session, UsageRollup, fold_executions(found_executions))
    await _insert(session, WorkflowRollup, fold_runs(found_runs))
    return len(found_executions) + len(found_runs)


def _runs_of(hours: Iterable[datetime]) -> list[tuple[datetime, datetime]]:
    """Consecutive hours as (first, last) pairs, so a late record reads its own hour only."""
    spans: list[tuple[datetime, datetime]] = []
    for hour in sorted(hours):
        if spans and spans[-1][1] + HOUR == hour:
            spans[-1] = (spans[-1][0], hour)
        else:
            spans.append((hour, hour))
    return spans


async def fold(db: Database) -> FoldResult:
    """Bring the rollups up to date with every record changed since the last fold."""
    async with _platform(db) as session, session.begin():
        await _exclusive(session)
        marks = {source: await _watermark(session, source) for source in (EXECUTIONS, RUNS)}
        changed: dict[uuid.UUID, set[datetime]] = {}
        latest: dict[str, datetime | None] = {}
        for source, model in ((EXECUTIONS, Execution), (RUNS, WorkflowRun)):
            mark = marks[source]
            rows, latest[source] = await _changed(session, model, mark.position if mark else None)
            for tenant_id, hours in records.tenants_by_hours(rows).items():
                changed.setdefault(tenant_id, set()).update(hours)
        prices = await records.catalog(session)
        members = await records.levels(session, changed)
        read = hours_count = days_count = 0
        for tenant_id, hours in changed.items():
            for first, last in _runs_of(hours):
                read += await _rewrite_hours(
                    session, start=first, end=last + HOUR, tenant_id=tenant_id, prices=prices, members=members
                )
            hours_count += len(hours)
            days_count += await _rewrite_days(session, tenant_id, {day_of(hour) for hour in hours})
        for source, position in latest.items():
            if position is not None:
                await _advance(session, source, marks[source], position)
    return FoldResult(records=read, hours=hours_count, days=days_count)


async def rebuild(
    db: Database,
    *,
    since: datetime,
    until: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FoldResult:
    """Rewrite every bucket from `since` (a day boundary is taken) to now from raw records,
    one day per transaction; `progress(done, total)` is called after each day."""
    start = day_of(since)
    end = day_of(until or utcnow()) + DAY
    total = (end - start) // DAY
    read = 0
    async with _platform(db) as session, session.begin():
        prices = await records.catalog(session)
        members = await records.levels(session, None)
    day = start
    done = 0
    while day < end:
        async with _platform(db) as session, session.begin():
            await _exclusive(session)
            read += await _rewrite_hours(
                session, start=day, end=day + DAY, tenant_id=None, prices=prices, members=members
            )
            await _rewrite_days(session, None, [day])
        day += DAY
        done += 1
        if progress is not None:
            progress(done, total)
    return FoldResult(records=read, hours=total * 24, days=total)
