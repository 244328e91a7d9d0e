"""Every level restriction stops a call in the execution path with its own 403 code."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.engines.models import Execution, ExecutionSource, ExecutionStatus
from athanor.levels.models import Level, LevelSubscription
from athanor.runtime import Runtime
from athanor.settings import Settings
from tests.ai_builders import add_deployment, api_key_for, balance_of, give_tokens
from tests.builders import Member, make_member
from tests.conftest import app_client
from tests.support import assert_problem


def chat(**extra: Any) -> dict[str, Any]:
    return {"model": "mock-small", "messages": [{"role": "user", "content": "hello there"}], **extra}


@pytest.fixture
async def owner(runtime: Runtime) -> Member:
    member = await make_member(runtime, "owner@example.com", tenant_name="Acme")
    assert member.tenant_id is not None
    await add_deployment(runtime, member.tenant_id)
    await add_deployment(
        runtime, member.tenant_id, model="mock-large", upstream_model="mock-large", name="large"
    )
    await give_tokens(runtime, member.tenant_id, member.user_id, 10_000)
    return member


async def on_level(runtime: Runtime, owner: Member, **restrictions: Any) -> None:
    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        level = Level(slug="basic", name="Basic", restrictions=restrictions)
        session.add(level)
        await session.flush()
        session.add(LevelSubscription(user_id=owner.user_id, level_id=level.id, period_start=utcnow()))


@pytest.fixture
async def gateway(settings: Settings, runtime: Runtime, owner: Member) -> Any:
    assert owner.tenant_id is not None
    secret = await api_key_for(runtime, owner.tenant_id, owner.user_id)
    async with app_client(settings, runtime) as http:
        http.headers["Authorization"] = f"Bearer {secret}"
        yield http


async def test_models_outside_the_level_are_refused(
    gateway: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    await on_level(runtime, owner, allowed_models=["mock-small"])
    assert (await gateway.post("/v1/chat/completions", json=chat())).status_code == 200
    refused = await gateway.post("/v1/chat/completions", json=chat(model="mock-large"))
    assert_problem(refused, 403, "level.model_not_allowed")


async def test_output_tokens_above_the_level_are_refused(
    gateway: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    await on_level(runtime, owner, max_output_tokens=50)
    refused = await gateway.post(
        "/v1/chat/completions", json=chat(max_tokens=51), headers={"Accept-Language": "es"}
    )
    assert_problem(refused, 403, "level.max_output_tokens_exceeded")
    assert "50" in refused.json()["detail"]
    assert refused.headers["content-language"] == "es"
    assert (await gateway.post("/v1/chat/completions", json=chat(max_tokens=50))).status_code == 200


async def test_daily_executions_are_counted(
    gateway: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    await on_level(runtime, owner, executions_per_day=2)
    for _ in range(2):
        assert (await gateway.post("/v1/chat/completions", json=chat())).status_code == 200
    assert_problem(
        await gateway.post("/v1/chat/completions", json=chat()), 403, "level.executions_per_day_exceeded"
    )


async def test_concurrent_runs_are_limited(
    gateway: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    await on_level(runtime, owner, concurrent_runs=1)
    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        session.add(
            Execution(
                user_id=owner.user_id,
                model_slug="mock-small",
                source=ExecutionSource.API,
                status=ExecutionStatus.RUNNING,
            )
        )
    assert_problem(
        await gateway.post("/v1/chat/completions", json=chat()), 403, "level.concurrent_runs_exceeded"
    )


async def test_the_level_rate_limit_applies(
    gateway: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    await on_level(runtime, owner, rate_limit="2/minute")
    for _ in range(2):
        assert (await gateway.post("/v1/chat/completions", json=chat())).status_code == 200
    refused = await gateway.post("/v1/chat/completions", json=chat())
    assert_problem(refused, 403, "level.rate_limit_exceeded")
    assert int(refused.headers["retry-after"]) >= 1


async def test_overdraft_lets_the_balance_go_below_zero_only_as_far_as_allowed(
    gateway: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    assert owner.tenant_id is not None
    await on_level(runtime, owner, overdraft_tokens=5)
    balance, _held = await balance_of(runtime, owner.tenant_id, owner.user_id)
    # Spend down to 3 tokens, then a 7-token call fits only thanks to the overdraft.
    spend = balance - 3
    async with (
        runtime.db.session(DbScope.for_tenant(owner.tenant_id, owner.user_id)) as session,
        session.begin(),
    ):
        from athanor.wallet import service as wallet
        from athanor.wallet.models import AccountKind

        holder = await wallet.account(session, AccountKind.USER, owner.user_id)
        placed = await wallet.hold(session, holder=holder, amount=spend, idempotency_key="spend")
        await wallet.settle(session, hold_id=placed.id, used=spend)
    assert (await gateway.post("/v1/chat/completions", json=chat(max_tokens=5))).status_code == 200
    assert await balance_of(runtime, owner.tenant_id, owner.user_id) == (-4, 0)
    refused = await gateway.post("/v1/chat/completions", json=chat(max_tokens=5))
    assert_problem(refused, 402, "wallet.insufficient_tokens")


async def test_a_level_edited_through_the_api_applies_to_the_next_call(
    gateway: httpx.AsyncClient, runtime: Runtime, owner: Member
) -> None:
    await on_level(runtime, owner, max_output_tokens=100)
    assert (await gateway.post("/v1/chat/completions", json=chat(max_tokens=60))).status_code == 200
    level_id = (await gateway.get("/api/levels/mine", headers=owner.headers)).json()["level"]["id"]
    edited = await gateway.patch(
        f"/api/levels/{level_id}", json={"restrictions": {"max_output_tokens": 50}}, headers=owner.headers
    )
    assert edited.status_code == 200, edited.text
    refused = await gateway.post("/v1/chat/completions", json=chat(max_tokens=60))
    assert_problem(refused, 403, "level.max_output_tokens_exceeded")
