"""Levels: validated definitions, one default, subscriptions that grant expiring tokens,
upgrades along a path with proration, period renewal, and a member's standing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from athanor.db.scope import DbScope
from athanor.engines.models import Execution, ExecutionSource, ExecutionStatus
from athanor.levels import service
from athanor.levels.models import LevelSubscription
from athanor.levels.tasks import renew_tenant
from athanor.levels.usage import count_use
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from athanor.wallet.models import TokenLot
from tests.builders import Member, make_member
from tests.support import assert_problem, field_errors


def level(slug: str, tokens: int = 0, **fields: Any) -> dict[str, Any]:
    return {"slug": slug, "name": slug.title(), "pricing": {"tokens_per_period": tokens}, **fields}


async def create_level(client: httpx.AsyncClient, owner: Member, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/levels", json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def lots_of(runtime: Runtime, member: Member) -> list[TokenLot]:
    assert member.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(member.tenant_id)) as session:
        return list((await session.scalars(select(TokenLot).order_by(TokenLot.id))).all())


@pytest.fixture
async def owner(runtime: Runtime) -> Member:
    return await make_member(runtime, "ada@example.com", tenant_name="Acme")


@pytest.fixture
async def member(runtime: Runtime, owner: Member) -> Member:
    return await make_member(runtime, "bob@example.com", tenant_id=owner.tenant_id, role=Role.MEMBER)


async def test_levels_are_validated(client: httpx.AsyncClient, owner: Member, member: Member) -> None:
    bad_rate = await client.post(
        "/api/levels", json=level("free", restrictions={"rate_limit": "lots"}), headers=owner.headers
    )
    assert field_errors(assert_problem(bad_rate, 422, "validation_failed")) == {
        "body.restrictions.rate_limit": "invalid_format"
    }
    zero_rate = await client.post(
        "/api/levels", json=level("free", restrictions={"rate_limit": "0/minute"}), headers=owner.headers
    )
    assert_problem(zero_rate, 422, "validation_failed")
    unknown = await client.post(
        "/api/levels", json=level("free", upgrades_to=["pro", "max"]), headers=owner.headers
    )
    problem = assert_problem(unknown, 404, "level.unknown_upgrade")
    assert field_errors(problem) == {"body.upgrades_to.0": "not_found", "body.upgrades_to.1": "not_found"}
    invalid = await client.post(
        "/api/levels",
        json={
            **level("Free!"),
            "pricing": {"period": "week", "price_cents": -1, "currency": "usd"},
            "restrictions": {"concurrent_runs": 0, "surprise": 1},
            "features": [""],
        },
        headers=owner.headers,
    )
    assert {
        "body.slug",
        "body.pricing.period",
        "body.pricing.price_cents",
        "body.pricing.currency",
        "body.restrictions.concurrent_runs",
        "body.restrictions.surprise",
        "body.features.0",
    } <= set(field_errors(assert_problem(invalid, 422, "validation_failed")))
    refused = await client.post("/api/levels", json=level("free"), headers=member.headers)
    assert_problem(refused, 403, "auth.forbidden")


async def test_level_crud(client: httpx.AsyncClient, owner: Member, member: Member) -> None:
    pro = await create_level(client, owner, **level("pro", 1000))
    free = await create_level(
        client,
        owner,
        **level(
            "free",
            100,
            is_default=True,
            upgrades_to=["pro", "pro", "free"],
            features=["chat"],
            benefits=["Community support"],
            restrictions={"rate_limit": "10/minute", "allowed_models": ["mock-small", "gpt-4.1-mini"]},
        ),
    )
    assert free["upgrades_to"] == ["pro"]
    assert free["restrictions"]["rate_limit"] == "10/minute"
    assert free["restrictions"]["executions_per_day"] is None
    assert free["pricing"] == {
        "price_cents": 0,
        "currency": "USD",
        "period": "month",
        "tokens_per_period": 100,
    }
    duplicate = await client.post("/api/levels", json=level("free"), headers=owner.headers)
    assert_problem(duplicate, 409, "level.slug_taken")

    # One default per tenant.
    made_default = await client.patch(
        f"/api/levels/{pro['id']}", json={"is_default": True}, headers=owner.headers
    )
    assert made_default.json()["is_default"] is True
    assert (await client.get(f"/api/levels/{free['id']}", headers=member.headers)).json()[
        "is_default"
    ] is False
    listed = (await client.get("/api/levels", headers=member.headers)).json()["items"]
    assert {item["slug"] for item in listed} == {"free", "pro"}
    patched = await client.patch(
        f"/api/levels/{free['id']}", json={"restrictions": {"executions_per_day": 5}}, headers=owner.headers
    )
    assert patched.json()["restrictions"]["rate_limit"] is None  # replaced as a whole
    assert patched.json()["restrictions"]["executions_per_day"] == 5

    # Deleting a level drops it from the others' upgrade paths.
    assert (await client.delete(f"/api/levels/{pro['id']}", headers=owner.headers)).status_code == 204
    assert (await client.get(f"/api/levels/{free['id']}", headers=owner.headers)).json()["upgrades_to"] == []
    assert_problem(
        await client.get(f"/api/levels/{pro['id']}", headers=owner.headers), 404, "level.not_found"
    )


async def test_assigning_a_level_grants_expiring_tokens(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member, member: Member
) -> None:
    await create_level(client, owner, **level("pro", 1000))
    assigned = await client.put(
        f"/api/members/{member.user_id}/level", json={"level": "pro"}, headers=owner.headers
    )
    assert assigned.status_code == 200, assigned.text
    period_start = datetime.fromisoformat(assigned.json()["period_start"])
    period_end = datetime.fromisoformat(assigned.json()["period_end"])
    assert 28 <= (period_end - period_start).days <= 31
    lots = await lots_of(runtime, member)
    assert [(lot.amount, lot.expires_at) for lot in lots] == [(1000, period_end)]
    wallet = (await client.get("/api/wallet", headers=member.headers)).json()
    assert wallet["balance"] == 1000

    # Assigning the same level again changes nothing (and grants nothing).
    again = await client.put(
        f"/api/members/{member.user_id}/level", json={"level": "pro"}, headers=owner.headers
    )
    assert again.json()["period_start"] == assigned.json()["period_start"]
    assert (await client.get("/api/wallet", headers=member.headers)).json()["balance"] == 1000

    stranger = await client.put(
        f"/api/members/{uuid.uuid4()}/level", json={"level": "pro"}, headers=owner.headers
    )
    assert_problem(stranger, 404, "member.not_found")
    missing = await client.put(
        f"/api/members/{member.user_id}/level", json={"level": "max"}, headers=owner.headers
    )
    assert_problem(missing, 404, "level.not_found")
    in_use = await client.get("/api/levels", headers=owner.headers)
    pro_id = in_use.json()["items"][0]["id"]
    assert_problem(await client.delete(f"/api/levels/{pro_id}", headers=owner.headers), 409, "level.in_use")


async def test_upgrades_follow_the_path_with_proration(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member, member: Member
) -> None:
    await create_level(client, owner, **level("max", 5000))
    await create_level(client, owner, **level("pro", 2000, upgrades_to=["max"]))
    await create_level(client, owner, **level("free", 1000, upgrades_to=["pro"], is_default=True))
    await create_level(
        client, owner, **level("yearly", 9000, pricing={"period": "year", "tokens_per_period": 9000})
    )

    # From the default level (no subscription yet) a member may move along its path.
    assert_problem(
        await client.post("/api/levels/mine/upgrade", json={"level": "max"}, headers=member.headers),
        403,
        "level.upgrade_not_allowed",
    )
    await client.put(f"/api/members/{member.user_id}/level", json={"level": "free"}, headers=owner.headers)
    # Half the period has gone by.
    assert member.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(member.tenant_id)) as session, session.begin():
        now = datetime.now(UTC)
        await session.execute(
            update(LevelSubscription).values(
                period_start=now - timedelta(days=15), period_end=now + timedelta(days=15)
            )
        )
    upgraded = await client.post("/api/levels/mine/upgrade", json={"level": "pro"}, headers=member.headers)
    assert upgraded.status_code == 200, upgraded.text
    assert upgraded.json()["level"]["slug"] == "pro"
    granted = [lot.amount for lot in await lots_of(runtime, member)]
    assert granted[0] == 1000
    assert 499 <= granted[1] <= 500  # (2000 - 1000) for the half period left

    off_path = await client.post("/api/levels/mine/upgrade", json={"level": "yearly"}, headers=member.headers)
    assert_problem(off_path, 403, "level.upgrade_not_allowed")
    # Down (by an admin) and up again within the period: the difference is not granted twice.
    await client.put(f"/api/members/{member.user_id}/level", json={"level": "free"}, headers=owner.headers)
    await client.post("/api/levels/mine/upgrade", json={"level": "pro"}, headers=member.headers)
    assert len(await lots_of(runtime, member)) == 2
    # Another kind of period starts a new period with its full grant.
    yearly = await client.put(
        f"/api/members/{member.user_id}/level", json={"level": "yearly"}, headers=owner.headers
    )
    period = datetime.fromisoformat(yearly.json()["period_end"]) - datetime.fromisoformat(
        yearly.json()["period_start"]
    )
    assert period.days in (365, 366)
    assert [lot.amount for lot in await lots_of(runtime, member)][-1] == 9000


async def test_periods_renew_once(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member, member: Member
) -> None:
    await create_level(client, owner, **level("pro", 300))
    await client.put(f"/api/members/{member.user_id}/level", json={"level": "pro"}, headers=owner.headers)
    assert member.tenant_id is not None
    scope = DbScope.for_tenant(member.tenant_id)
    ended = datetime.now(UTC) - timedelta(days=40)
    async with runtime.db.session(scope) as session, session.begin():
        await session.execute(
            update(LevelSubscription).values(period_start=ended - timedelta(days=30), period_end=ended)
        )
    for expected in (1, 0):
        async with runtime.db.session(scope) as session, session.begin():
            assert await renew_tenant(session) == expected
    async with runtime.db.session(scope) as session:
        subscription = await session.scalar(select(LevelSubscription))
    assert subscription is not None
    assert subscription.period_end is not None
    # Missed periods are skipped: the new one contains now.
    assert subscription.period_start <= datetime.now(UTC) < subscription.period_end
    lots = await lots_of(runtime, member)
    assert [lot.amount for lot in lots] == [300, 300]
    assert lots[-1].expires_at == subscription.period_end


async def test_my_level_shows_usage(
    client: httpx.AsyncClient, runtime: Runtime, owner: Member, member: Member
) -> None:
    nothing = await client.get("/api/levels/mine", headers=member.headers)
    assert nothing.status_code == 200, nothing.text
    assert nothing.json()["level"] is None
    assert nothing.json()["executions_today"] == {"used": 0, "limit": None}

    restrictions = {"executions_per_day": 10, "concurrent_runs": 2}
    await create_level(client, owner, **level("free", 50, is_default=True, restrictions=restrictions))
    assert member.tenant_id is not None
    async with (
        runtime.db.session(DbScope.for_tenant(member.tenant_id, member.user_id)) as session,
        session.begin(),
    ):
        for _ in range(3):
            await count_use(session, tenant_id=member.tenant_id, user_id=member.user_id, feature="executions")
        session.add(
            Execution(
                user_id=member.user_id,
                model_slug="mock-small",
                source=ExecutionSource.API,
                status=ExecutionStatus.RUNNING,
            )
        )
    mine = (await client.get("/api/levels/mine", headers=member.headers)).json()
    assert mine["level"]["slug"] == "free"
    assert mine["subscribed"] is False
    assert mine["executions_today"] == {"used": 3, "limit": 10}
    assert mine["concurrent_runs"] == {"used": 1, "limit": 2}
    assert mine["tokens_available"] == 0

    await client.put(f"/api/members/{member.user_id}/level", json={"level": "free"}, headers=owner.headers)
    mine = (await client.get("/api/levels/mine", headers=member.headers)).json()
    assert mine["subscribed"] is True
    assert mine["tokens_available"] == 50


def test_proration_and_periods() -> None:
    start = datetime(2026, 1, 31, tzinfo=UTC)
    assert service.period_end(start, "month") == datetime(2026, 2, 28, tzinfo=UTC)
    assert service.period_end(start, "year") == datetime(2027, 1, 31, tzinfo=UTC)
    assert service.period_end(start, "none") is None
    end = start + timedelta(days=10)
    assert service.prorated(1000, start, end, start + timedelta(days=5)) == 500
    assert service.prorated(1000, start, end, end + timedelta(days=1)) == 0
    assert service.prorated(1000, start, None, end) == 1000
