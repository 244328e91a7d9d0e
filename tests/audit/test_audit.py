"""The audit log: append-only, hash-chained, filterable by tenant admins."""

from __future__ import annotations

import httpx
from sqlalchemy import create_engine, text

from athanor.audit import service as audit
from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from tests.builders import make_member


def _owner_sql(database_url: str, sql: str, **params: object) -> None:
    """Tampering as the database owner would: outside the app and its role."""
    sync_url = database_url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")
    engine = create_engine(sync_url)
    with engine.begin() as connection:
        connection.execute(text(sql), params)
    engine.dispose()


async def _record_three(runtime: Runtime) -> object:
    owner = await make_member(runtime, "ana@example.com", tenant_name="Acme")
    async with (
        runtime.db.session(DbScope.for_tenant(owner.tenant_id, owner.user_id)) as session,
        session.begin(),
    ):
        for action in ("demo.one", "demo.two", "demo.three"):
            await audit.record(
                session, action=action, actor=audit.Actor(user_id=owner.user_id), tenant_id=owner.tenant_id
            )
    return owner


async def _verify(runtime: Runtime, tenant_id: object) -> audit.ChainReport:
    async with runtime.db.session(DbScope.for_tenant(tenant_id)) as session, session.begin():  # type: ignore[arg-type]
        return await audit.verify_chain(session, tenant_id=tenant_id)  # type: ignore[arg-type]


async def test_chain_links_each_event_to_the_previous(runtime: Runtime) -> None:
    owner = await _record_three(runtime)
    report = await _verify(runtime, owner.tenant_id)  # type: ignore[attr-defined]
    # tenant.created is not recorded by the builder: exactly our three events.
    assert report == audit.ChainReport(valid=True, checked=3, first_broken_seq=None)


async def test_edited_event_breaks_the_chain(runtime: Runtime, database_url: str) -> None:
    owner = await _record_three(runtime)
    _owner_sql(database_url, "UPDATE audit_event SET action = 'demo.forged' WHERE seq = 2")
    report = await _verify(runtime, owner.tenant_id)  # type: ignore[attr-defined]
    assert report.valid is False
    assert report.first_broken_seq == 2


async def test_deleted_events_break_the_chain(runtime: Runtime, database_url: str) -> None:
    owner = await _record_three(runtime)
    _owner_sql(database_url, "DELETE FROM audit_event WHERE seq = 3")
    report = await _verify(runtime, owner.tenant_id)  # type: ignore[attr-defined]
    assert report.valid is False
    assert report.first_broken_seq == 3
    _owner_sql(database_url, "DELETE FROM audit_event WHERE seq = 1")
    assert (await _verify(runtime, owner.tenant_id)).first_broken_seq == 1  # type: ignore[attr-defined]


async def test_chains_are_per_tenant(runtime: Runtime) -> None:
    first = await _record_three(runtime)
    other = await make_member(runtime, "bo@example.com", tenant_name="Other")
    async with runtime.db.session(DbScope.for_tenant(other.tenant_id)) as session, session.begin():
        event = await audit.record(
            session, action="demo.other", actor=audit.SYSTEM, tenant_id=other.tenant_id
        )
    assert event.seq == 1
    assert (await _verify(runtime, first.tenant_id)).valid  # type: ignore[attr-defined]


async def test_admins_list_and_filter_their_events(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ana@example.com", tenant_name="Acme")
    await client.post("/api/invitations", json={"email": "x@example.com"}, headers=owner.headers)
    await client.patch(
        "/api/tenants/current",
        json={"name": "Acme Inc"},
        headers={**owner.headers, "User-Agent": "audit-test/1"},
    )

    everything = (await client.get("/api/audit-events", headers=owner.headers)).json()["items"]
    assert [event["action"] for event in everything] == ["tenant.settings_changed", "invitation.created"]
    change = everything[0]
    assert change["actor_user_id"] == str(owner.user_id)
    assert change["user_agent"] == "audit-test/1"
    assert change["details"] == {"changed": ["name"]}

    only = await client.get("/api/audit-events", params={"action": "invitation."}, headers=owner.headers)
    assert [event["action"] for event in only.json()["items"]] == ["invitation.created"]
    page = await client.get("/api/audit-events", params={"limit": 1}, headers=owner.headers)
    assert len(page.json()["items"]) == 1
    rest = await client.get(
        "/api/audit-events", params={"limit": 1, "cursor": page.json()["next_cursor"]}, headers=owner.headers
    )
    assert rest.json()["items"][0]["action"] == "invitation.created"
    assert rest.json()["next_cursor"] is None
    verified = await client.get("/api/audit-events/verify", headers=owner.headers)
    assert verified.json() == {"valid": True, "checked": 2, "first_broken_seq": None}


async def test_members_cannot_read_the_audit_log(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ana@example.com", tenant_name="Acme")
    member = await make_member(runtime, "bo@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)
    response = await client.get("/api/audit-events", headers=member.headers)
    assert response.status_code == 403
    assert response.json()["code"] == "auth.forbidden"


async def test_bad_filters_are_refused(client: httpx.AsyncClient, runtime: Runtime) -> None:
    owner = await make_member(runtime, "ana@example.com", tenant_name="Acme")
    naive = await client.get(
        "/api/audit-events", params={"since": "2026-01-01T00:00:00"}, headers=owner.headers
    )
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "query.since"
    cursor = await client.get("/api/audit-events", params={"cursor": "%%%"}, headers=owner.headers)
    assert cursor.status_code == 422
    assert cursor.json()["errors"][0]["field"] == "query.cursor"
