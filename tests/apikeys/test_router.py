"""API keys over HTTP: secrets shown once and stored hashed, scopes, visibility, expiry,
rotation with a grace period, revocation and the audit trail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import delete, select, text, update

from athanor.apikeys.models import ApiKey, ApiKeySecret
from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.tenancy.models import Membership, Role
from tests.builders import Member, make_member
from tests.support import assert_problem


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def create_key(client: httpx.AsyncClient, member: Member, **body: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"name": "ci", "scopes": ["engines:execute"], **body}
    response = await client.post("/api/api-keys", json=payload, headers=member.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def load_key(runtime: Runtime, tenant_id: uuid.UUID, key_id: str) -> ApiKey:
    async with runtime.db.session(DbScope.for_tenant(tenant_id)) as session:
        key = await session.scalar(select(ApiKey).where(ApiKey.id == uuid.UUID(key_id)))
        assert key is not None
        return key


async def set_key_expiry(runtime: Runtime, tenant_id: uuid.UUID, key_id: str, when: datetime) -> None:
    async with runtime.db.session(DbScope.for_tenant(tenant_id)) as session, session.begin():
        await session.execute(update(ApiKey).where(ApiKey.id == uuid.UUID(key_id)).values(expires_at=when))
    # Written behind the app's back: its cache of recently seen keys would serve the old expiry.
    await runtime.forget(tenant_id=tenant_id)


async def age_retired_secrets(runtime: Runtime, tenant_id: uuid.UUID, key_id: str) -> None:
    """Move the end of every grace period of the key into the past."""
    past = datetime.now(UTC) - timedelta(seconds=1)
    async with runtime.db.session(DbScope.for_tenant(tenant_id)) as session, session.begin():
        await session.execute(
            update(ApiKeySecret)
            .where(ApiKeySecret.api_key_id == uuid.UUID(key_id), ApiKeySecret.retires_at.is_not(None))
            .values(retires_at=past)
        )
    # Time travel behind the app's back: the cache keeps each secret's real end.
    await runtime.forget(tenant_id=tenant_id)


# --- creation and storage -------------------------------------------------------------------


async def test_create_returns_the_secret_once(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post(
        "/api/api-keys",
        json={
            "name": "CI",
            "scopes": ["files:read", "engines:execute", "files:read"],
            "rate_limit": "5/second",
        },
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("ath_")
    assert len(secret) > 30
    assert created["prefix"] == secret[: len(created["prefix"])]
    assert created["prefix"].startswith("ath_")
    assert len(created["prefix"]) < len(secret)
    assert created["user_id"] == str(owner.user_id)
    assert created["scopes"] == ["engines:execute", "files:read"]  # deduplicated, sorted
    assert created["rate_limit"] == "5/second"
    assert created["status"] == "active"
    assert created["usage_count"] == 0
    assert created["last_used_at"] is None

    read = await client.get(f"/api/api-keys/{created['id']}", headers=owner.headers)
    assert read.status_code == 200
    assert "secret" not in read.json()
    assert read.json()["prefix"] == created["prefix"]
    listed = await client.get("/api/api-keys", headers=owner.headers)
    assert all("secret" not in item for item in listed.json()["items"])
    assert secret not in listed.text
    assert secret not in read.text


async def test_database_holds_only_a_hash_of_the_secret(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    created = await create_key(client, owner)
    secret = created["secret"]
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session:
        secret_rows = (await session.execute(text("SELECT * FROM api_key_secret"))).mappings().all()
        key_rows = (await session.execute(text("SELECT * FROM api_key"))).mappings().all()
    assert len(secret_rows) == 1
    row = secret_rows[0]
    assert row["prefix"] == created["prefix"]
    assert len(row["secret_hash"]) == 64
    for stored in [*secret_rows, *key_rows]:
        for value in stored.values():
            assert secret not in str(value)
            # Not even the part after the visible prefix is stored.
            assert secret[len(created["prefix"]) :] not in str(value)


async def test_key_authenticates_and_counts_its_use(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_key(client, owner, scopes=["files:read"])
    before = datetime.now(UTC)
    for _ in range(2):
        me = await client.get("/api/me", headers=bearer(created["secret"]))
        assert me.status_code == 200, me.text
    body = me.json()
    assert body["via"] == "api_key"
    assert body["user"]["email"] == "ada@example.com"
    assert body["tenant_id"] == str(owner.tenant_id)
    assert body["role"] == "owner"
    assert sorted(body["permissions"]) == ["files:read", "tenant:read"]

    read = (await client.get(f"/api/api-keys/{created['id']}", headers=owner.headers)).json()
    assert read["usage_count"] == 2
    assert read["last_used_at"] is not None
    assert datetime.fromisoformat(read["last_used_at"]) >= before - timedelta(seconds=1)


async def test_unknown_or_malformed_key_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.get("/api/me", headers=bearer("ath_" + "x" * 40))
    assert_problem(response, 401, "api_key.invalid")
    assert_problem(await client.get("/api/me", headers=bearer("ath_")), 401, "api_key.invalid")


# --- scopes ---------------------------------------------------------------------------------


async def test_scopes_narrow_the_permissions_of_the_key(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    files_key = await create_key(client, owner, scopes=["files:read"])
    headers = bearer(files_key["secret"])
    # files:read brings tenant:read along, nothing else.
    assert (await client.get("/api/tenants/current", headers=headers)).status_code == 200
    assert_problem(await client.get("/api/members", headers=headers), 403, "auth.forbidden")
    assert_problem(await client.get("/api/audit-events", headers=headers), 403, "auth.forbidden")
    assert_problem(await client.get("/api/api-keys", headers=headers), 403, "auth.forbidden")
    refused = await client.post(
        "/api/api-keys", json={"name": "x", "scopes": ["files:read"]}, headers=headers
    )
    assert_problem(refused, 403, "auth.forbidden")
    # The owner's own session keeps its full rights.
    assert (await client.get("/api/members", headers=owner.headers)).status_code == 200


async def test_admin_scope_grants_what_the_role_allows(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    admin_key = await create_key(client, owner, scopes=["admin"])
    headers = bearer(admin_key["secret"])
    assert (await client.get("/api/members", headers=headers)).status_code == 200
    assert (await client.get("/api/audit-events", headers=headers)).status_code == 200


async def test_key_never_exceeds_its_users_current_role(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    key = await create_key(client, member, scopes=["files:write"])
    me = (await client.get("/api/me", headers=bearer(key["secret"]))).json()
    assert sorted(me["permissions"]) == ["files:read", "files:write", "tenant:read"]
    assert me["role"] == "member"


async def test_member_cannot_create_an_admin_key(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    response = await client.post(
        "/api/api-keys", json={"name": "x", "scopes": ["files:read", "admin"]}, headers=member.headers
    )
    body = assert_problem(response, 403, "api_key.scope_not_allowed")
    assert "admin" in body["detail"]
    listed = await client.get("/api/api-keys", headers=owner.headers)
    assert listed.json()["items"] == []  # nothing half-written
    # Scopes a member's role covers are fine.
    await create_key(client, member, scopes=["engines:execute", "workflows:run", "files:write"])


async def test_viewer_cannot_manage_keys(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    viewer = await make_member(runtime, "vic@example.com", tenant_id=owner.tenant_id, role=Role.VIEWER)
    response = await client.post(
        "/api/api-keys", json={"name": "x", "scopes": ["files:read"]}, headers=viewer.headers
    )
    assert_problem(response, 403, "auth.forbidden")
    assert_problem(await client.get("/api/api-keys", headers=viewer.headers), 403, "auth.forbidden")


async def test_user_without_a_tenant_gets_tenant_required(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    loner = await make_member(runtime, "lone@example.com")
    response = await client.post(
        "/api/api-keys", json={"name": "x", "scopes": ["files:read"]}, headers=loner.headers
    )
    assert_problem(response, 403, "tenant.required")


async def test_unauthenticated_requests_are_refused(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/api-keys"), 401, "auth.unauthenticated")
    response = await client.post("/api/api-keys", json={"name": "x", "scopes": ["files:read"]})
    assert_problem(response, 401, "auth.unauthenticated")


# --- visibility -----------------------------------------------------------------------------


async def test_members_see_their_own_keys_and_admins_see_all(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    carol = await make_member(runtime, "carol@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    admin = await make_member(runtime, "adm@example.com", tenant_id=owner.tenant_id, role=Role.ADMIN)
    owner_key = await create_key(client, owner, name="owner")
    bob_key = await create_key(client, bob, name="bob")
    carol_key = await create_key(client, carol, name="carol")

    bob_list = (await client.get("/api/api-keys", headers=bob.headers)).json()
    assert [item["id"] for item in bob_list["items"]] == [bob_key["id"]]
    admin_list = (await client.get("/api/api-keys", headers=admin.headers)).json()
    # Newest first.
    assert [item["id"] for item in admin_list["items"]] == [carol_key["id"], bob_key["id"], owner_key["id"]]

    assert (await client.get(f"/api/api-keys/{carol_key['id']}", headers=admin.headers)).status_code == 200


async def test_another_users_key_looks_absent_to_a_member(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    owner_key = await create_key(client, owner)
    key_id = owner_key["id"]
    for response in (
        await client.get(f"/api/api-keys/{key_id}", headers=bob.headers),
        await client.post(f"/api/api-keys/{key_id}/rotate", json={}, headers=bob.headers),
        await client.post(f"/api/api-keys/{key_id}/revoke", headers=bob.headers),
    ):
        assert_problem(response, 404, "api_key.not_found")
    unknown = await client.get(f"/api/api-keys/{uuid.uuid4()}", headers=bob.headers)
    assert_problem(unknown, 404, "api_key.not_found")
    # The owner's key still works: the refused revoke did nothing.
    assert (await client.get("/api/me", headers=bearer(owner_key["secret"]))).status_code == 200


async def test_keys_of_another_tenant_are_invisible(client: httpx.AsyncClient, runtime: Runtime) -> None:
    ada = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    eve = await make_member(runtime, "eve@example.com", tenant_name="Evil")
    ada_key = await create_key(client, ada)
    assert_problem(
        await client.get(f"/api/api-keys/{ada_key['id']}", headers=eve.headers), 404, "api_key.not_found"
    )
    revoke = await client.post(f"/api/api-keys/{ada_key['id']}/revoke", headers=eve.headers)
    assert_problem(revoke, 404, "api_key.not_found")
    assert (await client.get("/api/api-keys", headers=eve.headers)).json()["items"] == []
    me = (await client.get("/api/me", headers=bearer(ada_key["secret"]))).json()
    assert me["tenant_id"] == str(ada.tenant_id)


async def test_list_is_paginated_with_a_cursor(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    ids = [(await create_key(client, owner, name=f"k{n}"))["id"] for n in range(3)]
    first = (await client.get("/api/api-keys?limit=2", headers=owner.headers)).json()
    assert [item["id"] for item in first["items"]] == ids[::-1][:2]
    assert first["next_cursor"]
    second = await client.get(f"/api/api-keys?limit=2&cursor={first['next_cursor']}", headers=owner.headers)
    assert [item["id"] for item in second.json()["items"]] == [ids[0]]
    assert second.json()["next_cursor"] is None
    bad = await client.get("/api/api-keys?cursor=***", headers=owner.headers)
    body = assert_problem(bad, 422, "validation_failed")
    assert body["errors"][0]["field"] == "query.cursor"


# --- expiry ---------------------------------------------------------------------------------


async def test_expiry_in_the_past_is_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    response = await client.post(
        "/api/api-keys",
        json={"name": "x", "scopes": ["files:read"], "expires_at": past},
        headers=owner.headers,
    )
    body = assert_problem(response, 422, "validation_failed")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("body.expires_at", "invalid")]
    naive = await client.post(
        "/api/api-keys",
        json={"name": "x", "scopes": ["files:read"], "expires_at": "2999-01-01T00:00:00"},
        headers=owner.headers,
    )
    body = assert_problem(naive, 422, "validation_failed")
    assert body["errors"][0]["field"] == "body.expires_at"
    assert body["errors"][0]["code"] == "invalid_datetime"


async def test_key_stops_working_when_it_expires(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    expires = datetime.now(UTC) + timedelta(hours=1)
    created = await create_key(client, owner, expires_at=expires.isoformat())
    assert datetime.fromisoformat(created["expires_at"]) == expires
    assert (await client.get("/api/me", headers=bearer(created["secret"]))).status_code == 200

    await set_key_expiry(runtime, owner.tenant_id, created["id"], datetime.now(UTC) - timedelta(seconds=1))
    assert_problem(await client.get("/api/me", headers=bearer(created["secret"])), 401, "api_key.invalid")
    read = (await client.get(f"/api/api-keys/{created['id']}", headers=owner.headers)).json()
    assert read["status"] == "expired"
    assert read["usage_count"] == 1  # the refused call is not counted
    rotate = await client.post(f"/api/api-keys/{created['id']}/rotate", json={}, headers=owner.headers)
    assert_problem(rotate, 404, "api_key.not_found")


async def test_key_stops_working_when_its_user_leaves_the_tenant(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    assert owner.tenant_id is not None
    key = await create_key(client, bob)
    assert (await client.get("/api/me", headers=bearer(key["secret"]))).status_code == 200
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        await session.execute(delete(Membership).where(Membership.user_id == bob.user_id))
    # Deleted behind the app's back; removing a member through the API clears the cache itself.
    await runtime.forget(tenant_id=owner.tenant_id)
    assert_problem(await client.get("/api/me", headers=bearer(key["secret"])), 401, "api_key.invalid")


# --- rotation and revocation ----------------------------------------------------------------


async def test_rotation_keeps_the_old_secret_during_the_grace_period(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    created = await create_key(client, owner)
    old = created["secret"]
    response = await client.post(
        f"/api/api-keys/{created['id']}/rotate", json={"grace_seconds": 3600}, headers=owner.headers
    )
    assert response.status_code == 200, response.text
    rotated = response.json()
    new = rotated["secret"]
    assert new.startswith("ath_")
    assert new != old
    assert rotated["id"] == created["id"]
    assert rotated["prefix"] == new[: len(rotated["prefix"])] != created["prefix"]
    assert rotated["status"] == "active"

    assert (await client.get("/api/me", headers=bearer(new))).status_code == 200
    assert (await client.get("/api/me", headers=bearer(old))).status_code == 200

    # Once the grace period is over, only the new secret works.
    await age_retired_secrets(runtime, owner.tenant_id, created["id"])
    assert_problem(await client.get("/api/me", headers=bearer(old)), 401, "api_key.invalid")
    assert (await client.get("/api/me", headers=bearer(new))).status_code == 200


async def test_rotation_without_grace_retires_the_old_secret_at_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_key(client, owner)
    rotated = await client.post(
        f"/api/api-keys/{created['id']}/rotate", json={"grace_seconds": 0}, headers=owner.headers
    )
    assert rotated.status_code == 200, rotated.text
    assert_problem(await client.get("/api/me", headers=bearer(created["secret"])), 401, "api_key.invalid")
    assert (await client.get("/api/me", headers=bearer(rotated.json()["secret"]))).status_code == 200


async def test_rotation_with_an_empty_body_uses_the_default_grace(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_key(client, owner)
    rotated = await client.post(f"/api/api-keys/{created['id']}/rotate", headers=owner.headers)
    assert rotated.status_code == 200, rotated.text
    assert (await client.get("/api/me", headers=bearer(created["secret"]))).status_code == 200
    assert (await client.get("/api/me", headers=bearer(rotated.json()["secret"]))).status_code == 200


async def test_a_second_rotation_shortens_an_earlier_grace_period(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_key(client, owner)
    url = f"/api/api-keys/{created['id']}/rotate"
    second = (await client.post(url, json={"grace_seconds": 3600}, headers=owner.headers)).json()["secret"]
    third = (await client.post(url, json={"grace_seconds": 0}, headers=owner.headers)).json()["secret"]
    assert_problem(await client.get("/api/me", headers=bearer(created["secret"])), 401, "api_key.invalid")
    assert_problem(await client.get("/api/me", headers=bearer(second)), 401, "api_key.invalid")
    assert (await client.get("/api/me", headers=bearer(third))).status_code == 200


async def test_revocation_stops_every_secret_at_once(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_key(client, owner)
    rotated = await client.post(
        f"/api/api-keys/{created['id']}/rotate", json={"grace_seconds": 3600}, headers=owner.headers
    )
    new = rotated.json()["secret"]
    revoked = await client.post(f"/api/api-keys/{created['id']}/revoke", headers=owner.headers)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["revoked_at"] is not None
    assert "secret" not in revoked.json()
    for secret in (created["secret"], new):
        assert_problem(await client.get("/api/me", headers=bearer(secret)), 401, "api_key.invalid")
    # A revoked key cannot be brought back by rotating it.
    again = await client.post(f"/api/api-keys/{created['id']}/rotate", json={}, headers=owner.headers)
    assert again.status_code in {404, 409}
    assert again.json()["code"].startswith("api_key.")
    assert_problem(await client.get("/api/me", headers=bearer(new)), 401, "api_key.invalid")


async def test_revoking_twice_keeps_the_first_revocation(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_key(client, owner)
    first = (await client.post(f"/api/api-keys/{created['id']}/revoke", headers=owner.headers)).json()
    second = await client.post(f"/api/api-keys/{created['id']}/revoke", headers=owner.headers)
    assert second.status_code == 200
    assert second.json()["revoked_at"] == first["revoked_at"]


async def test_admin_can_revoke_a_members_key(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    key = await create_key(client, bob)
    revoked = await client.post(f"/api/api-keys/{key['id']}/revoke", headers=owner.headers)
    assert revoked.status_code == 200
    assert_problem(await client.get("/api/me", headers=bearer(key["secret"])), 401, "api_key.invalid")


async def test_a_member_manages_their_own_key(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    bob = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    key = await create_key(client, bob)
    rotated = await client.post(
        f"/api/api-keys/{key['id']}/rotate", json={"grace_seconds": 0}, headers=bob.headers
    )
    assert rotated.status_code == 200, rotated.text
    revoked = await client.post(f"/api/api-keys/{key['id']}/revoke", headers=bob.headers)
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"


# --- audit ----------------------------------------------------------------------------------


async def test_key_lifecycle_is_audited(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_key(client, owner, scopes=["files:read"])
    await client.post(
        f"/api/api-keys/{created['id']}/rotate", json={"grace_seconds": 60}, headers=owner.headers
    )
    await client.post(f"/api/api-keys/{created['id']}/revoke", headers=owner.headers)

    response = await client.get("/api/audit-events", params={"action": "api_key."}, headers=owner.headers)
    assert response.status_code == 200, response.text
    events = response.json()["items"]
    assert [event["action"] for event in events] == ["api_key.revoked", "api_key.rotated", "api_key.created"]
    for event in events:
        assert event["target_type"] == "api_key"
        assert event["target_id"] == created["id"]
        assert event["actor_user_id"] == str(owner.user_id)
        assert event["outcome"] == "success"
    _revoked, rotated, made = events
    assert made["details"] == {"scopes": ["files:read"], "prefix": created["prefix"]}
    assert rotated["details"]["grace_seconds"] == 60
    # No secret is ever written to the log.
    assert created["secret"] not in response.text
    verify = await client.get("/api/audit-events/verify", headers=owner.headers)
    assert verify.json()["valid"] is True


async def test_actions_through_a_key_name_the_key_in_the_audit_log(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    admin_key = await create_key(client, owner, scopes=["admin"])
    other = await create_key(client, owner, name="other")
    revoked = await client.post(f"/api/api-keys/{other['id']}/revoke", headers=bearer(admin_key["secret"]))
    assert revoked.status_code == 200, revoked.text
    events = (
        await client.get("/api/audit-events", params={"action": "api_key.revoked"}, headers=owner.headers)
    ).json()["items"]
    assert events[0]["target_id"] == other["id"]
    assert events[0]["actor_api_key_id"] == admin_key["id"]


async def test_a_key_cannot_mint_keys_that_would_outlive_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    admin_key = await create_key(client, owner, scopes=["admin"])
    headers = bearer(admin_key["secret"])
    made = await client.post(
        "/api/api-keys", json={"name": "child", "scopes": ["files:read"]}, headers=headers
    )
    assert_problem(made, 403, "auth.session_required")
    rotated = await client.post(f"/api/api-keys/{admin_key['id']}/rotate", json={}, headers=headers)
    assert_problem(rotated, 403, "auth.session_required")


async def test_managers_revoke_but_never_receive_another_members_secret(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    admin = await make_member(runtime, "root@example.com", tenant_id=owner.tenant_id, role=Role.ADMIN)
    owners_key = await create_key(client, owner, scopes=["admin"])
    taken = await client.post(f"/api/api-keys/{owners_key['id']}/rotate", json={}, headers=admin.headers)
    assert_problem(taken, 403, "api_key.not_owner")
    assert "secret" not in taken.text
    revoked = await client.post(f"/api/api-keys/{owners_key['id']}/revoke", headers=admin.headers)
    assert revoked.json()["status"] == "revoked"


async def test_refused_creation_writes_nothing(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    await client.post("/api/api-keys", json={"name": "x", "scopes": ["admin"]}, headers=member.headers)
    events = (
        await client.get("/api/audit-events", params={"action": "api_key."}, headers=owner.headers)
    ).json()
    assert events["items"] == []


# --- invalid input --------------------------------------------------------------------------


async def test_unknown_fields_are_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post(
        "/api/api-keys", json={"name": "x", "scopes": ["files:read"], "owner": "me"}, headers=owner.headers
    )
    body = assert_problem(response, 422, "validation_failed")
    assert {(e["field"], e["code"]) for e in body["errors"]} == {("body.owner", "unknown_field")}


async def test_wrong_types_and_values_are_reported_per_field(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post(
        "/api/api-keys",
        json={"name": "", "scopes": ["files:read", "root"], "rate_limit": 5},
        headers=owner.headers,
    )
    body = assert_problem(response, 422, "validation_failed")
    codes = {e["field"]: e["code"] for e in body["errors"]}
    assert codes["body.name"] == "too_short"
    assert codes["body.scopes.1"] == "invalid_choice"
    assert codes["body.rate_limit"] == "invalid_type"
    for error in body["errors"]:
        assert error["message"]


async def test_missing_and_empty_fields(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    missing = await client.post("/api/api-keys", json={}, headers=owner.headers)
    body = assert_problem(missing, 422, "validation_failed")
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("body.name", "required"),
        ("body.scopes", "required"),
    }
    no_scopes = await client.post("/api/api-keys", json={"name": "x", "scopes": []}, headers=owner.headers)
    body = assert_problem(no_scopes, 422, "validation_failed")
    assert body["errors"][0]["field"] == "body.scopes"
    assert body["errors"][0]["code"] == "too_short"


async def test_bad_rate_limit_strings_are_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    for rate in ("fast", "10", "10/fortnight", "-1/minute", "0/minute", "", "1/minute;"):
        response = await client.post(
            "/api/api-keys",
            json={"name": "x", "scopes": ["files:read"], "rate_limit": rate},
            headers=owner.headers,
        )
        body = assert_problem(response, 422, "validation_failed")
        assert [e["field"] for e in body["errors"]] == ["body.rate_limit"], rate
    assert (await client.get("/api/api-keys", headers=owner.headers)).json()["items"] == []
    for rate in ("10/second;1000/hour", "100 per minute"):
        created = await create_key(client, owner, rate_limit=rate)
        assert created["rate_limit"] == rate


async def test_rotation_body_is_validated(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    created = await create_key(client, owner)
    url = f"/api/api-keys/{created['id']}/rotate"
    cases = [
        ({"grace_seconds": "10"}, "invalid_type"),
        ({"grace_seconds": -1}, "too_small"),
        ({"grace_seconds": 8 * 24 * 3600}, "too_large"),
        ({"grace_seconds": True}, "invalid_type"),
        ({"grace_seconds": None}, "invalid_type"),
    ]
    for payload, code in cases:
        body = assert_problem(
            await client.post(url, json=payload, headers=owner.headers), 422, "validation_failed"
        )
        assert [(e["field"], e["code"]) for e in body["errors"]] == [("body.grace_seconds", code)], payload
    fraction = await client.post(url, json={"grace_seconds": 1.5}, headers=owner.headers)
    body = assert_problem(fraction, 422, "validation_failed")
    assert [e["field"] for e in body["errors"]] == ["body.grace_seconds"]
    extra = await client.post(url, json={"grace": 10}, headers=owner.headers)
    body = assert_problem(extra, 422, "validation_failed")
    assert body["errors"][0]["code"] == "unknown_field"
    # Nothing rotated: the original secret is the only one and still works.
    assert (await client.get("/api/me", headers=bearer(created["secret"]))).status_code == 200
    events = (
        await client.get("/api/audit-events", params={"action": "api_key.rotated"}, headers=owner.headers)
    ).json()
    assert events["items"] == []


async def test_malformed_json_and_bad_ids(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ada@example.com", tenant_name="Acme")
    response = await client.post(
        "/api/api-keys", content=b'{"name": ', headers={**owner.headers, "Content-Type": "application/json"}
    )
    assert_problem(response, 400, "body.malformed")
    # An id that is not a UUID names no key.
    assert_problem(await client.get("/api/api-keys/not-a-uuid", headers=owner.headers), 404, "not_found")
    revoke = await client.post("/api/api-keys/not-a-uuid/revoke", headers=owner.headers)
    assert revoke.status_code == 404


async def test_api_keys_cannot_change_the_account_or_create_tenants(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await make_member(runtime, "owner@example.com", tenant_name="Acme")
    key = await create_key(client, owner, name="automation", scopes=["admin"])
    headers = bearer(key["secret"])
    for method, url, body in (
        ("PATCH", "/api/me", {"name": "Renamed by a script"}),
        ("POST", "/api/tenants", {"name": "Spawned"}),
        ("POST", "/api/auth/password/change", {"current_password": "x", "new_password": "y" * 12}),
        ("POST", "/api/auth/switch-tenant", {"tenant_id": str(owner.tenant_id)}),
    ):
        response = await client.request(method, url, json=body, headers=headers)
        assert_problem(response, 403, "auth.session_required")
    assert (await client.get("/api/me", headers=headers)).json()["user"]["name"] == "owner"
