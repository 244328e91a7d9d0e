"""The wallet API: balances and statements, top-ups, transfers and refunds, each keyed by
an Idempotency-Key; and the sweeper task."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from athanor.audit.models import AuditEvent
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from athanor.wallet import service as wallet
from athanor.wallet.models import AccountKind, HoldState, WalletHold
from athanor.wallet.tasks import sweep_tenant
from athanor.workers.tenants import each_tenant
from tests.builders import Member, make_member
from tests.support import assert_problem


@pytest.fixture
async def owner(runtime: Runtime) -> Member:
    return await make_member(runtime, "ada@example.com", tenant_name="Acme")


@pytest.fixture
async def member(runtime: Runtime, owner: Member) -> Member:
    return await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)


async def post(
    client: httpx.AsyncClient, who: Member, path: str, body: dict[str, Any], key: str | None = None
) -> httpx.Response:
    headers = {**who.headers, "Idempotency-Key": key or str(uuid.uuid4())}
    return await client.post(f"/api/wallet/{path}", json=body, headers=headers)


async def charge(runtime: Runtime, member: Member, amount: int) -> uuid.UUID:
    """A settled call of `amount` tokens on the member's wallet; the charge's id."""
    assert member.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(member.tenant_id)) as session, session.begin():
        holder = await wallet.account(session, AccountKind.USER, member.user_id)
        placed = await wallet.hold(session, holder=holder, amount=amount, idempotency_key=f"t:{uuid.uuid4()}")
        await session.flush()
        settled = await wallet.settle(session, hold_id=placed.id, used=amount)
        assert settled is not None
        return settled.id


async def test_top_up_transfer_and_statement(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member, member: Member
) -> None:
    topped = await post(client, owner, "top-up", {"amount": 1000, "target": "pool", "memo": "bought 1k"})
    assert topped.status_code == 200, topped.text
    assert topped.json()["kind"] == "top_up"
    assert sorted(entry["amount"] for entry in topped.json()["entries"]) == [-1000, 1000]
    assert (await client.get("/api/wallet/pool", headers=owner.headers)).json()["balance"] == 1000

    moved = await post(client, owner, "transfer", {"user_id": str(member.user_id), "amount": 300})
    assert moved.status_code == 200, moved.text
    await post(client, owner, "transfer", {"user_id": str(member.user_id), "amount": 200})
    await post(client, owner, "top-up", {"amount": 50, "target": str(member.user_id)})
    mine = (await client.get("/api/wallet", headers=member.headers)).json()
    assert (mine["balance"], mine["held"], mine["available"]) == (550, 0, 550)
    pool = (await client.get("/api/wallet/pool", headers=owner.headers)).json()
    assert pool["balance"] == 500

    statement = (await client.get("/api/wallet/statement", headers=member.headers)).json()
    lines = [(line["kind"], line["amount"], line["balance_after"]) for line in statement["items"]]
    assert lines == [("top_up", 50, 550), ("transfer", 200, 500), ("transfer", 300, 300)]
    first = await client.get("/api/wallet/statement", params={"limit": 2}, headers=member.headers)
    rest = await client.get(
        "/api/wallet/statement",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=member.headers,
    )
    assert [line["amount"] for line in rest.json()["items"]] == [300]
    assert rest.json()["next_cursor"] is None
    pool_lines = (await client.get("/api/wallet/pool/statement", headers=owner.headers)).json()["items"]
    assert [line["balance_after"] for line in pool_lines] == [500, 700, 1000]
    assert pool_lines[-1]["memo"] == "bought 1k"

    too_much = await post(client, owner, "transfer", {"user_id": str(member.user_id), "amount": 501})
    assert_problem(too_much, 402, "wallet.insufficient_tokens")
    stranger = await post(client, owner, "transfer", {"user_id": str(uuid.uuid4()), "amount": 1})
    assert_problem(stranger, 404, "member.not_found")


async def test_idempotency_keys(client: httpx.AsyncClient, runtime: Runtime, owner: Member) -> None:
    body = {"amount": 100, "target": "me"}
    first = await post(client, owner, "top-up", body, key="order-42")
    replay = await post(client, owner, "top-up", body, key="order-42")
    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert replay.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    assert (await client.get("/api/wallet", headers=owner.headers)).json()["balance"] == 100

    reused = await post(client, owner, "top-up", {"amount": 101, "target": "me"}, key="order-42")
    assert_problem(reused, 409, "idempotency_key.reused")
    other_operation = await post(client, owner, "top-up", {"amount": 100, "target": "pool"}, key="order-42")
    assert_problem(other_operation, 409, "idempotency_key.reused")

    missing = await client.post("/api/wallet/top-up", json=body, headers=owner.headers)
    assert_problem(missing, 400, "idempotency_key.missing")
    blank = await client.post(
        "/api/wallet/top-up", json=body, headers={**owner.headers, "Idempotency-Key": " "}
    )
    assert_problem(blank, 400, "idempotency_key.missing")
    long = await client.post(
        "/api/wallet/top-up", json=body, headers={**owner.headers, "Idempotency-Key": "k" * 201}
    )
    assert_problem(long, 400, "idempotency_key.too_long")
    assert (await post(client, owner, "top-up", body, key="k" * 200)).status_code == 200

    assert owner.tenant_id is not None

    async with runtime.db.session(DbScope.for_platform(None)) as session:
        actions = (
            await session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.tenant_id == owner.tenant_id, AuditEvent.action == "wallet.topped_up"
                )
            )
        ).all()
    assert len(actions) == 2  # the replay is not a second top-up


async def test_refunds_are_bounded(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member, member: Member
) -> None:
    await post(client, owner, "top-up", {"amount": 1000, "target": str(member.user_id)})
    charge_id = await charge(runtime, member, 400)
    body = {"transaction_id": str(charge_id), "amount": 300}
    refunded = await post(client, owner, "refund", body)
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["reference_id"] == str(charge_id)
    assert (await client.get("/api/wallet", headers=member.headers)).json()["balance"] == 900
    too_much = await post(client, owner, "refund", {**body, "amount": 101})
    assert_problem(too_much, 422, "wallet.refund_too_large")
    assert (await post(client, owner, "refund", {**body, "amount": 100})).status_code == 200
    assert_problem(await post(client, owner, "refund", {**body, "amount": 1}), 422, "wallet.refund_too_large")
    not_a_charge = await post(client, owner, "refund", {"transaction_id": refunded.json()["id"], "amount": 1})
    assert_problem(not_a_charge, 404, "wallet.transaction_not_found")
    assert_problem(await post(client, owner, "refund", {**body, "amount": 0}), 422, "validation_failed")


async def test_members_only_read_their_own_wallet(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member, member: Member
) -> None:
    assert (await client.get("/api/wallet", headers=member.headers)).status_code == 200
    assert_problem(await client.get("/api/wallet/pool", headers=member.headers), 403, "auth.forbidden")
    refused = await post(client, member, "top-up", {"amount": 5, "target": "me"})
    assert_problem(refused, 403, "auth.forbidden")
    other = await make_member(runtime, "eve@example.com", tenant_name="Other")
    foreign = await post(client, other, "transfer", {"user_id": str(member.user_id), "amount": 1})
    assert_problem(foreign, 404, "member.not_found")


async def test_the_sweeper_expires_holds_and_lots_per_tenant(runtime: Runtime, owner: Member) -> None:
    other = await make_member(runtime, "eve@example.com", tenant_name="Other")
    past = utcnow() - timedelta(minutes=1)
    for who in (owner, other):
        assert who.tenant_id is not None
        async with runtime.db.session(DbScope.for_tenant(who.tenant_id)) as session, session.begin():
            await wallet.grant(session, user_id=who.user_id, amount=70, idempotency_key="g", expires_at=past)
            holder = await wallet.account(session, AccountKind.USER, who.user_id)
            await wallet.hold(
                session, holder=holder, amount=20, idempotency_key="h", ttl=timedelta(seconds=-1)
            )
    # Each tenant: one hold released and one lot expired.
    assert await each_tenant(runtime.db, sweep_tenant, name="test") == 4
    assert await each_tenant(runtime.db, sweep_tenant, name="test") == 0
    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session:
        holder = await wallet.account(session, AccountKind.USER, owner.user_id)
        assert (holder.balance, holder.held) == (0, 0)
        assert (await session.scalar(select(WalletHold.state))) is HoldState.EXPIRED
