"""The super admin API: tenants and users across the platform, suspension, impersonation,
and the platform audit chain every call leaves behind."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from athanor.audit import service as audit_service
from athanor.audit.models import AuditEvent
from athanor.auth.models import AuthSession
from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from tests.builders import Member, make_member
from tests.support import assert_problem


async def platform_events(runtime: Runtime, action: str | None = None) -> list[AuditEvent]:
    """Events of the platform chain (tenant_id NULL), oldest first."""
    async with runtime.db.session(DbScope.for_platform(None)) as session:
        filters = audit_service.AuditFilter(action=action)
        statement = audit_service.filtered_events(session, tenant_id=None, filters=filters)
        return list((await session.scalars(statement.order_by(AuditEvent.seq))).all())


async def tenant_events(client: httpx.AsyncClient, owner: Member, action: str) -> list[dict[str, Any]]:
    response = await client.get("/api/audit-events", params={"action": action}, headers=owner.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def superadmin(runtime: Runtime) -> Member:
    return await make_member(runtime, "root@example.com", superadmin=True)


async def impersonate(client: httpx.AsyncClient, admin: Member, user: Member, **body: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/admin/impersonations",
        json={"user_id": str(user.user_id), "reason": "support ticket 42", **body},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# --- who may enter --------------------------------------------------------------------------


async def test_only_superadmins_reach_the_admin_api(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    for method, path in (
        ("GET", "/api/admin/tenants"),
        ("GET", "/api/admin/users"),
        ("POST", f"/api/admin/tenants/{owner.tenant_id}/suspend"),
        ("POST", f"/api/admin/tenants/{owner.tenant_id}/reactivate"),
        ("POST", "/api/admin/impersonations"),
    ):
        body = {"reason": "x"} if method == "POST" else None
        response = await client.request(method, path, json=body, headers=owner.headers)
        assert_problem(response, 403, "admin.superadmin_required")
    assert_problem(await client.get("/api/admin/tenants"), 401, "auth.unauthenticated")
    # Refused callers leave nothing in the platform chain.
    assert await platform_events(runtime, "platform.access") == []


async def test_superadmin_api_keys_do_not_reach_the_admin_api(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    root = await make_member(runtime, "root@example.com", tenant_name="Ops", superadmin=True)
    created = await client.post(
        "/api/api-keys", json={"name": "k", "scopes": ["admin"]}, headers=root.headers
    )
    assert created.status_code == 201, created.text
    key = {"Authorization": f"Bearer {created.json()['secret']}"}
    assert_problem(await client.get("/api/admin/tenants", headers=key), 403, "admin.superadmin_required")
    assert (await client.get("/api/admin/tenants", headers=root.headers)).status_code == 200


# --- tenants --------------------------------------------------------------------------------


async def test_list_tenants_with_search_and_pages(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    acme = await make_member(runtime, "ada@example.com", tenant_name="Acme Corp")
    globex = await make_member(runtime, "hank@example.com", tenant_name="Globex")
    initech = await make_member(runtime, "bill@example.com", tenant_name="Initech")

    everything = await client.get("/api/admin/tenants", headers=root.headers)
    assert everything.status_code == 200, everything.text
    items = everything.json()["items"]
    assert [item["id"] for item in items] == [str(t.tenant_id) for t in (initech, globex, acme)]
    assert items[0] == {
        "id": str(initech.tenant_id),
        "name": "Initech",
        "slug": "initech",
        "status": "active",
        "suspended_reason": None,
        "created_at": items[0]["created_at"],
    }

    first = (await client.get("/api/admin/tenants?limit=2", headers=root.headers)).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    rest = (
        await client.get(f"/api/admin/tenants?limit=2&cursor={first['next_cursor']}", headers=root.headers)
    ).json()
    assert [item["name"] for item in rest["items"]] == ["Acme Corp"]
    assert rest["next_cursor"] is None

    by_name = (await client.get("/api/admin/tenants", params={"q": "ACME"}, headers=root.headers)).json()
    assert [item["name"] for item in by_name["items"]] == ["Acme Corp"]
    by_slug = (await client.get("/api/admin/tenants", params={"q": "acme-co"}, headers=root.headers)).json()
    assert [item["name"] for item in by_slug["items"]] == ["Acme Corp"]
    nothing = (await client.get("/api/admin/tenants", params={"q": "umbrella"}, headers=root.headers)).json()
    assert nothing == {"items": [], "next_cursor": None}


async def test_search_treats_wildcards_literally(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await make_member(runtime, "hank@example.com", tenant_name="100% Juice")
    percent = (await client.get("/api/admin/tenants", params={"q": "%"}, headers=root.headers)).json()
    assert [item["name"] for item in percent["items"]] == ["100% Juice"]
    underscore = (await client.get("/api/admin/users", params={"q": "_"}, headers=root.headers)).json()
    assert underscore["items"] == []


async def test_admin_list_queries_are_validated(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    too_long = await client.get("/api/admin/tenants", params={"q": "x" * 201}, headers=root.headers)
    body = assert_problem(too_long, 422, "validation_failed")
    assert body["errors"][0]["field"] == "query.q"
    bad_limit = await client.get("/api/admin/users", params={"limit": 0}, headers=root.headers)
    assert_problem(bad_limit, 422, "validation_failed")
    bad_cursor = await client.get("/api/admin/users", params={"cursor": "!!"}, headers=root.headers)
    body = assert_problem(bad_cursor, 422, "validation_failed")
    assert body["errors"][0]["field"] == "query.cursor"


async def test_create_a_tenant_for_an_existing_owner(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    ada = await make_member(runtime, "ada@example.com")
    response = await client.post(
        "/api/admin/tenants",
        json={"name": "Acme", "slug": "acme-hq", "owner_email": "ADA@example.com"},
        headers=root.headers,
    )
    assert response.status_code == 201, response.text
    tenant = response.json()
    assert tenant["name"] == "Acme"
    assert tenant["slug"] == "acme-hq"
    assert tenant["status"] == "active"

    # Ada owns it now.
    switched = await client.post(
        "/api/auth/switch-tenant", json={"tenant_id": tenant["id"]}, headers=ada.headers
    )
    assert switched.status_code == 200, switched.text
    me = (await client.get("/api/me", headers=ada.headers)).json()
    assert me["tenant_id"] == tenant["id"]
    assert me["role"] == "owner"
    # The tenant's own log says a platform admin created it.
    created = await tenant_events(client, ada, "tenant.created")
    assert len(created) == 1
    assert created[0]["actor_user_id"] == str(root.user_id)
    assert created[0]["details"]["by_platform_admin"] is True
    # The super admin did not become a member.
    members = (await client.get("/api/members", headers=ada.headers)).json()["items"]
    assert [m["email"] for m in members] == ["ada@example.com"]


async def test_create_a_tenant_for_an_unknown_owner(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    response = await client.post(
        "/api/admin/tenants", json={"name": "Acme", "owner_email": "nobody@example.com"}, headers=root.headers
    )
    body = assert_problem(response, 422, "admin.owner_not_found")
    assert [e["field"] for e in body["errors"]] == ["body.owner_email"]
    assert (await client.get("/api/admin/tenants", headers=root.headers)).json()["items"] == []


async def test_create_a_tenant_validates_its_body(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post(
        "/api/admin/tenants",
        json={"name": "", "owner_email": "not-an-email", "plan": "gold"},
        headers=root.headers,
    )
    body = assert_problem(response, 422, "validation_failed")
    assert {e["field"] for e in body["errors"]} == {"body.name", "body.owner_email", "body.plan"}
    taken = await client.post(
        "/api/admin/tenants",
        json={"name": "Acme 2", "slug": "acme", "owner_email": "ada@example.com"},
        headers=root.headers,
    )
    assert_problem(taken, 409, "tenant.slug_taken")


async def test_suspension_blocks_the_tenant_until_reactivated(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    root = await superadmin(runtime)
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    other = await make_member(runtime, "eve@example.com", tenant_name="Other")
    key = await client.post(
        "/api/api-keys", json={"name": "k", "scopes": ["files:read"]}, headers=owner.headers
    )
    key_headers = {"Authorization": f"Bearer {key.json()['secret']}"}

    response = await client.post(
        f"/api/admin/tenants/{owner.tenant_id}/suspend",
        json={"reason": "unpaid invoices"},
        headers=root.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "suspended"
    assert response.json()["suspended_reason"] == "unpaid invoices"

    for headers in (owner.headers, bob.headers, key_headers):
        assert_problem(await client.get("/api/tenants/current", headers=headers), 403, "tenant.suspended")
    assert (await client.get("/api/tenants/current", headers=other.headers)).status_code == 200
    listed = (await client.get("/api/admin/tenants", params={"q": "acme"}, headers=root.headers)).json()
    assert listed["items"][0]["status"] == "suspended"

    reactivated = await client.post(f"/api/admin/tenants/{owner.tenant_id}/reactivate", headers=root.headers)
    assert reactivated.status_code == 200, reactivated.text
    assert reactivated.json()["status"] == "active"
    assert reactivated.json()["suspended_reason"] is None
    for headers in (owner.headers, bob.headers, key_headers):
        assert (await client.get("/api/tenants/current", headers=headers)).status_code == 200

    actions = [e["action"] for e in await tenant_events(client, owner, "tenant.")]
    assert actions[:2] == ["tenant.reactivated", "tenant.suspended"]
    suspended = (await tenant_events(client, owner, "tenant.suspended"))[0]
    assert suspended["actor_user_id"] == str(root.user_id)
    assert suspended["details"] == {"reason": "unpaid invoices"}


async def test_suspend_needs_a_reason_and_an_existing_tenant(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    root = await superadmin(runtime)
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    missing = await client.post(
        f"/api/admin/tenants/{owner.tenant_id}/suspend", json={}, headers=root.headers
    )
    body = assert_problem(missing, 422, "validation_failed")
    assert body["errors"][0]["field"] == "body.reason"
    empty = await client.post(
        f"/api/admin/tenants/{owner.tenant_id}/suspend", json={"reason": ""}, headers=root.headers
    )
    assert_problem(empty, 422, "validation_failed")
    unknown = await client.post(
        f"/api/admin/tenants/{uuid.uuid4()}/suspend", json={"reason": "x"}, headers=root.headers
    )
    assert_problem(unknown, 404, "tenant.not_found")
    unknown = await client.post(f"/api/admin/tenants/{uuid.uuid4()}/reactivate", headers=root.headers)
    assert_problem(unknown, 404, "tenant.not_found")
    assert (await client.get("/api/tenants/current", headers=owner.headers)).status_code == 200


# --- users ----------------------------------------------------------------------------------


async def test_list_users_with_search_and_pages(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await make_member(runtime, "bob@example.com", tenant_id=ada.tenant_id, role=Role.MEMBER)
    await make_member(runtime, "carol@other.org", verified=False)

    users = (await client.get("/api/admin/users", headers=root.headers)).json()["items"]
    assert [u["email"] for u in users] == [
        "carol@other.org",
        "bob@example.com",
        "ada@example.com",
        "root@example.com",
    ]
    carol = users[0]
    assert carol["email_verified"] is False
    assert carol["is_superadmin"] is False
    assert carol["is_active"] is True
    assert carol["locked"] is False
    assert "password_hash" not in carol
    assert users[-1]["is_superadmin"] is True

    by_email = (await client.get("/api/admin/users", params={"q": "OTHER.org"}, headers=root.headers)).json()
    assert [u["email"] for u in by_email["items"]] == ["carol@other.org"]
    by_name = (await client.get("/api/admin/users", params={"q": "bob"}, headers=root.headers)).json()
    assert [u["email"] for u in by_name["items"]] == ["bob@example.com"]

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/admin/users", params=params, headers=root.headers)).json()
        seen += [u["email"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [u["email"] for u in users]


# --- the platform audit chain ---------------------------------------------------------------


async def test_every_platform_call_is_audited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await client.get("/api/admin/tenants", params={"q": "acme"}, headers=root.headers)
    await client.get("/api/admin/users", headers=root.headers)
    await client.post(
        f"/api/admin/tenants/{owner.tenant_id}/suspend", json={"reason": "x"}, headers=root.headers
    )
    await client.post(f"/api/admin/tenants/{owner.tenant_id}/reactivate", headers=root.headers)

    events = await platform_events(runtime, "platform.access")
    assert [(e.details["method"], e.details["path"]) for e in events] == [
        ("GET", "/api/admin/tenants"),
        ("GET", "/api/admin/users"),
        ("POST", f"/api/admin/tenants/{owner.tenant_id}/suspend"),
        ("POST", f"/api/admin/tenants/{owner.tenant_id}/reactivate"),
    ]
    for event in events:
        assert event.tenant_id is None
        assert event.actor_user_id == root.user_id
        assert event.outcome == "success"
    async with runtime.db.session(DbScope.for_platform(None)) as session:
        report = await audit_service.verify_chain(session, tenant_id=None)
    assert report.valid
    assert report.checked == 4
    # The tenant's own log does not show them.
    assert await tenant_events(client, owner, "platform.") == []
    if runtime.db.backend == "postgresql":
        assert owner.tenant_id is not None
        async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session:
            rows = (await session.scalars(select(AuditEvent).where(AuditEvent.tenant_id.is_(None)))).all()
        assert rows == []  # row-level security hides them outside the platform scope


async def test_failed_platform_calls_are_audited_too(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    other = await make_member(runtime, "other-root@example.com", superadmin=True)
    refused = await client.post(
        "/api/admin/impersonations",
        json={"user_id": str(other.user_id), "reason": "curious"},
        headers=root.headers,
    )
    assert_problem(refused, 403, "admin.cannot_impersonate")
    unknown = await client.post(
        "/api/admin/tenants", json={"name": "X", "owner_email": "ghost@example.com"}, headers=root.headers
    )
    assert_problem(unknown, 422, "admin.owner_not_found")

    events = await platform_events(runtime, "platform.access")
    assert [(e.outcome, e.details["path"], e.details.get("error")) for e in events] == [
        ("failure", "/api/admin/impersonations", "admin.cannot_impersonate"),
        ("failure", "/api/admin/tenants", "admin.owner_not_found"),
    ]
    # Nothing else from the refused calls was kept.
    assert await platform_events(runtime, "admin.") == []
    assert (await client.get("/api/admin/tenants", headers=root.headers)).json()["items"] == []


# --- impersonation --------------------------------------------------------------------------


async def test_impersonation_acts_as_the_user(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    before = datetime.now(UTC)
    grant = await impersonate(client, root, bob, minutes=5)
    assert grant["token_type"] == "bearer"
    assert grant["user_id"] == str(bob.user_id)
    assert grant["tenant_id"] == str(owner.tenant_id)
    expires = datetime.fromisoformat(grant["expires_at"])
    assert (
        before + timedelta(minutes=5) - timedelta(seconds=5)
        <= expires
        <= datetime.now(UTC) + timedelta(minutes=5)
    )

    as_bob = {"Authorization": f"Bearer {grant['access_token']}"}
    me = await client.get("/api/me", headers=as_bob)
    assert me.status_code == 200, me.text
    assert me.json()["user"]["email"] == "bob@example.com"
    assert me.json()["impersonator_id"] == str(root.user_id)
    assert me.json()["role"] == "member"
    assert me.json()["tenant_id"] == str(owner.tenant_id)
    # Bob's own session does not show an impersonator.
    assert (await client.get("/api/me", headers=bob.headers)).json()["impersonator_id"] is None


async def test_actions_while_impersonating_name_the_admin(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    root = await superadmin(runtime)
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    grant = await impersonate(client, root, owner)
    as_owner = {"Authorization": f"Bearer {grant['access_token']}"}
    renamed = await client.patch("/api/tenants/current", json={"name": "Acme Inc"}, headers=as_owner)
    assert renamed.status_code == 200, renamed.text

    changed = await tenant_events(client, owner, "tenant.settings_changed")
    assert len(changed) == 1
    assert changed[0]["actor_user_id"] == str(owner.user_id)
    assert changed[0]["actor_admin_id"] == str(root.user_id)
    # The same user's own actions carry no admin.
    await client.patch("/api/tenants/current", json={"name": "Acme Ltd"}, headers=owner.headers)
    latest = (await tenant_events(client, owner, "tenant.settings_changed"))[0]
    assert latest["actor_admin_id"] is None


async def test_impersonation_start_is_in_the_tenants_log_and_the_platform_chain(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    root = await superadmin(runtime)
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    await impersonate(client, root, bob, minutes=10)

    started = await tenant_events(client, owner, "admin.impersonation_started")
    assert len(started) == 1
    event = started[0]
    assert event["actor_user_id"] == str(root.user_id)
    assert event["actor_admin_id"] == str(root.user_id)
    assert event["target_type"] == "user"
    assert event["target_id"] == str(bob.user_id)
    assert event["details"] == {"user_id": str(bob.user_id), "minutes": 10, "reason": "support ticket 42"}
    platform = await platform_events(runtime, "admin.impersonation_started")
    assert len(platform) == 1
    assert platform[0].target_id == str(bob.user_id)
    verify = await client.get("/api/audit-events/verify", headers=owner.headers)
    assert verify.json()["valid"] is True


async def test_impersonation_into_a_chosen_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other_owner = await make_member(runtime, "eve@example.com", tenant_name="Other")
    # Ada is not a member of the other tenant.
    grant_other = await client.post(
        "/api/admin/impersonations",
        json={"user_id": str(ada.user_id), "tenant_id": str(other_owner.tenant_id), "reason": "x"},
        headers=root.headers,
    )
    assert_problem(grant_other, 404, "tenant.not_found")
    grant = await impersonate(client, root, ada, tenant_id=str(ada.tenant_id))
    assert grant["tenant_id"] == str(ada.tenant_id)


async def test_impersonated_sessions_cannot_reach_the_admin_api(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    root = await superadmin(runtime)
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    grant = await impersonate(client, root, owner)
    as_owner = {"Authorization": f"Bearer {grant['access_token']}"}
    for path in ("/api/admin/tenants", "/api/admin/users"):
        assert_problem(await client.get(path, headers=as_owner), 403, "admin.superadmin_required")
    again = await client.post(
        "/api/admin/impersonations", json={"user_id": str(owner.user_id), "reason": "x"}, headers=as_owner
    )
    assert_problem(again, 403, "admin.superadmin_required")


async def test_impersonation_cannot_mint_lasting_credentials(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    root = await superadmin(runtime)
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    existing = await client.post(
        "/api/api-keys", json={"name": "k", "scopes": ["files:read"]}, headers=owner.headers
    )
    grant = await impersonate(client, root, owner)
    as_owner = {"Authorization": f"Bearer {grant['access_token']}"}
    created = await client.post("/api/api-keys", json={"name": "k", "scopes": ["admin"]}, headers=as_owner)
    assert_problem(created, 403, "api_key.impersonation_not_allowed")
    rotated = await client.post(f"/api/api-keys/{existing.json()['id']}/rotate", json={}, headers=as_owner)
    assert_problem(rotated, 403, "api_key.impersonation_not_allowed")
    # Looking and revoking remain possible.
    assert (await client.get("/api/api-keys", headers=as_owner)).status_code == 200
    revoked = await client.post(f"/api/api-keys/{existing.json()['id']}/revoke", headers=as_owner)
    assert revoked.status_code == 200


async def test_impersonation_expires(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    grant = await impersonate(client, root, owner, minutes=1)
    as_owner = {"Authorization": f"Bearer {grant['access_token']}"}
    assert (await client.get("/api/me", headers=as_owner)).status_code == 200
    async with runtime.db.session(DbScope.for_user(owner.user_id)) as session, session.begin():
        await session.execute(
            update(AuthSession)
            .where(AuthSession.impersonator_id == root.user_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert_problem(await client.get("/api/me", headers=as_owner), 401, "auth.session_expired")
    # The user's own session is untouched.
    assert (await client.get("/api/me", headers=owner.headers)).status_code == 200


async def test_impersonation_request_is_validated(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    url = "/api/admin/impersonations"
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"user_id": str(owner.user_id)}, "body.reason", "required"),
        ({"user_id": str(owner.user_id), "reason": "x", "minutes": 61}, "body.minutes", "too_large"),
        ({"user_id": str(owner.user_id), "reason": "x", "minutes": 0}, "body.minutes", "too_small"),
        ({"user_id": str(owner.user_id), "reason": "x", "minutes": "5"}, "body.minutes", "invalid_type"),
        ({"user_id": "bob", "reason": "x"}, "body.user_id", "invalid_id"),
        ({"user_id": str(owner.user_id), "reason": "x", "scope": "all"}, "body.scope", "unknown_field"),
    ]
    for payload, field, code in cases:
        body = assert_problem(
            await client.post(url, json=payload, headers=root.headers), 422, "validation_failed"
        )
        assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, code)], payload
    unknown = await client.post(url, json={"user_id": str(uuid.uuid4()), "reason": "x"}, headers=root.headers)
    assert_problem(unknown, 404, "admin.user_not_found")
    assert await platform_events(runtime, "admin.impersonation_started") == []


async def test_superadmins_cannot_be_impersonated(client: httpx.AsyncClient, runtime: Runtime) -> None:
    root = await superadmin(runtime)
    other = await make_member(runtime, "ops@example.com", tenant_name="Ops", superadmin=True)
    response = await client.post(
        "/api/admin/impersonations", json={"user_id": str(other.user_id), "reason": "x"}, headers=root.headers
    )
    assert_problem(response, 403, "admin.cannot_impersonate")
    themselves = await client.post(
        "/api/admin/impersonations", json={"user_id": str(root.user_id), "reason": "x"}, headers=root.headers
    )
    assert_problem(themselves, 403, "admin.cannot_impersonate")
    assert await tenant_events(client, other, "admin.") == []


async def test_superadmin_can_reactivate_their_own_suspended_tenant(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    root = await make_member(runtime, "root@example.com", tenant_name="Ops", superadmin=True)
    suspended = await client.post(
        f"/api/admin/tenants/{root.tenant_id}/suspend", json={"reason": "drill"}, headers=root.headers
    )
    assert suspended.status_code == 200, suspended.text
    assert_problem(await client.get("/api/tenants/current", headers=root.headers), 403, "tenant.suspended")
    reactivated = await client.post(f"/api/admin/tenants/{root.tenant_id}/reactivate", headers=root.headers)
    assert reactivated.status_code == 200, reactivated.text
    assert (await client.get("/api/tenants/current", headers=root.headers)).status_code == 200


async def test_invalid_platform_calls_are_audited_as_failures(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    root = await superadmin(runtime)
    response = await client.post("/api/admin/impersonations", json={"reason": "x"}, headers=root.headers)
    assert_problem(response, 422, "validation_failed")
    events = await platform_events(runtime, "platform.access")
    assert [(e.outcome, e.details.get("error")) for e in events] == [("failure", "validation_failed")]
