"""Deployments (a model on a provider the tenant can see), their metrics from several
servers merged per bucket, and the tenant's routing strategy."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from athanor.catalog.models import DeploymentMetric
from athanor.catalog.seed_data import seed_models
from athanor.db.scope import DbScope
from athanor.routing.metrics import empty_histogram, histogram_index
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from tests.builders import Member, make_member
from tests.support import assert_problem, field_errors


@pytest.fixture
async def owner(runtime: Runtime) -> Member:
    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        await seed_models(session)
    return await make_member(runtime, "ada@example.com", tenant_name="Acme")


async def provider_of(client: httpx.AsyncClient, member: Member, path: str = "/api/providers") -> str:
    response = await client.post(path, json={"kind": "mock", "name": "Mock"}, headers=member.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def deploy(client: httpx.AsyncClient, member: Member, **body: Any) -> httpx.Response:
    return await client.post("/api/deployments", json={"model": "mock-small", **body}, headers=member.headers)


async def test_deployment_crud(client: httpx.AsyncClient, runtime: Runtime, owner: Member) -> None:
    provider_id = await provider_of(client, owner)
    created = await deploy(client, owner, provider_id=provider_id, weight=3)
    assert created.status_code == 201, created.text
    deployment = created.json()
    assert deployment["model_slug"] == "mock-small"
    assert deployment["upstream_model"] == "mock-small"
    assert deployment["name"] == "mock-small via Mock"
    assert (deployment["weight"], deployment["priority"], deployment["enabled"]) == (3, 0, True)
    assert deployment["shared"] is False

    models = (await client.get("/api/models", params={"limit": 200}, headers=owner.headers)).json()["items"]
    gpt_id = next(item["id"] for item in models if item["slug"] == "gpt-4o-mini")
    url = f"/api/deployments/{deployment['id']}"
    updated = await client.patch(
        url,
        json={
            "model": gpt_id,
            "upstream_model": "gpt-4o-mini-2024-07-18",
            "enabled": False,
            "cost_per_mtok": 5,
        },
        headers=owner.headers,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["model_slug"] == "gpt-4o-mini"
    assert updated.json()["enabled"] is False
    assert updated.json()["cost_per_mtok"] == 5
    assert (await client.get(url, headers=owner.headers)).json()["upstream_model"] == "gpt-4o-mini-2024-07-18"
    listed = (await client.get("/api/deployments", headers=owner.headers)).json()["items"]
    assert [item["id"] for item in listed] == [deployment["id"]]

    assert (await client.delete(url, headers=owner.headers)).status_code == 204
    assert_problem(await client.get(url, headers=owner.headers), 404, "deployment.not_found")


async def test_deployments_are_validated(client: httpx.AsyncClient, runtime: Runtime, owner: Member) -> None:
    other = await make_member(runtime, "eve@example.com", tenant_name="Other")
    foreign = await provider_of(client, other)
    own = await provider_of(client, owner)

    refused = await deploy(client, owner, provider_id=foreign)
    problem = assert_problem(refused, 404, "deployment.provider_not_found")
    assert field_errors(problem) == {"body.provider_id": "not_found"}
    unknown = await deploy(client, owner, provider_id=own, model="no-such-model")
    assert field_errors(assert_problem(unknown, 404, "deployment.model_not_found")) == {
        "body.model": "not_found"
    }
    bad = await deploy(client, owner, provider_id=own, weight=0, priority=-1)
    assert {"body.weight", "body.priority"} <= set(
        field_errors(assert_problem(bad, 422, "validation_failed"))
    )
    created = (await deploy(client, owner, provider_id=own)).json()
    moved = await client.patch(
        f"/api/deployments/{created['id']}", json={"provider_id": foreign}, headers=owner.headers
    )
    assert_problem(moved, 404, "deployment.provider_not_found")
    # The other tenant does not see the deployment.
    assert_problem(
        await client.get(f"/api/deployments/{created['id']}", headers=other.headers),
        404,
        "deployment.not_found",
    )


async def test_shared_deployments(client: httpx.AsyncClient, runtime: Runtime, owner: Member) -> None:
    root = await make_member(runtime, "root@example.com", superadmin=True)
    tenant_provider = await provider_of(client, owner)
    shared_provider = await provider_of(client, root, "/api/admin/providers")
    # A shared deployment only uses shared providers.
    refused = await client.post(
        "/api/admin/deployments",
        json={"model": "mock-small", "provider_id": tenant_provider},
        headers=root.headers,
    )
    assert_problem(refused, 404, "deployment.provider_not_found")
    shared = await client.post(
        "/api/admin/deployments",
        json={"model": "mock-small", "provider_id": shared_provider},
        headers=root.headers,
    )
    assert shared.status_code == 201, shared.text
    assert shared.json()["shared"] is True
    # Tenants may deploy on a shared provider and see the shared deployment, read-only.
    own = await deploy(client, owner, provider_id=shared_provider)
    assert own.status_code == 201, own.text
    listed = {
        item["id"]: item["shared"]
        for item in (await client.get("/api/deployments", headers=owner.headers)).json()["items"]
    }
    assert listed == {shared.json()["id"]: True, own.json()["id"]: False}
    refused = await client.patch(
        f"/api/deployments/{shared.json()['id']}", json={"weight": 9}, headers=owner.headers
    )
    assert_problem(refused, 403, "catalog.shared_read_only")
    admin_list = (await client.get("/api/admin/deployments", headers=root.headers)).json()["items"]
    assert [item["id"] for item in admin_list] == [shared.json()["id"]]


async def test_metrics_merge_sources_per_bucket(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    provider_id = await provider_of(client, owner)
    deployment = (await deploy(client, owner, provider_id=provider_id)).json()
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)

    def histogram(*values_ms: float) -> list[int]:
        counts = empty_histogram()
        for value in values_ms:
            counts[histogram_index(value)] += 1
        return counts

    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        for minute, source, latencies, errors in (
            (0, "api-1", (100, 100, 100), 1),
            (0, "api-2", (400,), 0),
            (1, "api-1", (100,), 1),
        ):
            session.add(
                DeploymentMetric(
                    deployment_id=uuid.UUID(deployment["id"]),
                    bucket_start=hour + timedelta(minutes=minute),
                    source=source,
                    requests=len(latencies),
                    errors=errors,
                    prompt_tokens=10 * len(latencies),
                    completion_tokens=5,
                    cost_nanos=1000,
                    latency_histogram=histogram(*latencies),
                    ttft_histogram=histogram(*(value / 2 for value in latencies)),
                )
            )
    url = f"/api/deployments/{deployment['id']}/metrics"
    minutes = await client.get(
        url, params={"since": (hour - timedelta(minutes=1)).isoformat()}, headers=owner.headers
    )
    assert minutes.status_code == 200, minutes.text
    points = minutes.json()["points"]
    assert [point["requests"] for point in points] == [4, 1]
    first = points[0]
    assert datetime.fromisoformat(first["bucket_start"]) == hour
    assert (first["errors"], first["error_rate"], first["prompt_tokens"], first["cost_nanos"]) == (
        1,
        0.25,
        40,
        2000,
    )
    assert 90 <= first["p50_latency_ms"] <= 110
    assert 350 <= first["p95_latency_ms"] <= 440  # inside the 400 ms bucket
    assert 45 <= first["p50_ttft_ms"] <= 55

    hours = await client.get(
        url,
        params={"bucket": "hour", "since": (hour - timedelta(hours=1)).isoformat()},
        headers=owner.headers,
    )
    assert [point["requests"] for point in hours.json()["points"]] == [5]
    assert hours.json()["total"]["errors"] == 2
    assert hours.json()["total"]["cost_nanos"] == 3000
    # Older starts are moved up to what the resolution keeps (two days by the minute).
    clamped = await client.get(
        url, params={"since": (hour - timedelta(days=5)).isoformat()}, headers=owner.headers
    )
    since = datetime.fromisoformat(clamped.json()["since"])
    assert abs(datetime.now(UTC) - since - timedelta(days=2)) < timedelta(minutes=1)
    assert clamped.json()["total"]["requests"] == 5
    empty = await client.get(
        url, headers=owner.headers, params={"bucket": "minute", "since": datetime.now(UTC).isoformat()}
    )
    assert empty.json()["points"] == []
    assert empty.json()["total"]["p50_latency_ms"] is None


async def test_routing_strategy(client: httpx.AsyncClient, runtime: Runtime, owner: Member) -> None:
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    default = await client.get("/api/routing", headers=member.headers)
    assert default.status_code == 200, default.text
    assert default.json()["configured"] is False
    assert_problem(
        await client.put("/api/routing", json={"strategy": "weighted"}, headers=member.headers),
        403,
        "auth.forbidden",
    )
    chosen = await client.put("/api/routing", json={"strategy": "least_cost"}, headers=owner.headers)
    assert chosen.json() == {"strategy": "least_cost", "configured": True}
    assert (await client.get("/api/routing", headers=member.headers)).json()["strategy"] == "least_cost"
    bad = await client.put("/api/routing", json={"strategy": "random"}, headers=owner.headers)
    assert field_errors(assert_problem(bad, 422, "validation_failed")) == {"body.strategy": "invalid_choice"}
    reset = await client.put("/api/routing", json={"strategy": None}, headers=owner.headers)
    assert reset.json()["configured"] is False


async def test_the_routing_setting_keeps_tenant_settings_readable(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    await client.put("/api/routing", json={"strategy": "least_cost"}, headers=owner.headers)
    response = await client.get("/api/tenants/current", headers=owner.headers)
    assert response.status_code == 200, response.text
    assert response.json()["settings"]["routing_strategy"] == "least_cost"
    renamed = await client.patch("/api/tenants/current", json={"name": "Acme 2"}, headers=owner.headers)
    assert renamed.status_code == 200, renamed.text
    assert (await client.get("/api/routing", headers=owner.headers)).json()["strategy"] == "least_cost"
