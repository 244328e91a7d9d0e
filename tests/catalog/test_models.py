"""The model catalog: the seed, tenant prices (markup or fixed), and super-admin edits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from athanor.catalog.seed_data import SEED_MODELS, seed_models, usd
from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from tests.builders import Member, make_member
from tests.support import assert_problem, field_errors


async def seed(runtime: Runtime) -> int:
    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        return await seed_models(session)


async def models_by_slug(client: httpx.AsyncClient, member: Member) -> dict[str, dict[str, Any]]:
    response = await client.get("/api/models", params={"limit": 200}, headers=member.headers)
    assert response.status_code == 200, response.text
    return {item["slug"]: item for item in response.json()["items"]}


@pytest.fixture
async def owner(runtime: Runtime) -> Member:
    await seed(runtime)
    return await make_member(runtime, "ada@example.com", tenant_name="Acme")


def test_seed_prices_are_micro_dollars() -> None:
    by_slug = {model.slug: model for model in SEED_MODELS}
    assert usd(1.25) == 1_250_000
    assert by_slug["gpt-5"].input_price == 1_250_000
    assert by_slug["gpt-5"].output_price == 10_000_000
    assert by_slug["claude-opus-4-1"].output_price == 75_000_000
    assert by_slug["mock-small"].input_price == 100_000
    assert "embeddings" in by_slug["text-embedding-3-small"].capabilities
    assert len(by_slug) == len(SEED_MODELS)


async def test_seeding_is_idempotent(runtime: Runtime) -> None:
    assert await seed(runtime) == len(SEED_MODELS)
    assert await seed(runtime) == 0
    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        assert await seed_models(session, overwrite=True) == len(SEED_MODELS)


async def test_members_see_catalog_prices(client: httpx.AsyncClient, runtime: Runtime, owner: Member) -> None:
    viewer = await make_member(runtime, "vi@example.com", tenant_id=owner.tenant_id, role=Role.VIEWER)
    models = await models_by_slug(client, viewer)
    assert set(models) == {model.slug for model in SEED_MODELS}
    gpt = models["gpt-4o"]
    assert (
        gpt["prices"]
        == gpt["catalog_prices"]
        == {"input": 2_500_000, "output": 10_000_000, "cached": 1_250_000}
    )
    assert gpt["override"] is None
    assert sorted(gpt["capabilities"]) == sorted(["chat", "streaming", "tools", "json", "vision"])


async def test_tenant_prices_with_markup_or_fixed_prices(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    other = await make_member(runtime, "bo@example.com", tenant_name="Other")
    model = (await models_by_slug(client, owner))["mock-small"]
    url = f"/api/models/{model['id']}/price"

    marked_up = await client.put(url, json={"markup_bps": 2500}, headers=owner.headers)
    assert marked_up.status_code == 200, marked_up.text
    assert marked_up.json()["prices"] == {"input": 125_000, "output": 500_000, "cached": 62_500}
    fixed = await client.put(url, json={"markup_bps": 1000, "output_price": 1_000_000}, headers=owner.headers)
    assert fixed.json()["prices"] == {"input": 110_000, "output": 1_000_000, "cached": 55_000}
    assert fixed.json()["override"] == {
        "markup_bps": 1000,
        "input_price": None,
        "output_price": 1_000_000,
        "cached_price": None,
    }
    assert (await models_by_slug(client, owner))["mock-small"]["prices"]["output"] == 1_000_000
    # Another tenant's prices are its own.
    assert (await models_by_slug(client, other))["mock-small"]["prices"]["output"] == 400_000
    assert_problem(await client.delete(url, headers=other.headers), 404, "model.price_override_not_found")

    cleared = await client.delete(url, headers=owner.headers)
    assert cleared.status_code == 200
    assert cleared.json()["prices"] == cleared.json()["catalog_prices"]
    assert_problem(await client.delete(url, headers=owner.headers), 404, "model.price_override_not_found")

    bad = await client.put(url, json={"markup_bps": -20_000, "input_price": -1}, headers=owner.headers)
    assert set(field_errors(assert_problem(bad, 422, "validation_failed"))) == {
        "body.markup_bps",
        "body.input_price",
    }


async def test_members_cannot_set_prices(client: httpx.AsyncClient, runtime: Runtime, owner: Member) -> None:
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    model = (await models_by_slug(client, member))["gpt-5"]
    refused = await client.put(
        f"/api/models/{model['id']}/price", json={"markup_bps": 1}, headers=member.headers
    )
    assert_problem(refused, 403, "auth.forbidden")
    edit = await client.patch(
        f"/api/admin/models/{model['id']}", json={"input_price": 1}, headers=owner.headers
    )
    assert_problem(edit, 403, "admin.superadmin_required")


async def test_super_admins_edit_the_catalog(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    root = await make_member(runtime, "root@example.com", superadmin=True)
    body = {
        "slug": "local-llama3:8b",
        "name": "Llama 3 8B (local)",
        "vendor": "meta",
        "context_window": 8192,
        "capabilities": ["streaming", "chat", "chat"],
        "input_price": 0,
    }
    created = await client.post("/api/admin/models", json=body, headers=root.headers)
    assert created.status_code == 201, created.text
    assert created.json()["capabilities"] == ["chat", "streaming"]
    assert_problem(
        await client.post("/api/admin/models", json=body, headers=root.headers), 409, "model.slug_taken"
    )
    model_id = created.json()["id"]

    updated = await client.patch(
        f"/api/admin/models/{model_id}",
        json={"input_price": 50_000, "output_price": 60_000},
        headers=root.headers,
    )
    assert updated.json()["catalog_prices"] == {"input": 50_000, "output": 60_000, "cached": 0}
    assert (await models_by_slug(client, owner))["local-llama3:8b"]["prices"]["output"] == 60_000

    deactivated = await client.post(f"/api/admin/models/{model_id}/deactivate", headers=root.headers)
    assert deactivated.json()["active"] is False
    assert "local-llama3:8b" not in await models_by_slug(client, owner)
    price = await client.put(f"/api/models/{model_id}/price", json={"markup_bps": 1}, headers=owner.headers)
    assert_problem(price, 404, "model.not_found")
    listed = (await client.get("/api/admin/models", params={"limit": 200}, headers=root.headers)).json()[
        "items"
    ]
    assert any(item["id"] == model_id and item["active"] is False for item in listed)
    reactivated = await client.patch(
        f"/api/admin/models/{model_id}", json={"active": True}, headers=root.headers
    )
    assert reactivated.json()["active"] is True

    bad = await client.post(
        "/api/admin/models", json={**body, "slug": "bad slug", "vendor": ""}, headers=root.headers
    )
    assert {"body.slug", "body.vendor"} <= set(field_errors(assert_problem(bad, 422, "validation_failed")))
