"""Rollups from a known set of records: exact figures, late records, rebuild = incremental."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from athanor.analytics import rollup
from athanor.analytics.models import Grain, UsageRollup, WorkflowRollup
from athanor.db.scope import DbScope
from athanor.engines.models import ExecutionStatus
from athanor.routing.metrics import empty_histogram, histogram_index, percentile
from athanor.runtime import Runtime
from athanor.workflows.models import NodeStatus, RunStatus
from tests.analytics.support import add_execution, add_run, at, finish_execution, make_world, seed

MEASURES = (
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


async def usage_rows(runtime: Runtime, grain: Grain | None = None) -> list[dict[str, Any]]:
    async with runtime.db.session(DbScope.for_platform(None)) as session:
        statement = select(UsageRollup)
        if grain is not None:
            statement = statement.where(UsageRollup.grain == grain)
        rows = (await session.scalars(statement)).all()
    return sorted(
        (
            {
                "grain": row.grain,
                "bucket_at": row.bucket_at,
                "user_id": row.user_id,
                "level_id": row.level_id,
                "engine_id": row.engine_id,
                "model_slug": row.model_slug,
                "source": row.source,
                **{name: getattr(row, name) for name in MEASURES},
                "latency_histogram": row.latency_histogram,
                "ttft_histogram": row.ttft_histogram,
            }
            for row in rows
        ),
        key=lambda row: (row["grain"], row["bucket_at"], str(row["user_id"])),
    )


async def workflow_rows(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.db.session(DbScope.for_platform(None)) as session:
        rows = (await session.scalars(select(WorkflowRollup))).all()
    columns = [
        c.key for c in WorkflowRollup.__table__.columns if c.key not in {"id", "created_at", "updated_at"}
    ]
    return sorted(
        ({name: getattr(row, name) for name in columns} for row in rows),
        key=lambda row: (row["grain"], row["bucket_at"], str(row["user_id"])),
    )


def histogram_of(*values: int) -> list[int]:
    histogram = empty_histogram()
    for value in values:
        histogram[histogram_index(value)] += 1
    return histogram


async def test_fold_gives_exact_hourly_and_daily_figures(runtime: Runtime) -> None:
    world = await make_world(runtime)
    await seed(runtime, world)

    result = await rollup.fold(runtime.db)

    assert result.records == 4
    hours = await usage_rows(runtime, Grain.HOUR)
    assert [(row["bucket_at"], row["user_id"]) for row in hours] == [
        (at(2, 10), world.owner.user_id),
        (at(2, 11), world.member.user_id),
        (at(3, 9), world.member.user_id),
    ]
    ten = hours[0]
    assert {name: ten[name] for name in MEASURES} == {
        "executions": 2,
        "failed": 1,
        "prompt_tokens": 3000,
        "completion_tokens": 1500,
        "cached_tokens": 200,
        "charged_tokens": 4500,
        "cost_nanos": 1_068_000,
        # 800 fresh input x 100 + 200 cached x 50 + 500 output x 400, then 2000 x 100 + 1000 x 400
        "provider_cost_nanos": 290_000 + 600_000,
        "latency_ms_sum": 400,
    }
    assert ten["latency_histogram"] == histogram_of(100, 300)
    assert ten["ttft_histogram"] == histogram_of(20, 50)
    assert (ten["engine_id"], ten["model_slug"], ten["source"]) == (world.engine_id, "mock-small", "api")
    # The member's level is a dimension.
    assert hours[1]["level_id"] == world.level_id
    assert hours[1]["provider_cost_nanos"] == 150_000

    days = await usage_rows(runtime, Grain.DAY)
    assert [(row["bucket_at"], row["user_id"], row["executions"]) for row in days] == [
        (at(2, 0), world.owner.user_id, 2),
        (at(2, 0), world.member.user_id, 1),
        (at(3, 0), world.member.user_id, 1),
    ]
    merged = days[0]["latency_histogram"]
    assert percentile(merged, 0.5) == percentile(histogram_of(100, 300), 0.5)


async def test_folding_again_changes_nothing(runtime: Runtime) -> None:
    world = await make_world(runtime)
    await seed(runtime, world)
    await rollup.fold(runtime.db)
    before = await usage_rows(runtime)

    await rollup.fold(runtime.db)

    assert await usage_rows(runtime) == before


async def test_a_late_record_corrects_its_bucket(runtime: Runtime) -> None:
    world = await make_world(runtime)
    ids = await seed(runtime, world)
    await rollup.fold(runtime.db)

    # The call started at 10:50 finishes long after its hour was rolled up.
    await finish_execution(
        runtime,
        world,
        ids["e5"],
        status=ExecutionStatus.SUCCEEDED,
        prompt_tokens=400,
        completion_tokens=100,
        charged_tokens=500,
        cost_nanos=96_000,
        latency_ms=5000,
    )
    await rollup.fold(runtime.db)

    ten = (await usage_rows(runtime, Grain.HOUR))[0]
    assert (ten["executions"], ten["prompt_tokens"], ten["cost_nanos"], ten["provider_cost_nanos"]) == (
        3,
        3400,
        1_164_000,
        890_000 + 80_000,
    )
    assert ten["latency_histogram"] == histogram_of(100, 300, 5000)
    day = (await usage_rows(runtime, Grain.DAY))[0]
    assert (day["executions"], day["prompt_tokens"]) == (3, 3400)


async def test_rebuild_equals_incremental(runtime: Runtime) -> None:
    world = await make_world(runtime)
    ids = await seed(runtime, world)
    await add_run(
        runtime,
        world,
        created_at=at(2, 12),
        duration_ms=1500,
        nodes=(NodeStatus.SUCCEEDED,),
        gates=(False, True),
    )
    await rollup.fold(runtime.db)
    await finish_execution(runtime, world, ids["e5"], status=ExecutionStatus.FAILED, latency_ms=50)
    await add_execution(runtime, world, created_at=at(3, 23, 59), prompt=7, completion=3, latency_ms=70)
    await rollup.fold(runtime.db)
    incremental = await usage_rows(runtime), await workflow_rows(runtime)

    progress: list[tuple[int, int]] = []
    result = await rollup.rebuild(
        runtime.db,
        since=at(1, 0),
        until=at(4, 0),
        progress=lambda done, total: progress.append((done, total)),
    )

    assert result.records == 7
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert (await usage_rows(runtime), await workflow_rows(runtime)) == incremental


async def test_workflow_runs_roll_up_with_nodes_and_gates(runtime: Runtime) -> None:
    world = await make_world(runtime)
    await add_run(
        runtime,
        world,
        created_at=at(2, 12, 1),
        duration_ms=1500,
        prompt=10,
        completion=20,
        charged=30,
        cost=900,
        nodes=(NodeStatus.SUCCEEDED, NodeStatus.FAILED),
        gates=(False, True),
    )
    await add_run(
        runtime,
        world,
        created_at=at(2, 12, 30),
        duration_ms=4000,
        status=RunStatus.FAILED,
        nodes=(NodeStatus.FAILED,),
        gates=(False,),
    )
    await add_run(runtime, world, created_at=at(2, 13), duration_ms=100, status=RunStatus.RUNNING)

    await rollup.fold(runtime.db)

    rows = await workflow_rows(runtime)
    hour, day = (
        (row for row in rows if row["grain"] == Grain.HOUR),
        (row for row in rows if row["grain"] == Grain.DAY),
    )
    for row in (next(hour), next(day)):
        assert (row["workflow_id"], row["level_id"]) == (world.workflow_id, world.level_id)
        assert (row["runs"], row["succeeded"], row["failed"]) == (2, 1, 1)
        assert (row["node_runs"], row["node_failures"]) == (3, 2)
        assert (row["gate_evaluations"], row["gate_passes"]) == (3, 1)
        assert (row["prompt_tokens"], row["completion_tokens"], row["charged_tokens"], row["cost_nanos"]) == (
            10,
            20,
            30,
            900,
        )
        assert row["duration_histogram"] == histogram_of(1500, 4000)
    assert len(rows) == 2


async def test_rollups_stay_in_their_tenant(runtime: Runtime) -> None:
    first = await make_world(runtime, "Acme")
    second = await make_world(runtime, "Globex")
    await add_execution(runtime, first, created_at=at(2, 10), prompt=10)
    await add_execution(runtime, second, created_at=at(2, 10), prompt=20)
    await rollup.fold(runtime.db)

    async with runtime.db.session(DbScope.for_tenant(first.tenant_id)) as session:
        rows = (await session.scalars(select(UsageRollup))).all()
    assert {(row.grain, row.prompt_tokens) for row in rows} == {(Grain.HOUR, 10), (Grain.DAY, 10)}


async def test_the_beat_task_folds(runtime: Runtime) -> None:
    from athanor.analytics import tasks
    from athanor.workers.celery_app import celery_app

    world = await make_world(runtime)
    await add_execution(runtime, world, created_at=at(2, 10), prompt=10)

    assert await tasks._fold(runtime) == 1
    assert celery_app.conf.beat_schedule["fold-analytics"]["task"] == tasks.fold.name
    assert len(await usage_rows(runtime)) == 2
