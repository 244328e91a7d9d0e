"""Provider connections over HTTP: write-only keys sealed at rest, options checked per kind,
connection tests with audited decryption, shared (platform) providers and tenant isolation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from athanor.audit.models import AuditEvent
from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from tests.builders import Member, make_member
from tests.support import assert_problem, field_errors

SECRET = "sk-test-0123456789abcdefWXYZ"


async def create_provider(client: httpx.AsyncClient, member: Member, **body: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"kind": "mock", "name": "Mock", "api_key": SECRET, **body}
    response = await client.post("/api/providers", json=payload, headers=member.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_the_key_is_write_only_and_sealed(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_provider(client, owner, kind="openai")
    assert created["has_api_key"] is True
    assert created["api_key_hint"] == "…WXYZ"
    assert created["base_url"] == "https://api.openai.com/v1"  # the kind's default
    assert created["shared"] is False
    assert "api_key" not in created
    assert SECRET not in (await client.get(f"/api/providers/{created['id']}", headers=owner.headers)).text
    assert SECRET not in (await client.get("/api/providers", headers=owner.headers)).text

    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session:
        row = (await session.execute(text("SELECT * FROM provider_connection"))).mappings().one()
    assert row["api_key_sealed"].startswith("v1:t1:")
    assert all(SECRET not in str(value) and SECRET[3:-4] not in str(value) for value in row.values())
    assert (
        runtime.key_ring.decrypt(
            row["api_key_sealed"], associated=f"provider_connection:{uuid.UUID(str(row['id']))}"
        )
        == SECRET
    )


async def test_update_keeps_replaces_or_removes_the_key(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_provider(client, owner)
    url = f"/api/providers/{created['id']}"
    patch = {"kind": "mock"}
    renamed = await client.patch(
        url, json={**patch, "name": "Renamed", "timeout_seconds": 5}, headers=owner.headers
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Renamed"
    assert renamed.json()["api_key_hint"] == "…WXYZ"  # omitted: kept
    replaced = await client.patch(
        url, json={**patch, "api_key": "sk-another-key-9876"}, headers=owner.headers
    )
    assert replaced.json()["api_key_hint"] == "…9876"
    removed = await client.patch(url, json={**patch, "api_key": None, "name": None}, headers=owner.headers)
    assert removed.json()["has_api_key"] is False
    assert removed.json()["api_key_hint"] is None
    assert removed.json()["name"] == "Renamed"  # null leaves other fields as they are
    options = await client.patch(url, json={**patch, "options": {"latency_ms": 5}}, headers=owner.headers)
    assert options.json()["options"] == {"latency_ms": 5}
    other_kind = await client.patch(url, json={"kind": "openai", "name": "x"}, headers=owner.headers)
    assert_problem(other_kind, 409, "provider.kind_fixed")
    deleted = await client.delete(url, headers=owner.headers)
    assert deleted.status_code == 204
    assert_problem(await client.get(url, headers=owner.headers), 404, "provider.not_found")


async def test_input_is_checked_per_kind(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    # A body has one shape per kind: error paths name the kind.
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": "openai", "name": "x", "base_url": "ftp://example.com"}, "body.openai.base_url"),
        ({"kind": "openai", "name": "x", "base_url": "not a url"}, "body.openai.base_url"),
        ({"kind": "openai", "name": "x", "base_url": "https://user:pw@example.com"}, "body.openai.base_url"),
        ({"kind": "openai", "name": "x", "base_url": "https://example.com:70000"}, "body.openai.base_url"),
        (
            {"kind": "azure_openai", "name": "x", "base_url": "https://r.openai.azure.com", "options": {}},
            "body.azure_openai.options.api_version",
        ),
        (
            {"kind": "azure_openai", "name": "x", "options": {"api_version": "2024-10-21"}},
            "body.azure_openai.base_url",
        ),
        (
            {"kind": "openai", "name": "x", "options": {"headers": {"X-Api-Key": "x"}}},
            "body.openai.options.headers",
        ),
        ({"kind": "openai", "name": "x", "options": {"surprise": 1}}, "body.openai.options.surprise"),
        ({"kind": "mock", "name": "x", "options": {"fail_rate": 2}}, "body.mock.options.fail_rate"),
        ({"kind": "nope", "name": "x"}, "body"),
        ({"kind": "mock", "name": "x", "timeout_seconds": 0}, "body.mock.timeout_seconds"),
    ]
    for body, field in cases:
        response = await client.post("/api/providers", json=body, headers=owner.headers)
        problem = assert_problem(response, 422, "validation_failed")
        assert field in field_errors(problem), (body, problem)
    azure = await client.post(
        "/api/providers",
        json={
            "kind": "azure_openai",
            "name": "Azure",
            "base_url": "https://r.openai.azure.com/",
            "options": {"api_version": "2024-10-21", "headers": {"X-Team": "a"}},
        },
        headers=owner.headers,
    )
    assert azure.status_code == 201, azure.text
    assert azure.json()["base_url"] == "https://r.openai.azure.com"
    assert azure.json()["options"] == {"api_version": "2024-10-21", "headers": {"X-Team": "a"}}


async def test_connection_test_records_an_audited_decryption(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_provider(client, owner)
    response = await client.post(f"/api/providers/{created['id']}/test", headers=owner.headers)
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    assert response.json()["error"] is None
    assert response.json()["latency_ms"] >= 0
    read = (await client.get(f"/api/providers/{created['id']}", headers=owner.headers)).json()
    assert read["last_test_ok"] is True
    assert read["last_tested_at"] is not None

    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_platform(None)) as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.tenant_id == owner.tenant_id))
        ).all()
    decrypted = [event for event in events if event.action == "provider.credential_decrypted"]
    assert len(decrypted) == 1
    assert decrypted[0].details == {"purpose": "connection_test", "key_id": "t1"}
    assert decrypted[0].actor_user_id == owner.user_id
    assert {"provider.created", "provider.tested"} <= {event.action for event in events}
    assert all(SECRET not in str(event.details) for event in events)


async def test_a_failing_connection_is_reported(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_provider(client, owner, options={"fail_with": "authentication"})
    response = await client.post(
        f"/api/providers/{created['id']}/test", json={"model": "x"}, headers=owner.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is False
    assert response.json()["error"] == "authentication"
    read = (await client.get(f"/api/providers/{created['id']}", headers=owner.headers)).json()
    assert read["last_test_ok"] is False
    assert read["last_test_error"].startswith("authentication")


async def test_tenants_see_their_own_and_shared_providers(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    a = await make_member(runtime, "a@example.com", tenant_name="A")
    b = await make_member(runtime, "b@example.com", tenant_name="B")
    root = await make_member(runtime, "root@example.com", superadmin=True)
    own = await create_provider(client, a)
    shared = await client.post(
        "/api/admin/providers", json={"kind": "mock", "name": "Platform mock"}, headers=root.headers
    )
    assert shared.status_code == 201, shared.text
    assert shared.json()["shared"] is True

    assert_problem(
        await client.get(f"/api/providers/{own['id']}", headers=b.headers), 404, "provider.not_found"
    )
    listed = await client.get("/api/providers", headers=b.headers)
    assert [item["id"] for item in listed.json()["items"]] == [shared.json()["id"]]
    assert {
        item["id"] for item in (await client.get("/api/providers", headers=a.headers)).json()["items"]
    } == {
        own["id"],
        shared.json()["id"],
    }
    # Shared providers are read-only to tenants, and tenant providers do not exist for the admin API.
    shared_url = f"/api/providers/{shared.json()['id']}"
    assert (await client.get(shared_url, headers=b.headers)).json()["shared"] is True
    refused = await client.patch(shared_url, json={"kind": "mock", "name": "mine"}, headers=b.headers)
    assert_problem(refused, 403, "catalog.shared_read_only")
    assert_problem(await client.delete(shared_url, headers=b.headers), 403, "catalog.shared_read_only")
    admin_view = await client.get(f"/api/admin/providers/{own['id']}", headers=root.headers)
    assert_problem(admin_view, 404, "provider.not_found")
    admin_list = (await client.get("/api/admin/providers", headers=root.headers)).json()["items"]
    assert [item["id"] for item in admin_list] == [shared.json()["id"]]
    tested = await client.post(f"/api/admin/providers/{shared.json()['id']}/test", headers=root.headers)
    assert tested.json()["ok"] is True


async def test_only_managers_change_providers(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    created = await create_provider(client, owner)
    refused = await client.post("/api/providers", json={"kind": "mock", "name": "x"}, headers=member.headers)
    assert_problem(refused, 403, "auth.forbidden")
    test = await client.post(f"/api/providers/{created['id']}/test", headers=member.headers)
    assert_problem(test, 403, "auth.forbidden")
    assert (await client.get(f"/api/providers/{created['id']}", headers=member.headers)).status_code == 200
    admin_only = await client.post(
        "/api/admin/providers", json={"kind": "mock", "name": "x"}, headers=owner.headers
    )
    assert_problem(admin_only, 403, "admin.superadmin_required")
    assert_problem(
        await client.get(f"/api/providers/{uuid.uuid4()}", headers=owner.headers), 404, "provider.not_found"
    )


@pytest.mark.parametrize(
    "base_url", ["http://169.254.169.254/v1", "http://127.0.0.1:11434/v1", "http://10.0.0.5/v1"]
)
async def test_private_addresses_need_the_tenant_to_allow_them(
    client: httpx.AsyncClient, runtime: Runtime, base_url: str
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    body = {"kind": "openai", "name": "Local", "base_url": base_url}
    refused = await client.post("/api/providers", json=body, headers=owner.headers)
    assert_problem(refused, 403, "provider.private_address")
    assert "body.base_url" in field_errors(refused.json())
    allowed = await client.patch(
        "/api/tenants/current",
        json={"settings": {"allow_private_network_requests": True}},
        headers=owner.headers,
    )
    assert allowed.status_code == 200, allowed.text
    assert (await client.post("/api/providers", json=body, headers=owner.headers)).status_code == 201
