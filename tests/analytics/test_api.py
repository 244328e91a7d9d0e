"""The analytics API on the seeded records: exact figures, grouping, filters, CSV, access."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import httpx

from athanor.analytics import rollup
from athanor.db.types import utcnow
from athanor.engines.models import ExecutionStatus
from athanor.routing.metrics import empty_histogram, histogram_index, percentile
from athanor.runtime import Runtime
from athanor.workflows.models import NodeStatus, RunStatus
from tests.ai_builders import give_tokens
from tests.analytics.support import World, add_execution, add_run, at, make_world, seed
from tests.support import assert_problem

TWO_DAYS = {"start": "2026-11-02T00:00:00Z", "end": "2026-11-04T00:00:00Z"}


def p(q: float, *values: int) -> float | None:
    histogram = empty_histogram()
    for value in values:
        histogram[histogram_index(value)] += 1
    found = percentile(histogram, q)
    return None if found is None else round(found, 3)


async def seeded(runtime: Runtime) -> World:
    world = await make_world(runtime)
    await seed(runtime, world)
    await rollup.fold(runtime.db)
    return world


async def test_usage_reports_on_the_seeded_records(runtime: Runtime, client: httpx.AsyncClient) -> None:
    """One seeded world for every usage view: each API test pays the app's first request."""
    world = await seeded(runtime)
    await usage_by_day_has_exact_figures(client, world)
    await usage_grouped_filtered_and_hourly(client, world)
    await top_users_and_csv(client, world)


async def usage_by_day_has_exact_figures(client: httpx.AsyncClient, world: World) -> None:

    response = await client.get("/api/analytics/usage", params=TWO_DAYS, headers=world.owner.headers)

    assert response.status_code == 200, response.text
    report = response.json()
    first, second = report["points"]
    assert first["bucket_at"].startswith("2026-11-02T00:00:00")
    assert {name: first[name] for name in ("executions", "failed", "prompt_tokens", "completion_tokens")} == {
        "executions": 3,
        "failed": 1,
        "prompt_tokens": 3500,
        "completion_tokens": 1750,
    }
    assert (first["cost_nanos"], first["provider_cost_nanos"], first["margin_nanos"]) == (
        1_248_000,
        1_040_000,
        208_000,
    )
    assert first["error_rate"] == 1 / 3
    assert first["latency_ms_mean"] == 200.0
    assert first["latency_ms_p50"] == p(0.5, 100, 200, 300)
    assert first["latency_ms_p95"] == p(0.95, 100, 200, 300)
    assert first["ttft_ms_p50"] == p(0.5, 20, 40, 50)
    assert (second["executions"], second["total_tokens"], second["margin_nanos"]) == (1, 200, 10_000)
    total = report["total"]
    assert (total["executions"], total["total_tokens"], total["charged_tokens"], total["cost_nanos"]) == (
        4,
        5450,
        5450,
        1_308_000,
    )


async def usage_grouped_filtered_and_hourly(client: httpx.AsyncClient, world: World) -> None:
    owner, member = str(world.owner.user_id), str(world.member.user_id)

    by_user = await client.get(
        "/api/analytics/usage",
        params={**TWO_DAYS, "interval": "total", "group_by": "user"},
        headers=world.owner.headers,
    )
    assert {point["key"]: point["total_tokens"] for point in by_user.json()["points"]} == {
        owner: 4500,
        member: 950,
    }
    by_level = await client.get(
        "/api/analytics/usage",
        params={**TWO_DAYS, "interval": "total", "group_by": "level", "level_id": str(world.level_id)},
        headers=world.owner.headers,
    )
    assert [(point["key"], point["executions"]) for point in by_level.json()["points"]] == [
        (str(world.level_id), 2)
    ]
    hourly = await client.get(
        "/api/analytics/usage",
        params={"start": "2026-11-02T10:30:00Z", "end": "2026-11-02T11:10:00Z", "interval": "hour"},
        headers=world.owner.headers,
    )
    # Widened to whole hours: 10:00 and 11:00.
    assert [(point["bucket_at"][11:16], point["executions"]) for point in hourly.json()["points"]] == [
        ("10:00", 2),
        ("11:00", 1),
    ]
    by_model = await client.get(
        "/api/analytics/usage",
        params={**TWO_DAYS, "interval": "total", "group_by": "model", "user_id": member},
        headers=world.owner.headers,
    )
    assert [(point["key"], point["executions"]) for point in by_model.json()["points"]] == [("mock-small", 2)]


async def top_users_and_csv(client: httpx.AsyncClient, world: World) -> None:

    top = await client.get(
        "/api/analytics/top-users", params={**TWO_DAYS, "limit": 1}, headers=world.owner.headers
    )
    assert [(point["key"], point["total_tokens"]) for point in top.json()] == [
        (str(world.owner.user_id), 4500)
    ]

    download = await client.get(
        "/api/analytics/usage/csv", params={**TWO_DAYS, "group_by": "user"}, headers=world.owner.headers
    )
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="usage.csv"' in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert list(rows[0])[:4] == ["bucket_at", "key", "executions", "failed"]
    assert [(row["key"], row["executions"], row["cost_nanos"]) for row in rows] == [
        (str(world.owner.user_id), "2", "1068000"),
        (str(world.member.user_id), "1", "180000"),
        (str(world.member.user_id), "1", "60000"),
    ]
    top_csv = await client.get("/api/analytics/top-users/csv", params=TWO_DAYS, headers=world.owner.headers)
    assert len(list(csv.DictReader(io.StringIO(top_csv.text)))) == 2


async def test_workflow_report_has_gate_pass_rate(runtime: Runtime, client: httpx.AsyncClient) -> None:
    world = await make_world(runtime)
    await add_run(runtime, world, created_at=at(2, 12), duration_ms=1000, gates=(False, True, True))
    await add_execution(runtime, world, created_at=at(2, 1), status=ExecutionStatus.FAILED)
    await add_run(
        runtime,
        world,
        created_at=at(2, 13),
        duration_ms=3000,
        status=RunStatus.FAILED,
        nodes=(NodeStatus.FAILED,),
    )
    await rollup.fold(runtime.db)

    report = await client.get(
        "/api/analytics/workflows",
        params={**TWO_DAYS, "interval": "total", "group_by": "workflow"},
        headers=world.owner.headers,
    )
    (point,) = report.json()["points"]
    assert point["key"] == str(world.workflow_id)
    assert (point["runs"], point["failed"], point["error_rate"], point["node_failures"]) == (2, 1, 0.5, 1)
    assert (point["gate_evaluations"], point["gate_passes"], point["gate_pass_rate"]) == (3, 2, 2 / 3)
    assert point["duration_ms_p50"] == p(0.5, 1000, 3000)
    download = await client.get("/api/analytics/workflows/csv", params=TWO_DAYS, headers=world.owner.headers)
    assert download.text.splitlines()[0].startswith("bucket_at,key,runs,")
    # A failed execution counts in the usage error rate.
    usage = await client.get("/api/analytics/usage", params=TWO_DAYS, headers=world.owner.headers)
    assert usage.json()["total"]["error_rate"] == 1.0


async def test_runway_at_the_last_weeks_burn_rate(runtime: Runtime, client: httpx.AsyncClient) -> None:
    world = await make_world(runtime)
    await forecast_reports_method_and_backtest(runtime, client, await make_world(runtime, "Globex"))
    await give_tokens(runtime, world.tenant_id, world.member.user_id, 7_000)
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    # 700 tokens a day over the last week (charged in two calls on two days), none today.
    await add_execution(runtime, world, created_at=today - timedelta(days=2, hours=-1), charged=2_100)
    await add_execution(runtime, world, created_at=today - timedelta(days=6, hours=-1), charged=2_800)
    await add_execution(runtime, world, created_at=today - timedelta(days=9), charged=99_999)
    await add_execution(runtime, world, created_at=today + timedelta(minutes=1), charged=99_999)
    await rollup.fold(runtime.db)

    runway = (await client.get("/api/analytics/runway", headers=world.owner.headers)).json()

    assert runway["available_tokens"] == 7_000
    assert runway["burn_tokens_per_day"] == 700
    assert runway["days_left"] == 10
    assert runway["runs_out_on"] == (today + timedelta(days=10)).date().isoformat()
    # Only this tenant's days: Globex's four weeks of history are not in Acme's series.
    own = (await client.get("/api/analytics/forecast", headers=world.owner.headers)).json()
    assert own["history"][0]["day"] == (today - timedelta(days=9)).date().isoformat()
    assert own["method"] == "holt_linear"
    assert own["backtest"] is None


async def forecast_reports_method_and_backtest(
    runtime: Runtime, client: httpx.AsyncClient, world: World
) -> None:
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    weekly = (50, 60, 70, 80, 90, 20, 10)
    for back in range(28, 0, -1):
        day = today - timedelta(days=back)
        await add_execution(
            runtime, world, created_at=day + timedelta(hours=12), prompt=weekly[day.weekday()]
        )
    await rollup.fold(runtime.db)

    forecast = (
        await client.get("/api/analytics/forecast", params={"horizon": 7}, headers=world.owner.headers)
    ).json()

    assert forecast["method"] == "holt_winters_additive_weekly"
    assert len(forecast["history"]) == 28
    assert forecast["backtest"]["holdout_days"] == 14
    assert forecast["backtest"]["mape"] < 1e-6
    assert forecast["points"][0]["day"] == today.date().isoformat()
    for point in forecast["points"]:
        day = date.fromisoformat(point["day"]).weekday()
        assert abs(point["value"] - weekly[day]) < 1e-6
        assert point["lower_95"] <= point["value"] <= point["upper_95"]


async def test_analytics_is_for_admins_and_periods_are_bounded(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    world = await make_world(runtime)
    assert_problem(
        await client.get("/api/analytics/usage", headers=world.member.headers), 403, "auth.forbidden"
    )
    inverted = await client.get(
        "/api/analytics/usage",
        params={"start": "2026-11-04T00:00:00Z", "end": "2026-11-02T00:00:00Z"},
        headers=world.owner.headers,
    )
    assert (inverted.json()["points"], inverted.json()["total"]["executions"]) == ([], 0)
    long_hourly = await client.get(
        "/api/analytics/usage",
        params={"start": "2026-09-01T00:00:00Z", "end": "2026-11-02T00:00:00Z", "interval": "hour"},
        headers=world.owner.headers,
    )
    # Hourly figures reach back 31 days from the end, and the report says so.
    assert long_hourly.json()["start"].startswith("2026-10-02T00:00:00")
