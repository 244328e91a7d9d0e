"""The batched holds and settlements of the AI call path leave the ledger exactly as the
one-at-a-time operations do, and the group commit keeps one caller's failure its own."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from athanor.db.base import new_id
from athanor.db.groupcommit import GroupCommit
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.outbox.models import OutboxEvent
from athanor.runtime import Runtime
from athanor.tenancy.models import Role
from athanor.wallet import batch
from athanor.wallet import service as wallet
from athanor.wallet.batch import NewHold, Settlement
from athanor.wallet.exceptions import InsufficientTokens
from athanor.wallet.models import AccountKind, LedgerEntry, TokenLot, WalletAccount, WalletHold
from tests.builders import Member, make_member

# (held, used): settled within the hold, beyond it, exactly, and released.
CALLS = [(300, 120), (200, 450), (100, 100), (250, 0)]


@pytest.fixture
async def owner(runtime: Runtime) -> Member:
    return await make_member(runtime, "ada@example.com", tenant_name="Acme")


async def _member_with_lots(runtime: Runtime, owner: Member, email: str) -> uuid.UUID:
    """A member with three lots: expiring soon, later, and never."""
    member = await make_member(runtime, email, tenant_id=owner.tenant_id, role=Role.MEMBER)
    assert owner.tenant_id is not None
    async with runtime.db.session(DbScope.for_tenant(owner.tenant_id)) as session, session.begin():
        for days, amount in [(1, 200), (5, 300), (None, 500)]:
            await wallet.grant(
                session,
                user_id=member.user_id,
                amount=amount,
                idempotency_key=f"grant:{email}:{days}",
                expires_at=utcnow() + timedelta(days=days) if days else None,
            )
        # Low enough to cross: the charges below raise a low-balance event.
        holder = await wallet.account(session, AccountKind.USER, member.user_id)
        holder.low_balance_threshold = 400
    return member.user_id


async def _ledger_of(runtime: Runtime, tenant_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, Any]:
    async with runtime.db.session(DbScope.for_tenant(tenant_id)) as session:
        holder = await wallet.account(session, AccountKind.USER, user_id)
        lots = (
            await session.scalars(
                select(TokenLot.remaining).where(TokenLot.account_id == holder.id).order_by(TokenLot.id)
            )
        ).all()
        entries = (
            await session.execute(
                select(LedgerEntry.amount, LedgerEntry.balance_after)
                .where(LedgerEntry.account_id == holder.id)
                .order_by(LedgerEntry.id)
            )
        ).all()
        holds = (
            await session.execute(
                select(WalletHold.state, WalletHold.settled_amount)
                .where(WalletHold.account_id == holder.id)
                .order_by(WalletHold.id)
            )
        ).all()
        events = (
            await session.scalars(
                select(OutboxEvent.topic)
                .where(OutboxEvent.payload["account_id"].as_string() == str(holder.id))
                .order_by(OutboxEvent.id)
            )
        ).all()
        return {
            "balance": holder.balance,
            "held": holder.held,
            "lots": list(lots),
            "entries": [tuple(row) for row in entries],
            "holds": [tuple(row) for row in holds],
            "events": list(events),
        }


async def test_batched_settlements_write_what_single_ones_do(runtime: Runtime, owner: Member) -> None:
    assert owner.tenant_id is not None
    tenant = owner.tenant_id
    one_by_one = await _member_with_lots(runtime, owner, "one@example.com")
    batched = await _member_with_lots(runtime, owner, "many@example.com")

    for index, (held, used) in enumerate(CALLS):
        async with runtime.db.session(DbScope.for_tenant(tenant)) as session, session.begin():
            holder = await wallet.account(session, AccountKind.USER, one_by_one)
            placed = await wallet.hold(session, holder=holder, amount=held, idempotency_key=f"one:{index}")
            if used:
                await wallet.settle(session, hold_id=placed.id, used=used)
            else:
                await wallet.release(session, hold_id=placed.id)

    async with runtime.db.session(DbScope.for_tenant(tenant)) as session, session.begin():
        holder_id = (await wallet.account(session, AccountKind.USER, batched)).id
        consumption_id = (await wallet.account(session, AccountKind.CONSUMPTION)).id
    hold_ids = [new_id() for _ in CALLS]
    async with runtime.db.session(DbScope.for_tenant(tenant)) as session, session.begin():
        connection = await session.connection()
        accounts = await batch.locked_accounts(connection, [holder_id])
        refused = await batch.place_holds(
            connection,
            accounts,
            [
                NewHold(
                    hold_id=hold_id,
                    account_id=holder_id,
                    amount=held,
                    overdraft=0,
                    idempotency_key=f"many:{n}",
                )
                for n, (hold_id, (held, _used)) in enumerate(zip(hold_ids, CALLS, strict=True))
            ],
        )
        assert refused == [None] * len(CALLS)
    async with runtime.db.session(DbScope.for_tenant(tenant)) as session, session.begin():
        connection = await session.connection()
        accounts = await batch.locked_accounts(connection, [holder_id, consumption_id])
        settled = await batch.settle_holds(
            connection,
            accounts,
            accounts[consumption_id],
            [
                Settlement(hold_id=hold_id, account_id=holder_id, used=used, overdraft=0)
                for hold_id, (_held, used) in zip(hold_ids, CALLS, strict=True)
            ],
        )
    assert [item.charged for item in settled] == [120, 450, 100, 0]
    assert settled[-1].available == 1000 - 670

    expected = await _ledger_of(runtime, tenant, one_by_one)
    assert (expected["balance"], expected["held"]) == (330, 0)
    assert expected["events"] == ["wallet.low_balance"]
    assert await _ledger_of(runtime, tenant, batched) == expected


async def test_a_refused_or_failing_operation_stays_its_callers(runtime: Runtime, owner: Member) -> None:
    """Concurrent holds share transactions; the one the wallet cannot cover gets its 402,
    the one whose account does not exist fails alone, and the others are placed."""
    assert owner.tenant_id is not None
    tenant = owner.tenant_id
    async with runtime.db.session(DbScope.for_tenant(tenant)) as session, session.begin():
        holder = await wallet.account(session, AccountKind.USER, owner.user_id)
        await wallet.top_up(session, target=holder, amount=1000, idempotency_key="top-up")
        holder_id = holder.id

    batches: list[int] = []

    async def place(connection: Any, holds: Any) -> list[Any]:
        batches.append(len(holds))
        accounts = await batch.locked_accounts(connection, [item.account_id for item in holds])
        return await batch.place_holds(connection, accounts, holds)

    group: GroupCommit[NewHold, None] = GroupCommit(runtime.db, place)

    def hold(amount: int, account_id: uuid.UUID = holder_id) -> NewHold:
        return NewHold(
            hold_id=uuid.uuid4(),
            account_id=account_id,
            amount=amount,
            overdraft=0,
            idempotency_key=str(uuid.uuid4()),
        )

    wanted = [hold(100) for _ in range(8)] + [hold(5000), hold(100, account_id=uuid.uuid4())]
    outcomes = await asyncio.gather(*(group.run(tenant, item) for item in wanted), return_exceptions=True)
    await group.close()

    assert outcomes[:8] == [None] * 8
    assert isinstance(outcomes[8], InsufficientTokens)
    assert isinstance(outcomes[9], KeyError)
    # All ten shared one transaction; when the bad one sank it, each was retried alone.
    assert batches == [len(wanted)] + [1] * len(wanted)
    async with runtime.db.session(DbScope.for_tenant(tenant)) as session:
        account = await session.get_one(WalletAccount, holder_id)
        assert account.held == 800
        placed = await session.scalars(select(WalletHold.amount).where(WalletHold.account_id == holder_id))
        assert sorted(placed) == [100] * 8
