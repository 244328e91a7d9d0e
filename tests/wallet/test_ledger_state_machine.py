"""A model-based test of the ledger: hypothesis runs random sequences of grants, top-ups,
holds, settlements, releases, refunds, transfers, expiries and repeated idempotency keys
against the wallet service, on each database, and after every step checks the ledger's
invariants and that every balance is what a simple model of the rules predicts.

Each run is a fresh tenant in a migrated database, driven from one event loop of its own.
Times are a fake clock: minutes after the run's start, in steps of 30 minutes.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.auth import service as auth_service
from athanor.db.engine import Database
from athanor.db.scope import DbScope
from athanor.db.types import utcnow
from athanor.tenancy import service as tenancy_service
from athanor.wallet import service as wallet
from athanor.wallet.exceptions import HoldNotOpen, IdempotencyKeyReused, InsufficientTokens, RefundTooLarge
from athanor.wallet.models import AccountKind, HoldState, LedgerEntry, TokenLot, WalletAccount, WalletHold
from tests.conftest import make_settings

T = TypeVar("T")
USERS = ("u0", "u1")
HOLDERS = frozenset({*USERS, "pool"})
AMOUNTS = st.integers(min_value=1, max_value=400)
Operation = Callable[[AsyncSession, int], Awaitable[Any]]


# The model: balances, open holds and lots, following the rules the service documents.


@dataclass
class Lot:
    remaining: int
    expires: int | None  # minutes on the fake clock
    seq: int


@dataclass
class Account:
    balance: int = 0
    held: int = 0
    lots: list[Lot] = field(default_factory=list)
    # How far below zero the balance may go: the largest overdraft a hold was given.
    overdraft: int = 0

    @property
    def available(self) -> int:
        return self.balance - self.held


class Ledger:
    def __init__(self) -> None:
        names = (*HOLDERS, "grants", "purchases", "consumption", "expired")
        self.accounts = {name: Account() for name in names}
        self._seq = itertools.count()

    def _spend(self, account: Account, amount: int) -> list[tuple[int, int | None]]:
        """Soonest expiry first (never-expiring last); past the lots is an overdraft."""
        taken: list[tuple[int, int | None]] = []
        live = sorted(
            (lot for lot in account.lots if lot.remaining > 0),
            key=lambda lot: (lot.expires is None, lot.expires or 0, lot.seq),
        )
        for lot in live:
            if amount <= 0:
                break
            share = min(lot.remaining, amount)
            lot.remaining -= share
            amount -= share
            taken.append((share, lot.expires))
        if amount > 0:
            taken.append((amount, None))
        return taken

    def move(
        self, source: str, target: str, amount: int, *, expires: int | None = None, carry: bool = False
    ) -> None:
        """One transaction: debit first, then the credit (which repays an overdraft first)."""
        shares = self._spend(self.accounts[source], amount) if source in HOLDERS else []
        self.accounts[source].balance -= amount
        credited = self.accounts[target]
        debt = max(0, -credited.balance)
        credited.balance += amount
        if target not in HOLDERS:
            return
        for share, expiry in shares if carry else [(amount, expires)]:
            repaid = min(share, debt)
            debt -= repaid
            credited.lots.append(Lot(share - repaid, expiry, next(self._seq)))

    def expire_lots(self, now: int) -> None:
        for name in HOLDERS:
            for lot in self.accounts[name].lots:
                if lot.remaining > 0 and lot.expires is not None and lot.expires <= now:
                    self.accounts[name].balance -= lot.remaining
                    self.accounts["expired"].balance += lot.remaining
                    lot.remaining = 0


@dataclass
class HoldModel:
    id: uuid.UUID
    user: str
    amount: int
    overdraft: int
    expires: int
    state: HoldState = HoldState.HELD
    settlement: uuid.UUID | None = None


@dataclass
class Charge:
    id: uuid.UUID
    user: str
    amount: int
    refunded: int = 0


@dataclass
class Done:
    """An operation that took an idempotency key, to be sent again."""

    call: Operation
    amount: int
    result_id: uuid.UUID


class LedgerMachine(RuleBasedStateMachine):
    database_url: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.db = Database(self.database_url, pool_size=2)
        self.start = utcnow()
        self.now = 0
        self.tenant_id, self.user_ids = self.run(self._tenant())
        self.model = Ledger()
        self.holds: list[HoldModel] = []
        self.charges: list[Charge] = []
        self.done: list[Done] = []
        self._keys = itertools.count()

    def teardown(self) -> None:
        self.run(self.db.dispose())
        self.loop.close()

    # Plumbing

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def execute(self, operation: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """The operation in one transaction of the run's tenant."""

        async def go() -> T:
            async with self.db.session(DbScope.for_tenant(self.tenant_id)) as session, session.begin():
                return await operation(session)

        return self.run(go())

    async def _tenant(self) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
        async with self.db.session(DbScope.anonymous()) as session, session.begin():
            tag = uuid.uuid4().hex[:12]
            users = {
                name: await auth_service.create_user(
                    session, email=f"{name}-{tag}@example.com", password=None
                )
                for name in USERS
            }
            tenant = await tenancy_service.create_tenant(session, name=f"Ledger {tag}", owner=users["u0"])
        return tenant.id, {name: user.id for name, user in users.items()}

    def key(self) -> str:
        return f"k{next(self._keys)}"

    def at(self, minutes: int | None) -> datetime | None:
        return None if minutes is None else self.start + timedelta(minutes=minutes)

    async def holder(self, session: AsyncSession, name: str) -> WalletAccount:
        if name == "pool":
            return await wallet.account(session, AccountKind.POOL)
        return await wallet.account(session, AccountKind.USER, self.user_ids[name])

    def keyed(self, call: Operation, amount: int) -> Any:
        """Run a keyed operation and remember it for replays."""
        result = self.execute(lambda session: call(session, amount))
        self.done.append(Done(call, amount, result.id))
        return result

    # Rules

    @rule(user=st.sampled_from(USERS), amount=AMOUNTS, hours=st.none() | st.integers(1, 6))
    def grant(self, user: str, amount: int, hours: int | None) -> None:
        expires = None if hours is None else self.now + hours * 60
        key = self.key()

        async def call(session: AsyncSession, tokens: int) -> Any:
            return await wallet.grant(
                session,
                user_id=self.user_ids[user],
                amount=tokens,
                idempotency_key=key,
                expires_at=self.at(expires),
            )

        self.keyed(call, amount)
        self.model.move("grants", user, amount, expires=expires)

    @rule(to=st.sampled_from(sorted(HOLDERS)), amount=AMOUNTS)
    def top_up(self, to: str, amount: int) -> None:
        key = self.key()

        async def call(session: AsyncSession, tokens: int) -> Any:
            return await wallet.top_up(
                session, target=await self.holder(session, to), amount=tokens, idempotency_key=key
            )

        self.keyed(call, amount)
        self.model.move("purchases", to, amount)

    @rule(user=st.sampled_from(USERS), amount=AMOUNTS)
    def transfer(self, user: str, amount: int) -> None:
        key = self.key()

        async def call(session: AsyncSession, tokens: int) -> Any:
            return await wallet.transfer(
                session, user_id=self.user_ids[user], amount=tokens, idempotency_key=key
            )

        if self.model.accounts["pool"].available < amount:
            with pytest.raises(InsufficientTokens):
                self.execute(lambda session: call(session, amount))
            return
        self.keyed(call, amount)
        self.model.move("pool", user, amount, carry=True)

    def _hold(self, user: str, amount: int, hours: int, overdraft: int) -> None:
        key = self.key()
        # The service stamps expiries from the real clock, which starts (a few seconds
        # before) at the fake clock's zero: a ttl up to the fake expiry keeps them aligned.
        expires = self.now + hours * 60

        async def call(session: AsyncSession, tokens: int) -> Any:
            holder = await self.holder(session, user)
            return await wallet.hold(
                session,
                holder=holder,
                amount=tokens,
                idempotency_key=key,
                overdraft=overdraft,
                ttl=timedelta(minutes=expires),
            )

        account = self.model.accounts[user]
        if account.available + overdraft < amount:
            with pytest.raises(InsufficientTokens):
                self.execute(lambda session: call(session, amount))
            return
        placed = self.keyed(call, amount)
        account.held += amount
        account.overdraft = max(account.overdraft, overdraft)
        self.holds.append(HoldModel(placed.id, user, amount, overdraft, expires))

    @rule(user=st.sampled_from(USERS), amount=AMOUNTS, hours=st.integers(1, 4))
    def hold(self, user: str, amount: int, hours: int) -> None:
        self._hold(user, amount, hours, overdraft=0)

    @rule(user=st.sampled_from(USERS), amount=AMOUNTS, overdraft=st.integers(1, 300))
    def hold_with_overdraft(self, user: str, amount: int, overdraft: int) -> None:
        self._hold(user, amount, 1, overdraft=overdraft)

    def _open_holds(self) -> list[HoldModel]:
        return [placed for placed in self.holds if placed.state is HoldState.HELD]

    @precondition(lambda self: self._open_holds())
    @rule(data=st.data(), used=st.sampled_from(["below", "at", "above"]), delta=st.integers(1, 300))
    def settle(self, data: st.DataObject, used: str, delta: int) -> None:
        placed = data.draw(st.sampled_from(self._open_holds()))
        tokens = {
            "below": max(placed.amount - delta, 0),
            "at": placed.amount,
            "above": placed.amount + delta,
        }[used]
        done = self.execute(
            lambda session: wallet.settle(session, hold_id=placed.id, used=tokens, overdraft=placed.overdraft)
        )
        account = self.model.accounts[placed.user]
        account.held -= placed.amount
        charge = max(0, min(tokens, account.available + placed.overdraft))
        placed.state = HoldState.SETTLED
        if charge == 0:
            assert done is None
            return
        assert done is not None
        placed.settlement = done.id
        self.model.move(placed.user, "consumption", charge)
        self.charges.append(Charge(done.id, placed.user, charge))

    @precondition(lambda self: self._open_holds())
    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        placed = data.draw(st.sampled_from(self._open_holds()))
        self.execute(lambda session: wallet.release(session, hold_id=placed.id))
        self.model.accounts[placed.user].held -= placed.amount
        placed.state = HoldState.RELEASED

    @precondition(lambda self: any(placed.state is not HoldState.HELD for placed in self.holds))
    @rule(data=st.data(), again=st.sampled_from(["settle", "release"]))
    def close_a_closed_hold(self, data: st.DataObject, again: str) -> None:
        """Settling twice returns the first result, releasing twice is harmless; any
        other second closing is refused. Nothing moves."""
        placed = data.draw(st.sampled_from([item for item in self.holds if item.state is not HoldState.HELD]))
        same = placed.state is (HoldState.SETTLED if again == "settle" else HoldState.RELEASED)

        async def close(session: AsyncSession) -> Any:
            if again == "settle":
                return await wallet.settle(session, hold_id=placed.id, used=1)
            return await wallet.release(session, hold_id=placed.id)

        if not same:
            with pytest.raises(HoldNotOpen):
                self.execute(close)
            return
        result = self.execute(close)
        if again == "settle":
            assert (result.id if result else None) == placed.settlement

    @precondition(lambda self: self.charges)
    @rule(data=st.data(), extra=st.integers(-100, 50))
    def refund(self, data: st.DataObject, extra: int) -> None:
        charge = data.draw(st.sampled_from(self.charges))
        refundable = charge.amount - charge.refunded
        amount = max(1, refundable + extra)
        key = self.key()

        async def call(session: AsyncSession, tokens: int) -> Any:
            return await wallet.refund(session, transaction_id=charge.id, amount=tokens, idempotency_key=key)

        if amount > refundable:
            with pytest.raises(RefundTooLarge):
                self.execute(lambda session: call(session, amount))
            return
        self.keyed(call, amount)
        charge.refunded += amount
        self.model.move("consumption", charge.user, amount)

    @rule(minutes=st.sampled_from([30, 60, 120, 240, 420]))
    def advance_and_sweep(self, minutes: int) -> None:
        self.now += minutes
        now = self.at(self.now)
        self.execute(lambda session: wallet.expire_holds(session, now=now))
        self.execute(lambda session: wallet.expire_lots(session, now=now))
        for placed in self._open_holds():
            if placed.expires < self.now:
                placed.state = HoldState.EXPIRED
                self.model.accounts[placed.user].held -= placed.amount
        self.model.expire_lots(self.now)

    @precondition(lambda self: self.done)
    @rule(data=st.data(), same=st.booleans())
    def repeat_a_key(self, data: st.DataObject, same: bool) -> None:
        """The same key and parameters return the first result; other parameters are refused."""
        done = data.draw(st.sampled_from(self.done))
        if same:
            again = self.execute(lambda session: done.call(session, done.amount))
            assert again.id == done.result_id
            return
        with pytest.raises(IdempotencyKeyReused):
            self.execute(lambda session: done.call(session, done.amount + 1))

    # Invariants

    @invariant()
    def ledger_holds_together(self) -> None:
        self.run(self._check())

    async def _check(self) -> None:
        async with self.db.session(DbScope.for_tenant(self.tenant_id)) as session, session.begin():
            unbalanced = (
                await session.execute(
                    select(LedgerEntry.transaction_id)
                    .group_by(LedgerEntry.transaction_id)
                    .having(func.sum(LedgerEntry.amount) != 0)
                )
            ).all()
            assert unbalanced == [], "a transaction's entries do not sum to zero"
            entries = dict(
                (
                    await session.execute(
                        select(LedgerEntry.account_id, func.sum(LedgerEntry.amount)).group_by(
                            LedgerEntry.account_id
                        )
                    )
                ).all()
            )
            held = dict(
                (
                    await session.execute(
                        select(WalletHold.account_id, func.sum(WalletHold.amount))
                        .where(WalletHold.state == HoldState.HELD)
                        .group_by(WalletHold.account_id)
                    )
                ).all()
            )
            lots = dict(
                (
                    await session.execute(
                        select(TokenLot.account_id, func.sum(TokenLot.remaining)).group_by(
                            TokenLot.account_id
                        )
                    )
                ).all()
            )
            accounts = (await session.scalars(select(WalletAccount))).all()
            assert not any(lot.remaining < 0 for lot in (await session.scalars(select(TokenLot))).all())
        names = {user_id: name for name, user_id in self.user_ids.items()}
        seen = set()
        for account in accounts:
            name = names[account.user_id] if account.user_id else account.kind.value
            seen.add(name)
            expected = self.model.accounts[name]
            assert account.balance == int(entries.get(account.id, 0)), f"{name}: cached balance != entries"
            assert account.held == int(held.get(account.id, 0)), f"{name}: held != open holds"
            assert (account.balance, account.held) == (expected.balance, expected.held), (
                f"{name} differs from the model"
            )
            if name in HOLDERS:
                assert account.balance >= -expected.overdraft, f"{name} is overdrawn"
                assert int(lots.get(account.id, 0)) == max(account.balance, 0), f"{name}: lots != balance"
        for name in set(self.model.accounts) - seen:
            assert (self.model.accounts[name].balance, self.model.accounts[name].held) == (0, 0), name


@pytest.mark.slow
def test_ledger_state_machine(migrated_source: Path | str, tmp_path: Path) -> None:
    """One machine per database; each example is a fresh tenant."""
    if isinstance(migrated_source, Path):
        shutil.copy(migrated_source, tmp_path / "ledger.db")
        url = f"sqlite+aiosqlite:///{tmp_path / 'ledger.db'}"
    else:
        url = migrated_source
    # The app's own connection: a role under row-level security on PostgreSQL.
    LedgerMachine.database_url = make_settings(url, tmp_path).app_database_url
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=30,
            deadline=None,
            # Every step is a database transaction, so shrinking a failure takes minutes;
            # a failing run prints its steps unshrunk. Add Phase.shrink to minimise one.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
