"""Tenants, members, roles, invitations and tenant switching through the HTTP API."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select, update

from athanor.audit.models import AuditEvent
from athanor.auth.models import OneTimeToken, User
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.runtime import Runtime
from athanor.tenancy.models import Invitation, Membership, Role, Tenant
from tests.builders import PASSWORD, Member, make_member
from tests.support import assert_problem, capture_logs, field_errors

NEW_PASSWORD = "a brand new passphrase"


# ---------------------------------------------------------------- helpers


def tenant_of(member: Member) -> uuid.UUID:
    assert member.tenant_id is not None
    return member.tenant_id


async def audit_events(runtime: Runtime, action: str) -> list[AuditEvent]:
    async with runtime.db.session(DbScope.for_platform(None)) as session, session.begin():
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        return list((await session.scalars(statement)).all())


async def add_member(runtime: Runtime, tenant_id: uuid.UUID, user_id: uuid.UUID, role: Role) -> None:
    async with runtime.db.session(DbScope.for_tenant(tenant_id)) as session, session.begin():
        session.add(Membership(user_id=user_id, role=role))


async def membership_id(client: httpx.AsyncClient, actor: Member, email: str) -> str:
    items = (await client.get("/api/members", headers=actor.headers, params={"limit": 200})).json()["items"]
    return str(next(item["id"] for item in items if item["email"] == email))


async def invite(
    client: httpx.AsyncClient, actor: Member, email: str, role: str = "member"
) -> tuple[httpx.Response, str]:
    """Invite `email` and return the response and the token of the logged link."""
    with capture_logs() as logs:
        response = await client.post(
            "/api/invitations", json={"email": email, "role": role}, headers=actor.headers
        )
    assert response.status_code == 201, response.text
    [entry] = [entry for entry in logs if entry.get("event") == "mail.link"]
    assert entry["kind"] == "invitation"
    return response, str(parse_qs(urlsplit(entry["url"]).query)["token"][0])


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/auth/login", json={"email": email, "password": password})


# ---------------------------------------------------------------- creating and listing tenants


async def test_creating_a_tenant_needs_a_verified_email(client: httpx.AsyncClient, runtime: Runtime) -> None:
    user = await make_member(runtime, "ada@example.com", verified=False)
    response = await client.post("/api/tenants", json={"name": "Acme"}, headers=user.headers)
    assert_problem(response, 403, "auth.email_not_verified")
    assert (await client.get("/api/tenants", headers=user.headers)).json() == []


async def test_a_new_account_creates_a_tenant_once_verified(client: httpx.AsyncClient) -> None:
    with capture_logs() as logs:
        registered = await client.post(
            "/api/auth/register", json={"email": "ada@example.com", "password": NEW_PASSWORD}
        )
    assert registered.status_code == 201, registered.text
    [link] = [entry["url"] for entry in logs if entry.get("event") == "mail.link"]
    token = await client.post("/api/auth/token", json={"email": "ada@example.com", "password": NEW_PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    refused = await client.post("/api/tenants", json={"name": "Acme"}, headers=headers)
    assert_problem(refused, 403, "auth.email_not_verified")
    verified = await client.post(
        "/api/auth/verify-email", json={"token": parse_qs(urlsplit(link).query)["token"][0]}
    )
    assert verified.status_code == 200, verified.text
    created = await client.post("/api/tenants", json={"name": "Acme"}, headers=headers)
    assert created.status_code == 201, created.text


async def test_creating_a_tenant_makes_the_creator_its_owner(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await make_member(runtime, "ada@example.com")
    response = await client.post("/api/tenants", json={"name": "Acme Corp"}, headers=user.headers)
    assert response.status_code == 201, response.text
    tenant = response.json()
    assert tenant["name"] == "Acme Corp"
    assert tenant["slug"] == "acme-corp"
    assert tenant["status"] == "active"
    assert tenant["settings"]["theme"]["colours"]["primary"] == "#4f46e5"
    mine = (await client.get("/api/tenants", headers=user.headers)).json()
    assert [(item["id"], item["role"]) for item in mine] == [(tenant["id"], "owner")]
    me = (await client.get("/api/me", headers=user.headers)).json()
    assert me["tenant_id"] == tenant["id"]
    assert me["role"] == "owner"


async def test_creating_a_tenant_is_audited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    user = await make_member(runtime, "ada@example.com")
    tenant = (await client.post("/api/tenants", json={"name": "Acme"}, headers=user.headers)).json()
    [event] = await audit_events(runtime, "tenant.created")
    assert str(event.tenant_id) == tenant["id"]
    assert event.actor_user_id == user.user_id


async def test_a_chosen_slug_is_kept(client: httpx.AsyncClient, runtime: Runtime) -> None:
    user = await make_member(runtime, "ada@example.com")
    response = await client.post(
        "/api/tenants", json={"name": "Acme", "slug": "acme-labs"}, headers=user.headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["slug"] == "acme-labs"


async def test_a_taken_slug_conflicts(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "bob@example.com", tenant_name="Acme")
    user = await make_member(runtime, "ada@example.com")
    response = await client.post("/api/tenants", json={"name": "Other", "slug": "acme"}, headers=user.headers)
    assert_problem(response, 409, "tenant.slug_taken")
    assert (await client.get("/api/tenants", headers=user.headers)).json() == []


async def test_generated_slugs_avoid_taken_ones(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "bob@example.com", tenant_name="Acme")
    user = await make_member(runtime, "ada@example.com")
    second = await client.post("/api/tenants", json={"name": "ACME"}, headers=user.headers)
    third = await client.post("/api/tenants", json={"name": "acme!"}, headers=user.headers)
    assert (second.json()["slug"], third.json()["slug"]) == ("acme-2", "acme-3")


async def test_concurrent_creations_with_one_slug_conflict(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ada = await make_member(runtime, "ada@example.com")
    bob = await make_member(runtime, "bob@example.com")
    responses = await asyncio.gather(
        *(
            client.post("/api/tenants", json={"name": "Acme", "slug": "acme"}, headers=user.headers)
            for user in (ada, bob)
        )
    )
    assert sorted(response.status_code for response in responses) == [201, 409]
    assert_problem(next(r for r in responses if r.status_code == 409), 409, "tenant.slug_taken")


@pytest.mark.parametrize("slug", ["Bad Slug", "-acme", "a", "acme_labs"])
async def test_a_malformed_slug_is_refused(client: httpx.AsyncClient, runtime: Runtime, slug: str) -> None:
    user = await make_member(runtime, "ada@example.com")
    response = await client.post("/api/tenants", json={"name": "Acme", "slug": slug}, headers=user.headers)
    body = assert_problem(response, 422, "validation_failed")
    assert list(field_errors(body)) == ["body.slug"]


async def test_creating_a_tenant_needs_a_name(client: httpx.AsyncClient, runtime: Runtime) -> None:
    user = await make_member(runtime, "ada@example.com")
    response = await client.post("/api/tenants", json={"name": ""}, headers=user.headers)
    body = assert_problem(response, 422, "validation_failed")
    assert field_errors(body) == {"body.name": "too_short"}


async def test_creating_a_tenant_needs_a_session(client: httpx.AsyncClient) -> None:
    assert_problem(await client.post("/api/tenants", json={"name": "Acme"}), 401, "auth.unauthenticated")


async def test_listing_my_tenants_shows_only_mine_with_roles(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com", tenant_name="Globex")
    await make_member(runtime, "eve@example.com", tenant_name="Initech")
    await add_member(runtime, tenant_of(bob), ada.user_id, Role.VIEWER)
    mine = (await client.get("/api/tenants", headers=ada.headers)).json()
    assert [(item["name"], item["slug"], item["role"]) for item in mine] == [
        ("Acme", "acme", "owner"),
        ("Globex", "globex", "viewer"),
    ]


async def test_reading_the_current_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    viewer = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.VIEWER)
    response = await client.get("/api/tenants/current", headers=viewer.headers)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == str(owner.tenant_id)
    assert response.json()["name"] == "Acme"


async def test_the_current_tenant_needs_a_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    lone = await make_member(runtime, "ada@example.com")
    assert_problem(await client.get("/api/tenants/current", headers=lone.headers), 403, "tenant.required")


async def suspend(runtime: Runtime, tenant_id: uuid.UUID | None) -> None:
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        await session.execute(update(Tenant).where(Tenant.id == tenant_id).values(status="suspended"))


async def test_a_suspended_tenant_refuses_its_members(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    viewer = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.VIEWER)
    await suspend(runtime, owner.tenant_id)
    for member in (owner, viewer):
        assert_problem(
            await client.get("/api/tenants/current", headers=member.headers), 403, "tenant.suspended"
        )
        assert_problem(await client.get("/api/members", headers=member.headers), 403, "tenant.suspended")
    response = await client.patch("/api/tenants/current", json={"name": "Still here"}, headers=owner.headers)
    assert_problem(response, 403, "tenant.suspended")


async def test_members_of_a_suspended_tenant_keep_their_account(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await make_member(runtime, "bob@example.com", tenant_name="Globex")
    await add_member(runtime, tenant_of(other), ada.user_id, Role.MEMBER)
    await suspend(runtime, ada.tenant_id)
    me = await client.get("/api/me", headers=ada.headers)
    assert me.status_code == 200, me.text
    statuses = {
        item["name"]: item["status"]
        for item in (await client.get("/api/tenants", headers=ada.headers)).json()
    }
    assert statuses == {"Acme": "suspended", "Globex": "active"}
    switched = await client.post(
        "/api/auth/switch-tenant", json={"tenant_id": str(other.tenant_id)}, headers=ada.headers
    )
    assert switched.status_code == 200, switched.text
    assert (await client.get("/api/tenants/current", headers=ada.headers)).json()["name"] == "Globex"
    assert (await client.post("/api/auth/logout", headers=ada.headers)).status_code == 204


async def test_a_super_admin_in_a_suspended_tenant_can_reactivate_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    root = await make_member(runtime, "root@example.com", tenant_name="Acme", superadmin=True)
    await suspend(runtime, root.tenant_id)
    response = await client.post(f"/api/admin/tenants/{root.tenant_id}/reactivate", headers=root.headers)
    assert response.status_code == 200, response.text
    assert (await client.get("/api/tenants/current", headers=root.headers)).status_code == 200


# ---------------------------------------------------------------- tenant settings


THEME = {
    "theme": {
        "brand_name": "Acme",
        "logo_url": "https://cdn.acme.test/logo.svg",
        "colours": {"primary": "#112233", "accent": "#AABBCC", "background": "#ffffff"},
        "default_mode": "dark",
    }
}


async def test_owner_changes_the_theme(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.patch("/api/tenants/current", json={"settings": THEME}, headers=owner.headers)
    assert response.status_code == 200, response.text
    theme = response.json()["settings"]["theme"]
    assert theme["colours"] == {
        "primary": "#112233",
        "accent": "#AABBCC",
        "background": "#ffffff",
        "surface": None,
    }
    assert theme["default_mode"] == "dark"
    stored = (await client.get("/api/tenants/current", headers=owner.headers)).json()
    assert stored["settings"]["theme"] == theme


async def test_admin_renames_the_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    admin = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.ADMIN)
    response = await client.patch("/api/tenants/current", json={"name": "Acme Inc"}, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Acme Inc"
    assert response.json()["slug"] == "acme"


@pytest.mark.parametrize("colour", ["#12345", "112233", "#GGGGGG", "red", "#1122334"])
async def test_an_invalid_colour_is_refused_with_its_field(
    client: httpx.AsyncClient, runtime: Runtime, colour: str
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.patch(
        "/api/tenants/current",
        json={"settings": {"theme": {"colours": {"primary": colour}}}},
        headers=owner.headers,
    )
    body = assert_problem(response, 422, "validation_failed")
    assert field_errors(body) == {"body.settings.theme.colours.primary": "invalid_format"}
    stored = (await client.get("/api/tenants/current", headers=owner.headers)).json()
    assert stored["settings"]["theme"]["colours"]["primary"] == "#4f46e5"


async def test_an_unsafe_logo_url_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.patch(
        "/api/tenants/current",
        json={"settings": {"theme": {"logo_url": "javascript:alert(1)"}}},
        headers=owner.headers,
    )
    body = assert_problem(response, 422, "validation_failed")
    assert field_errors(body) == {"body.settings.theme.logo_url": "invalid_format"}


async def test_unknown_settings_are_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.patch(
        "/api/tenants/current", json={"settings": {"theme": {"font": "Comic Sans"}}}, headers=owner.headers
    )
    body = assert_problem(response, 422, "validation_failed")
    assert field_errors(body) == {"body.settings.theme.font": "unknown_field"}


async def test_changing_one_setting_keeps_the_others(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await client.patch("/api/tenants/current", json={"settings": THEME}, headers=owner.headers)
    response = await client.patch(
        "/api/tenants/current",
        json={"settings": {"default_language": "es", "theme": {"colours": {"accent": "#000000"}}}},
        headers=owner.headers,
    )
    assert response.status_code == 200, response.text
    settings = response.json()["settings"]
    assert settings["default_language"] == "es"
    assert settings["theme"]["brand_name"] == "Acme"
    assert settings["theme"]["default_mode"] == "dark"
    assert settings["theme"]["colours"] == {
        "primary": "#112233",
        "accent": "#000000",
        "background": "#ffffff",
        "surface": None,
    }


async def test_a_setting_can_be_cleared_with_null(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await client.patch("/api/tenants/current", json={"settings": THEME}, headers=owner.headers)
    response = await client.patch(
        "/api/tenants/current",
        json={"settings": {"theme": {"brand_name": None, "colours": {"background": None}}}},
        headers=owner.headers,
    )
    theme = response.json()["settings"]["theme"]
    assert theme["brand_name"] is None
    assert theme["colours"]["background"] is None
    assert theme["colours"]["primary"] == "#112233"


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
async def test_members_and_viewers_cannot_change_the_tenant(
    client: httpx.AsyncClient, runtime: Runtime, role: Role
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=role)
    response = await client.patch("/api/tenants/current", json={"settings": THEME}, headers=member.headers)
    assert_problem(response, 403, "auth.forbidden")
    assert (await client.get("/api/tenants/current", headers=owner.headers)).json()["name"] == "Acme"


async def test_settings_changes_are_audited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await client.patch("/api/tenants/current", json={"settings": THEME}, headers=owner.headers)
    [event] = await audit_events(runtime, "tenant.settings_changed")
    assert event.tenant_id == owner.tenant_id
    assert event.actor_user_id == owner.user_id
    assert event.details == {"changed": ["settings"]}
    assert event.target_id == str(owner.tenant_id)


async def test_an_unchanged_update_is_not_audited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.patch("/api/tenants/current", json={"name": "Acme"}, headers=owner.headers)
    assert response.status_code == 200
    assert await audit_events(runtime, "tenant.settings_changed") == []


# ---------------------------------------------------------------- members


async def test_members_are_listed_in_pages(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    for n in range(6):
        await make_member(runtime, f"m{n}@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    await make_member(runtime, "outsider@example.com", tenant_name="Globex")
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        response = await client.get("/api/members", headers=owner.headers, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= 3
        seen.extend(item["email"] for item in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert seen[0] == "m5@example.com"  # newest first
    assert seen[-1] == "ada@example.com"
    assert "outsider@example.com" not in seen


async def test_member_list_shows_roles(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    viewer = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.VIEWER)
    page = (await client.get("/api/members", headers=viewer.headers)).json()
    assert page["next_cursor"] is None
    assert [(item["email"], item["role"], item["user_id"]) for item in page["items"]] == [
        ("bob@example.com", "viewer", str(viewer.user_id)),
        ("ada@example.com", "owner", str(owner.user_id)),
    ]


async def test_a_bad_cursor_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.get("/api/members", headers=owner.headers, params={"cursor": "!!not-a-cursor"})
    body = assert_problem(response, 422, "validation_failed")
    assert list(field_errors(body)) == ["query.cursor"]


@pytest.mark.parametrize("limit", [0, 201])
async def test_page_size_is_bounded(client: httpx.AsyncClient, runtime: Runtime, limit: int) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.get("/api/members", headers=owner.headers, params={"limit": limit})
    body = assert_problem(response, 422, "validation_failed")
    assert list(field_errors(body)) == ["query.limit"]


async def test_a_member_of_another_tenant_is_not_found(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await make_member(runtime, "bob@example.com", tenant_name="Globex")
    foreign = await membership_id(client, other, "bob@example.com")
    assert_problem(
        await client.get(f"/api/members/{foreign}", headers=owner.headers), 404, "member.not_found"
    )
    response = await client.patch(f"/api/members/{foreign}", json={"role": "viewer"}, headers=owner.headers)
    assert_problem(response, 404, "member.not_found")
    assert (await client.get(f"/api/members/{foreign}", headers=other.headers)).json()["role"] == "owner"


async def test_owner_changes_a_role(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    target = await membership_id(client, owner, "bob@example.com")
    response = await client.patch(f"/api/members/{target}", json={"role": "admin"}, headers=owner.headers)
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "admin"
    me = (await client.get("/api/me", headers=member.headers)).json()
    assert me["role"] == "admin"
    assert "members:write" in me["permissions"]


async def test_role_changes_are_audited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    target = await membership_id(client, owner, "bob@example.com")
    await client.patch(f"/api/members/{target}", json={"role": "viewer"}, headers=owner.headers)
    [event] = await audit_events(runtime, "member.role_changed")
    assert event.tenant_id == owner.tenant_id
    assert event.actor_user_id == owner.user_id
    assert event.target_id == str(member.user_id)
    assert event.details == {"from": "member", "to": "viewer"}


async def test_setting_the_same_role_is_not_audited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    target = await membership_id(client, owner, "bob@example.com")
    response = await client.patch(f"/api/members/{target}", json={"role": "member"}, headers=owner.headers)
    assert response.status_code == 200, response.text
    assert await audit_events(runtime, "member.role_changed") == []


async def test_an_unknown_role_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    target = await membership_id(client, owner, "bob@example.com")
    response = await client.patch(f"/api/members/{target}", json={"role": "god"}, headers=owner.headers)
    body = assert_problem(response, 422, "validation_failed")
    assert field_errors(body) == {"body.role": "invalid_choice"}


async def test_admin_cannot_grant_ownership(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    admin = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.ADMIN)
    await make_member(runtime, "eve@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    target = await membership_id(client, owner, "eve@example.com")
    response = await client.patch(f"/api/members/{target}", json={"role": "owner"}, headers=admin.headers)
    body = assert_problem(response, 403, "member.role_not_grantable")
    assert "owner" in body["detail"]
    own = await membership_id(client, owner, "bob@example.com")
    response = await client.patch(f"/api/members/{own}", json={"role": "owner"}, headers=admin.headers)
    assert_problem(response, 403, "member.role_not_grantable")


async def test_admin_cannot_demote_or_remove_an_owner(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    admin = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.ADMIN)
    target = await membership_id(client, owner, "ada@example.com")
    response = await client.patch(f"/api/members/{target}", json={"role": "viewer"}, headers=admin.headers)
    assert_problem(response, 403, "member.role_not_grantable")
    assert_problem(
        await client.delete(f"/api/members/{target}", headers=admin.headers), 403, "member.role_not_grantable"
    )
    assert (await client.get("/api/me", headers=owner.headers)).json()["role"] == "owner"


async def test_members_cannot_change_roles(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    target = await membership_id(client, owner, "bob@example.com")
    response = await client.patch(f"/api/members/{target}", json={"role": "admin"}, headers=member.headers)
    assert_problem(response, 403, "auth.forbidden")


async def test_the_last_owner_cannot_be_demoted(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    target = await membership_id(client, owner, "ada@example.com")
    response = await client.patch(f"/api/members/{target}", json={"role": "admin"}, headers=owner.headers)
    assert_problem(response, 409, "member.last_owner")
    assert (await client.get("/api/me", headers=owner.headers)).json()["role"] == "owner"


async def test_the_last_owner_cannot_be_removed(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    target = await membership_id(client, owner, "ada@example.com")
    assert_problem(
        await client.delete(f"/api/members/{target}", headers=owner.headers), 409, "member.last_owner"
    )
    assert (await client.get("/api/me", headers=owner.headers)).json()["role"] == "owner"


async def test_one_of_two_owners_can_step_down(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.OWNER)
    target = await membership_id(client, owner, "ada@example.com")
    response = await client.patch(f"/api/members/{target}", json={"role": "admin"}, headers=owner.headers)
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "admin"


async def test_the_last_owner_of_another_tenant_does_not_count(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await make_member(runtime, "bob@example.com", tenant_name="Globex")
    target = await membership_id(client, owner, "ada@example.com")
    response = await client.patch(f"/api/members/{target}", json={"role": "admin"}, headers=owner.headers)
    assert_problem(response, 409, "member.last_owner")


async def test_removing_a_member(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    target = await membership_id(client, owner, "bob@example.com")
    assert (await client.delete(f"/api/members/{target}", headers=owner.headers)).status_code == 204
    assert_problem(await client.get(f"/api/members/{target}", headers=owner.headers), 404, "member.not_found")
    me = (await client.get("/api/me", headers=member.headers)).json()
    assert me["tenant_id"] is None
    assert me["memberships"] == []
    assert_problem(await client.get("/api/tenants/current", headers=member.headers), 403, "tenant.required")
    [event] = await audit_events(runtime, "member.removed")
    assert event.details == {"role": "member"}


# ---------------------------------------------------------------- invitations


async def test_an_invitation_logs_its_link(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    with capture_logs() as logs:
        response = await client.post(
            "/api/invitations", json={"email": "Bob@Example.com", "role": "admin"}, headers=owner.headers
        )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["email"], body["role"], body["accepted_at"], body["revoked_at"]) == (
        "bob@example.com",
        "admin",
        None,
        None,
    )
    [entry] = [entry for entry in logs if entry.get("event") == "mail.link"]
    assert entry["kind"] == "invitation"
    assert entry["to"] == "bob@example.com"
    assert entry["url"].startswith("https://athanor.test/accept-invitation?token=")
    listed = (await client.get("/api/invitations", headers=owner.headers)).json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]


async def test_accepting_as_a_new_user_creates_a_verified_account(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    _response, token = await invite(client, owner, "bob@example.com", "admin")
    accepted = await client.post(
        "/api/invitations/accept", json={"token": token, "name": "Bob", "password": NEW_PASSWORD}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["id"] == str(owner.tenant_id)
    assert accepted.json()["role"] == "admin"
    signed_in = await login(client, "bob@example.com", NEW_PASSWORD)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["user"]["email_verified"] is True
    assert signed_in.json()["user"]["name"] == "Bob"
    me = (await client.get("/api/me")).json()
    assert (me["tenant_id"], me["role"]) == (str(owner.tenant_id), "admin")


async def test_accepting_as_a_new_user_needs_a_password(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    _response, token = await invite(client, owner, "bob@example.com")
    missing = await client.post("/api/invitations/accept", json={"token": token})
    body = assert_problem(missing, 422, "validation_failed")
    assert field_errors(body) == {"body.password": "required"}
    weak = await client.post("/api/invitations/accept", json={"token": token, "password": "short"})
    assert field_errors(assert_problem(weak, 422, "validation_failed")) == {"body.password": "too_short"}
    # Neither failure used up the link.
    ok = await client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert ok.status_code == 200, ok.text


async def test_accepting_signed_in_as_the_invited_user(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com", tenant_name="Bobs")
    _response, token = await invite(client, owner, "bob@example.com", "viewer")
    accepted = await client.post("/api/invitations/accept", json={"token": token}, headers=bob.headers)
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["name"], accepted.json()["role"]) == ("Acme", "viewer")
    memberships = (await client.get("/api/me", headers=bob.headers)).json()["memberships"]
    assert sorted((item["tenant_name"], item["role"]) for item in memberships) == [
        ("Acme", "viewer"),
        ("Bobs", "owner"),
    ]
    [event] = await audit_events(runtime, "invitation.accepted")
    assert (event.tenant_id, event.actor_user_id, event.details) == (
        owner.tenant_id,
        bob.user_id,
        {"role": "viewer"},
    )


async def test_accepting_signed_in_as_someone_else_is_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    eve = await make_member(runtime, "eve@example.com", tenant_name="Evil")
    _response, token = await invite(client, owner, "bob@example.com")
    response = await client.post("/api/invitations/accept", json={"token": token}, headers=eve.headers)
    assert_problem(response, 403, "invitation.email_mismatch")
    assert [
        item["email"] for item in (await client.get("/api/members", headers=owner.headers)).json()["items"]
    ] == ["ada@example.com"]
    # The rightful invitee can still use the link.
    ok = await client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert ok.status_code == 200, ok.text


async def test_an_existing_account_must_sign_in_to_accept(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com")
    _response, token = await invite(client, owner, "bob@example.com")
    response = await client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert_problem(response, 401, "invitation.sign_in_required")
    # The password of the account was not changed, and the link still works signed in.
    assert (await login(client, "bob@example.com")).status_code == 200
    ok = await client.post("/api/invitations/accept", json={"token": token}, headers=bob.headers)
    assert ok.status_code == 200, ok.text


async def test_a_revoked_invitation_is_not_found(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response, token = await invite(client, owner, "bob@example.com")
    invitation_id = response.json()["id"]
    assert (
        await client.delete(f"/api/invitations/{invitation_id}", headers=owner.headers)
    ).status_code == 204
    accepted = await client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert_problem(accepted, 404, "invitation.not_found")
    listed = (await client.get("/api/invitations", headers=owner.headers)).json()["items"]
    assert listed[0]["revoked_at"] is not None


async def test_an_invitation_link_works_once(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    _response, token = await invite(client, owner, "bob@example.com")
    first = await client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert first.status_code == 200, first.text
    second = await client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert_problem(second, 400, "auth.invalid_token")


async def test_an_expired_invitation_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    _response, token = await invite(client, owner, "bob@example.com")
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        await session.execute(update(OneTimeToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = await client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert_problem(response, 400, "auth.invalid_token")


async def test_inviting_an_existing_member_conflicts(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.VIEWER)
    response = await client.post(
        "/api/invitations", json={"email": "BOB@example.com", "role": "admin"}, headers=owner.headers
    )
    assert_problem(response, 409, "member.already_member")
    assert (await client.get("/api/invitations", headers=owner.headers)).json()["items"] == []


async def test_an_invitation_for_someone_who_joined_since_conflicts(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    _first, token = await invite(client, owner, "bob@example.com")
    _second, other_token = await invite(client, owner, "bob@example.com")
    await client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    response = await client.post("/api/invitations/accept", json={"token": other_token})
    assert_problem(response, 401, "invitation.sign_in_required")
    token_response = await client.post(
        "/api/auth/token", json={"email": "bob@example.com", "password": NEW_PASSWORD}
    )
    bob_headers = {"Authorization": f"Bearer {token_response.json()['access_token']}"}
    response = await client.post("/api/invitations/accept", json={"token": other_token}, headers=bob_headers)
    assert_problem(response, 409, "member.already_member")


async def test_two_invitations_accepted_at_once_make_one_membership(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com")
    _first, first = await invite(client, owner, "bob@example.com", "viewer")
    _second, second = await invite(client, owner, "bob@example.com", "admin")
    responses = await asyncio.gather(
        *(
            client.post("/api/invitations/accept", json={"token": token}, headers=bob.headers)
            for token in (first, second)
        )
    )
    assert sorted(response.status_code for response in responses) == [200, 409]
    assert_problem(next(r for r in responses if r.status_code == 409), 409, "member.already_member")
    emails = [
        item["email"] for item in (await client.get("/api/members", headers=owner.headers)).json()["items"]
    ]
    assert emails.count("bob@example.com") == 1


async def test_admin_cannot_invite_an_owner(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    admin = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.ADMIN)
    response = await client.post(
        "/api/invitations", json={"email": "eve@example.com", "role": "owner"}, headers=admin.headers
    )
    assert_problem(response, 403, "member.role_not_grantable")


async def test_members_cannot_invite(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    response = await client.post(
        "/api/invitations", json={"email": "eve@example.com"}, headers=member.headers
    )
    assert_problem(response, 403, "auth.forbidden")


async def test_invitation_email_must_be_valid(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post("/api/invitations", json={"email": "nope"}, headers=owner.headers)
    assert "body.email" in field_errors(assert_problem(response, 422, "validation_failed"))


async def test_invitations_of_another_tenant_cannot_be_revoked(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await make_member(runtime, "eve@example.com", tenant_name="Globex")
    response, token = await invite(client, owner, "bob@example.com")
    revoked = await client.delete(f"/api/invitations/{response.json()['id']}", headers=other.headers)
    assert_problem(revoked, 404, "invitation.not_found")
    ok = await client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert ok.status_code == 200, ok.text


async def test_an_invitation_is_stored_in_its_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    await invite(client, owner, "bob@example.com")
    async with runtime.db.session(DbScope.for_tenant(tenant_of(owner))) as session, session.begin():
        [stored] = (await session.scalars(select(Invitation))).all()
        assert stored.invited_by_id == owner.user_id
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        assert await session.scalar(select(User).where(User.email == "bob@example.com")) is None


# ---------------------------------------------------------------- switching tenants


async def two_tenants(client: httpx.AsyncClient, runtime: Runtime) -> tuple[Member, str]:
    """Ada owns Acme (active) and a second tenant, Globex, whose id is returned."""
    ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await make_member(runtime, "bob@example.com", tenant_name="Globex")
    await add_member(runtime, tenant_of(other), ada.user_id, Role.VIEWER)
    return ada, str(other.tenant_id)


async def test_switching_tenant_changes_the_active_tenant(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ada, globex = await two_tenants(client, runtime)
    response = await client.post("/api/auth/switch-tenant", json={"tenant_id": globex}, headers=ada.headers)
    assert response.status_code == 200, response.text
    assert response.json()["tenant_id"] == globex
    me = (await client.get("/api/me", headers=ada.headers)).json()
    assert (me["tenant_id"], me["role"]) == (globex, "viewer")
    back = await client.post(
        "/api/auth/switch-tenant", json={"tenant_id": str(ada.tenant_id)}, headers=ada.headers
    )
    assert back.status_code == 200
    assert (await client.get("/api/me", headers=ada.headers)).json()["role"] == "owner"


async def test_switching_a_cookie_session(client: httpx.AsyncClient, runtime: Runtime) -> None:
    _ada, globex = await two_tenants(client, runtime)
    csrf = (await login(client, "ada@example.com")).json()["csrf_token"]
    refused = await client.post("/api/auth/switch-tenant", json={"tenant_id": globex})
    assert_problem(refused, 403, "auth.csrf_failed")
    response = await client.post(
        "/api/auth/switch-tenant", json={"tenant_id": globex}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200, response.text
    assert response.json()["csrf_token"] == csrf
    assert (await client.get("/api/me")).json()["tenant_id"] == globex


async def test_switching_to_a_tenant_i_am_not_in_is_not_found(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await make_member(runtime, "bob@example.com", tenant_name="Globex")
    response = await client.post(
        "/api/auth/switch-tenant", json={"tenant_id": str(other.tenant_id)}, headers=ada.headers
    )
    assert_problem(response, 404, "tenant.not_found")
    unknown = await client.post(
        "/api/auth/switch-tenant", json={"tenant_id": str(uuid.uuid4())}, headers=ada.headers
    )
    assert_problem(unknown, 404, "tenant.not_found")
    assert (await client.get("/api/me", headers=ada.headers)).json()["tenant_id"] == str(ada.tenant_id)


async def test_switching_is_audited_in_the_new_tenant(client: httpx.AsyncClient, runtime: Runtime) -> None:
    ada, globex = await two_tenants(client, runtime)
    await client.post("/api/auth/switch-tenant", json={"tenant_id": globex}, headers=ada.headers)
    [event] = await audit_events(runtime, "auth.tenant_switched")
    assert (str(event.tenant_id), event.actor_user_id) == (globex, ada.user_id)


async def test_tenant_header_picks_the_tenant_of_one_request(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ada, globex = await two_tenants(client, runtime)
    picked = await client.get("/api/me", headers={**ada.headers, "X-Athanor-Tenant": globex})
    assert (picked.json()["tenant_id"], picked.json()["role"]) == (globex, "viewer")
    current = await client.get("/api/tenants/current", headers={**ada.headers, "X-Athanor-Tenant": globex})
    assert current.json()["name"] == "Globex"
    # The header does not move the session.
    assert (await client.get("/api/me", headers=ada.headers)).json()["tenant_id"] == str(ada.tenant_id)


async def test_tenant_header_applies_that_tenants_role(client: httpx.AsyncClient, runtime: Runtime) -> None:
    ada, globex = await two_tenants(client, runtime)
    response = await client.patch(
        "/api/tenants/current", json={"name": "Hijacked"}, headers={**ada.headers, "X-Athanor-Tenant": globex}
    )
    assert_problem(response, 403, "auth.forbidden")


@pytest.mark.parametrize("header", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
async def test_tenant_header_for_a_tenant_i_am_not_in_is_not_found(
    client: httpx.AsyncClient, runtime: Runtime, header: str
) -> None:
    ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.get("/api/me", headers={**ada.headers, "X-Athanor-Tenant": header})
    assert_problem(response, 404, "tenant.not_found")


async def test_tenant_header_cannot_reach_a_foreign_tenant(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    other = await make_member(runtime, "bob@example.com", tenant_name="Globex")
    response = await client.get(
        "/api/members", headers={**ada.headers, "X-Athanor-Tenant": str(other.tenant_id)}
    )
    assert_problem(response, 404, "tenant.not_found")
