"""Tenant B never reaches tenant A's rows: every tenant-owned endpoint answers 404."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from athanor.app import create_app
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from tests.ai_builders import add_deployment, give_tokens
from tests.builders import Member, make_member


@dataclass(frozen=True)
class TenantA:
    owner: Member
    member_id: str
    invitation_id: str
    api_key_id: str
    engine_id: str
    execution_id: str
    member_user_id: str
    provider_id: str
    deployment_id: str
    level_id: str
    workflow_id: str
    workflow_run_id: str
    trigger_id: str
    template_id: str
    bucket: str = "docs"
    file_id: str = ""
    upload_id: str = ""
    export_template: str = "house"
    export_id: str = ""


ENGINE_SPEC: dict[str, object] = {"model": "mock-small", "prompt_template": "Hello"}
WORKFLOW: dict[str, object] = {
    "nodes": [
        {"id": "draft", "type": "template", "config": {"template": "hi"}},
        {"id": "review", "type": "approval", "config": {}},
    ],
    "edges": [{"source": "draft", "target": "review"}],
}
# Every route with an id in its path, with a body that would be valid in its own tenant.
MATRIX: dict[tuple[str, str], tuple[str, dict[str, object] | None]] = {
    ("GET", "/api/members/{member_id}"): ("member_id", None),
    ("PATCH", "/api/members/{member_id}"): ("member_id", {"role": "viewer"}),
    ("DELETE", "/api/members/{member_id}"): ("member_id", None),
    ("DELETE", "/api/invitations/{invitation_id}"): ("invitation_id", None),
    ("GET", "/api/api-keys/{key_id}"): ("api_key_id", None),
    ("POST", "/api/api-keys/{key_id}/rotate"): ("api_key_id", {"grace_seconds": 0}),
    ("POST", "/api/api-keys/{key_id}/revoke"): ("api_key_id", None),
    ("GET", "/api/engines/{engine_id}"): ("engine_id", None),
    ("PATCH", "/api/engines/{engine_id}"): ("engine_id", {"name": "Renamed"}),
    ("DELETE", "/api/engines/{engine_id}"): ("engine_id", None),
    ("POST", "/api/engines/{engine_id}/versions"): ("engine_id", ENGINE_SPEC),
    ("PUT", "/api/engines/{engine_id}/versions/{number}"): ("engine_id", ENGINE_SPEC),
    ("POST", "/api/engines/{engine_id}/versions/{number}/publish"): ("engine_id", None),
    ("GET", "/api/engines/{engine_id}/diff"): ("engine_id", None),
    ("GET", "/api/engines/{engine_id}/assignments"): ("engine_id", None),
    ("PUT", "/api/engines/{engine_id}/assignments"): ("engine_id", {}),
    ("POST", "/api/engines/{engine_id}/execute"): ("engine_id", {"inputs": {}}),
    ("POST", "/api/engines/{engine_id}/playground"): ("engine_id", {"inputs": {}}),
    ("GET", "/api/executions/{execution_id}"): ("execution_id", None),
    ("GET", "/api/providers/{provider_id}"): ("provider_id", None),
    ("PATCH", "/api/providers/{provider_id}"): ("provider_id", {"kind": "mock", "name": "Renamed"}),
    ("DELETE", "/api/providers/{provider_id}"): ("provider_id", None),
    ("POST", "/api/providers/{provider_id}/test"): ("provider_id", None),
    ("GET", "/api/deployments/{deployment_id}"): ("deployment_id", None),
    ("PATCH", "/api/deployments/{deployment_id}"): ("deployment_id", {"weight": 2}),
    ("DELETE", "/api/deployments/{deployment_id}"): ("deployment_id", None),
    ("GET", "/api/deployments/{deployment_id}/metrics"): ("deployment_id", None),
    ("GET", "/api/levels/{level_id}"): ("level_id", None),
    ("PATCH", "/api/levels/{level_id}"): ("level_id", {"name": "Renamed"}),
    ("DELETE", "/api/levels/{level_id}"): ("level_id", None),
    ("PUT", "/api/members/{user_id}/level"): ("member_user_id", {"level": "gold"}),
    ("GET", "/api/workflows/{workflow_id}"): ("workflow_id", None),
    ("PATCH", "/api/workflows/{workflow_id}"): ("workflow_id", {"name": "Renamed"}),
    ("DELETE", "/api/workflows/{workflow_id}"): ("workflow_id", None),
    ("POST", "/api/workflows/{workflow_id}/versions"): ("workflow_id", {"definition": WORKFLOW}),
    ("PUT", "/api/workflows/{workflow_id}/versions/{number}"): ("workflow_id", {"definition": WORKFLOW}),
    ("POST", "/api/workflows/{workflow_id}/versions/{number}/publish"): ("workflow_id", None),
    ("POST", "/api/workflows/{workflow_id}/share"): ("workflow_id", {}),
    ("POST", "/api/workflows/{workflow_id}/runs"): ("workflow_id", {}),
    ("GET", "/api/workflows/{workflow_id}/triggers"): ("workflow_id", None),
    ("POST", "/api/workflows/{workflow_id}/triggers"): ("workflow_id", {"kind": "webhook"}),
    ("DELETE", "/api/workflows/{workflow_id}/triggers/{trigger_id}"): ("workflow_id", None),
    ("POST", "/api/workflow-templates/{template_id}/use"): ("template_id", {"slug": "stolen"}),
    ("GET", "/api/workflow-runs/{run_id}"): ("workflow_run_id", None),
    ("GET", "/api/workflow-runs/{run_id}/events"): ("workflow_run_id", None),
    ("POST", "/api/workflow-runs/{run_id}/pause"): ("workflow_run_id", None),
    ("POST", "/api/workflow-runs/{run_id}/resume"): ("workflow_run_id", None),
    ("POST", "/api/workflow-runs/{run_id}/cancel"): ("workflow_run_id", None),
    ("POST", "/api/workflow-runs/{run_id}/rerun"): ("workflow_run_id", {"node_id": "draft"}),
    ("POST", "/api/workflow-runs/{run_id}/approvals/{node_id}"): ("workflow_run_id", {"approved": True}),
    ("GET", "/api/storage/buckets/{bucket}"): ("bucket", None),
    ("PATCH", "/api/storage/buckets/{bucket}"): ("bucket", {"description": "Taken"}),
    ("DELETE", "/api/storage/buckets/{bucket}"): ("bucket", None),
    ("GET", "/api/storage/buckets/{bucket}/files"): ("bucket", None),
    ("PUT", "/api/storage/buckets/{bucket}/files"): ("bucket", None),
    ("GET", "/api/storage/files/{file_id}"): ("file_id", None),
    ("PATCH", "/api/storage/files/{file_id}"): ("file_id", {"path": "moved.md"}),
    ("DELETE", "/api/storage/files/{file_id}"): ("file_id", None),
    ("POST", "/api/storage/files/{file_id}/copy"): ("file_id", {"path": "copy.md"}),
    ("POST", "/api/storage/files/{file_id}/undelete"): ("file_id", None),
    ("GET", "/api/storage/files/{file_id}/content"): ("file_id", None),
    ("GET", "/api/storage/files/{file_id}/preview"): ("file_id", None),
    ("GET", "/api/storage/files/{file_id}/versions"): ("file_id", None),
    ("POST", "/api/storage/files/{file_id}/versions/{number}/restore"): ("file_id", None),
    ("POST", "/api/storage/files/{file_id}/links"): ("file_id", {}),
    ("GET", "/api/storage/uploads/{upload_id}"): ("upload_id", None),
    ("PUT", "/api/storage/uploads/{upload_id}/parts/{number}"): ("upload_id", None),
    ("POST", "/api/storage/uploads/{upload_id}/complete"): ("upload_id", None),
    ("DELETE", "/api/storage/uploads/{upload_id}"): ("upload_id", None),
    ("PUT", "/api/exports/templates/{slug}"): ("export_template", {"name": "Taken", "layout": {}}),
    ("DELETE", "/api/exports/templates/{slug}"): ("export_template", None),
    ("GET", "/api/exports/{job_id}"): ("export_id", None),
    ("GET", "/api/exports/{job_id}/events"): ("export_id", None),
    ("POST", "/api/exports/{job_id}/cancel"): ("export_id", None),
    ("POST", "/api/exports/{job_id}/retry"): ("export_id", None),
    ("GET", "/api/exports/{job_id}/download"): ("export_id", None),
    ("GET", "/api/exports/{job_id}/preview/{page}"): ("export_id", None),
}
# Query parameters some of those routes require.
QUERIES = {
    ("GET", "/api/engines/{engine_id}/diff"): "?from=1&to=1",
    ("PUT", "/api/storage/buckets/{bucket}/files"): "?path=stolen.md",
}
# Ids of the platform's model catalog, shared by every tenant: the price a tenant sets on
# one is its own (tests/catalog/test_models.py checks that others' prices do not change).
SHARED_CATALOG_ROUTES = {("PUT", "/api/models/{model_id}/price"), ("DELETE", "/api/models/{model_id}/price")}
# The secret in a webhook's URL is its credential, whoever posts it (tests/workflows covers it).
# A signed file link is its own credential (tests/storage covers tampering and expiry), and
# public buckets are public by design.
PUBLIC_CREDENTIAL_ROUTES = {
    ("POST", "/api/hooks/workflows/{secret}"),
    ("GET", "/api/storage/links/{token}"),
    ("GET", "/api/storage/public/{tenant}/{bucket}/{path}"),
}
# Platform routes cross tenants on purpose; they are covered by the admin tests.
PLATFORM_PREFIX = "/api/admin/"


def test_matrix_covers_every_route_with_an_id(settings: object, runtime: Runtime) -> None:
    app = create_app(settings, runtime)  # type: ignore[arg-type]
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if "{" in path and not path.startswith(PLATFORM_PREFIX)
        for method in operations
    }
    assert routes == set(MATRIX) | SHARED_CATALOG_ROUTES | PUBLIC_CREDENTIAL_ROUTES


async def _tenant_a(client: httpx.AsyncClient, runtime: Runtime) -> TenantA:
    owner = await make_member(runtime, "owner@a.example.com", tenant_name="Tenant A")
    member = await make_member(runtime, "member@a.example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    members = (await client.get("/api/members", headers=owner.headers)).json()["items"]
    member_id = next(item["id"] for item in members if item["user_id"] == str(member.user_id))
    invitation = await client.post(
        "/api/invitations", json={"email": "new@a.example.com"}, headers=owner.headers
    )
    key = await client.post(
        "/api/api-keys", json={"name": "A key", "scopes": ["files:read"]}, headers=owner.headers
    )
    assert invitation.status_code == 201
    assert key.status_code == 201
    assert owner.tenant_id is not None
    await add_deployment(runtime, owner.tenant_id)
    await give_tokens(runtime, owner.tenant_id, owner.user_id, 100_000)
    engine = await client.post(
        "/api/engines", json={"slug": "a", "name": "A", "version": ENGINE_SPEC}, headers=owner.headers
    )
    run = await client.post(
        f"/api/engines/{engine.json()['id']}/playground", json={"inputs": {}}, headers=owner.headers
    )
    assert run.status_code == 200, run.text
    provider = await client.post(
        "/api/providers", json={"kind": "mock", "name": "A mock"}, headers=owner.headers
    )
    deployment = await client.post(
        "/api/deployments",
        json={"model": "mock-small", "provider_id": provider.json()["id"]},
        headers=owner.headers,
    )
    level = await client.post("/api/levels", json={"slug": "gold", "name": "Gold"}, headers=owner.headers)
    assert (provider.status_code, deployment.status_code, level.status_code) == (201, 201, 201)
    workflow = await client.post(
        "/api/workflows", json={"slug": "a", "name": "A", "definition": WORKFLOW}, headers=owner.headers
    )
    workflow_id = workflow.json()["id"]
    published = await client.post(f"/api/workflows/{workflow_id}/versions/1/publish", headers=owner.headers)
    workflow_run = await client.post(f"/api/workflows/{workflow_id}/runs", json={}, headers=owner.headers)
    trigger = await client.post(
        f"/api/workflows/{workflow_id}/triggers",
        json={"kind": "schedule", "cron": "0 * * * *"},
        headers=owner.headers,
    )
    template = await client.post(f"/api/workflows/{workflow_id}/share", json={}, headers=owner.headers)
    assert [item.status_code for item in (workflow, published, workflow_run, trigger, template)] == [
        201,
        200,
        201,
        201,
        201,
    ]
    bucket = await client.post("/api/storage/buckets", json={"name": "docs"}, headers=owner.headers)
    stored = await client.put(
        "/api/storage/buckets/docs/files", params={"path": "a.md"}, content=b"# A", headers=owner.headers
    )
    upload = await client.post(
        "/api/storage/uploads", json={"bucket": "docs", "path": "b.md", "size": 3}, headers=owner.headers
    )
    export_template = await client.post(
        "/api/exports/templates", json={"slug": "house", "name": "House", "layout": {}}, headers=owner.headers
    )
    export = await client.post(
        "/api/exports", json={"source": {"kind": "content", "content": "# A"}}, headers=owner.headers
    )
    assert [item.status_code for item in (bucket, stored, upload, export_template, export)] == [
        201,
        201,
        201,
        201,
        202,
    ]
    return TenantA(
        owner,
        member_id,
        invitation.json()["id"],
        key.json()["id"],
        engine.json()["id"],
        run.json()["execution_id"],
        member_user_id=str(member.user_id),
        provider_id=provider.json()["id"],
        deployment_id=deployment.json()["id"],
        level_id=level.json()["id"],
        workflow_id=workflow_id,
        workflow_run_id=workflow_run.json()["id"],
        trigger_id=trigger.json()["id"],
        template_id=template.json()["id"],
        file_id=stored.json()["id"],
        upload_id=upload.json()["id"],
        export_id=export.json()["id"],
    )


async def test_other_tenant_gets_404_on_every_route(client: httpx.AsyncClient, runtime: Runtime) -> None:
    """Every route of the matrix, tried by tenant B against one tenant A (building tenant A
    once rather than per route keeps this test a few seconds, not minutes)."""
    a = await _tenant_a(client, runtime)
    intruder = await make_member(runtime, "owner@b.example.com", tenant_name="Tenant B")
    answered: dict[str, str] = {}
    for method, path in sorted(MATRIX):
        field, body = MATRIX[(method, path)]
        url = (
            path.replace(path[path.index("{") : path.index("}") + 1], getattr(a, field))
            .replace("{number}", "1")
            .replace("{trigger_id}", a.trigger_id)
            .replace("{node_id}", "review")
            .replace("{page}", "1")
        )
        url += QUERIES.get((method, path), "")
        response = await client.request(method, url, json=body, headers=intruder.headers)
        if response.status_code != 404 or response.headers["content-type"] != "application/problem+json":
            answered[f"{method} {path}"] = f"{response.status_code} {response.text[:200]}"
    assert answered == {}
    # And nothing changed on tenant A's side.
    assert (await client.get(f"/api/members/{a.member_id}", headers=a.owner.headers)).json()[
        "role"
    ] == "member"
    assert (await client.get(f"/api/api-keys/{a.api_key_id}", headers=a.owner.headers)).json()[
        "status"
    ] == "active"
    assert (await client.get(f"/api/storage/files/{a.file_id}", headers=a.owner.headers)).status_code == 200
    assert (await client.get(f"/api/exports/{a.export_id}", headers=a.owner.headers)).json()[
        "status"
    ] == "queued"


async def test_lists_show_only_own_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    a = await _tenant_a(client, runtime)
    intruder = await make_member(runtime, "owner@b.example.com", tenant_name="Tenant B")
    a_ids = {a.member_id, a.invitation_id, a.api_key_id, str(a.owner.user_id)}
    for url in ("/api/members", "/api/invitations", "/api/api-keys", "/api/audit-events"):
        response = await client.get(url, headers=intruder.headers)
        assert response.status_code == 200, url
        text = response.text
        assert not any(identifier in text for identifier in a_ids), url


async def test_tenant_header_cannot_select_a_foreign_tenant(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    a = await _tenant_a(client, runtime)
    intruder = await make_member(runtime, "owner@b.example.com", tenant_name="Tenant B")
    response = await client.get(
        "/api/members", headers={**intruder.headers, "X-Athanor-Tenant": str(a.owner.tenant_id)}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "tenant.not_found"
    garbage = await client.get("/api/members", headers={**intruder.headers, "X-Athanor-Tenant": "nope"})
    assert garbage.status_code == 404


async def test_api_key_is_bound_to_its_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    a = await _tenant_a(client, runtime)
    admin_key = await client.post(
        "/api/api-keys", json={"name": "admin", "scopes": ["admin"]}, headers=a.owner.headers
    )
    b = await make_member(runtime, "owner@b.example.com", tenant_name="Tenant B")
    # The tenant header cannot move a key out of the tenant that issued it.
    headers = {"Authorization": f"Bearer {admin_key.json()['secret']}", "X-Athanor-Tenant": str(b.tenant_id)}
    members = await client.get("/api/members", headers=headers)
    assert members.status_code == 200
    emails = {item["email"] for item in members.json()["items"]}
    assert emails == {"owner@a.example.com", "member@a.example.com"}
