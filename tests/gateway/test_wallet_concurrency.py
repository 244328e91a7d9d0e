"""The wallet under load through the whole gateway flow, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from athanor.db.scope import DbScope
from athanor.runtime import Runtime
from athanor.settings import Settings
from athanor.wallet.models import HoldState, LedgerEntry, WalletHold
from tests.ai_builders import add_deployment, api_key_for, balance_of, give_tokens
from tests.builders import make_member
from tests.conftest import app_client

# "hello there" is 2 prompt tokens for the mock; its answer is longer than 5 tokens, so
# each call uses exactly 7 and its hold (2 estimated + 5 budget) matches what it uses.
BODY = {"model": "mock-small", "messages": [{"role": "user", "content": "hello there"}], "max_tokens": 5}
PER_CALL = 7
AFFORDABLE = 50
CALLS = 200


async def test_only_the_affordable_calls_succeed(settings: Settings, runtime: Runtime) -> None:
    owner = await make_member(runtime, "owner@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    await add_deployment(runtime, owner.tenant_id)
    await give_tokens(runtime, owner.tenant_id, owner.user_id, AFFORDABLE * PER_CALL)
    secret = await api_key_for(runtime, owner.tenant_id, owner.user_id, rate_limit="10000/minute")
    headers = {"Authorization": f"Bearer {secret}"}
    async with app_client(settings, runtime) as http:
        responses = await asyncio.gather(
            *(http.post("/v1/chat/completions", json=BODY, headers=headers) for _ in range(CALLS))
        )
    statuses = sorted(response.status_code for response in responses)
    assert statuses.count(200) == AFFORDABLE
    assert statuses.count(402) == CALLS - AFFORDABLE
    refused = next(response for response in responses if response.status_code == 402)
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "wallet.insufficient_tokens"
    for response in responses:
        if response.status_code == 200:
            assert response.json()["usage"]["total_tokens"] == PER_CALL
    assert await balance_of(runtime, owner.tenant_id, owner.user_id) == (0, 0)

    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session:
        states = dict(
            (await session.execute(select(WalletHold.state, func.count()).group_by(WalletHold.state))).all()
        )
        assert states == {HoldState.SETTLED: AFFORDABLE}
        unbalanced = (
            await session.execute(
                select(LedgerEntry.transaction_id)
                .group_by(LedgerEntry.transaction_id)
                .having(func.sum(LedgerEntry.amount) != 0)
            )
        ).all()
        assert unbalanced == []


async def test_an_idempotency_key_charges_once(settings: Settings, runtime: Runtime) -> None:
    owner = await make_member(runtime, "owner@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    await add_deployment(runtime, owner.tenant_id)
    await give_tokens(runtime, owner.tenant_id, owner.user_id, 1000)
    secret = await api_key_for(runtime, owner.tenant_id, owner.user_id)
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "order-42"}
    async with app_client(settings, runtime) as http:
        first = await http.post("/v1/chat/completions", json=BODY, headers=headers)
        again = await http.post("/v1/chat/completions", json=BODY, headers=headers)
        other = await http.post(
            "/v1/chat/completions",
            json={**BODY, "messages": [{"role": "user", "content": "else"}]},
            headers=headers,
        )
    assert first.status_code == again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert (
        again.json()["choices"][0]["message"]["content"] == first.json()["choices"][0]["message"]["content"]
    )
    assert again.json()["usage"] == first.json()["usage"]
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key.reused"
    assert await balance_of(runtime, owner.tenant_id, owner.user_id) == (1000 - PER_CALL, 0)


async def test_running_low_and_out_leave_events_in_the_outbox(settings: Settings, runtime: Runtime) -> None:
    from athanor.outbox.models import OutboxEvent
    from athanor.wallet import service as wallet
    from athanor.wallet.models import AccountKind

    owner = await make_member(runtime, "owner@example.com", tenant_name="Acme")
    assert owner.tenant_id is not None
    await add_deployment(runtime, owner.tenant_id)
    await give_tokens(runtime, owner.tenant_id, owner.user_id, 2 * PER_CALL)
    async with (
        runtime.db.session(DbScope.for_tenant(owner.tenant_id, owner.user_id)) as session,
        session.begin(),
    ):
        holder = await wallet.account(session, AccountKind.USER, owner.user_id)
        holder.low_balance_threshold = PER_CALL
    secret = await api_key_for(runtime, owner.tenant_id, owner.user_id)
    async with app_client(settings, runtime) as http:
        for _ in range(2):
            answer = await http.post(
                "/v1/chat/completions", json=BODY, headers={"Authorization": f"Bearer {secret}"}
            )
            assert answer.status_code == 200
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session:
        topics = (await session.scalars(select(OutboxEvent.topic).order_by(OutboxEvent.id))).all()
    wallet_topics = [topic for topic in topics if topic.startswith("wallet.")]
    assert wallet_topics == ["wallet.low_balance", "wallet.depleted"]
    assert topics.count("execution.finished") == 2
