"""Ledger operations. Every one runs inside the caller's transaction, locks the accounts
it moves (in id order, so two operations never deadlock), replays its first result when
its idempotency key comes back, and writes entries that sum to zero."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.db.base import new_id
from athanor.db.types import utcnow
from athanor.outbox import service as outbox
from athanor.wallet import posting
from athanor.wallet.exceptions import (
    HoldNotOpen,
    IdempotencyKeyReused,
    InsufficientTokens,
    RefundTooLarge,
    TransactionNotFound,
)
from athanor.wallet.models import (
    AccountKind,
    HoldState,
    LedgerEntry,
    LedgerTransaction,
    TokenLot,
    TransactionKind,
    WalletAccount,
    WalletHold,
)
from athanor.wallet.posting import Movement

DEFAULT_HOLD_TTL = timedelta(minutes=15)


def request_hash(**parameters: object) -> str:
    return hashlib.sha256(orjson.dumps(parameters, default=str, option=orjson.OPT_SORT_KEYS)).hexdigest()


# Accounts


async def account(
    session: AsyncSession, kind: AccountKind, user_id: uuid.UUID | None = None
) -> WalletAccount:
    """The tenant's account of this kind (and user), opened on first use."""
    statement = select(WalletAccount).where(WalletAccount.kind == kind, WalletAccount.user_id.is_(None))
    if user_id is not None:
        statement = select(WalletAccount).where(WalletAccount.kind == kind, WalletAccount.user_id == user_id)
    found = await session.scalar(statement)
    if found is not None:
        return found
    try:
        async with session.begin_nested():
            created = WalletAccount(kind=kind, user_id=user_id)
            session.add(created)
        return created
    except IntegrityError:
        # Another request opened it first.
        return (await session.scalars(statement)).one()


async def _lock(session: AsyncSession, accounts: Sequence[WalletAccount]) -> None:
    """Row locks in id order; on SQLite the transaction already holds the write lock."""
    ids = sorted({item.id for item in accounts})
    await session.execute(
        select(WalletAccount).where(WalletAccount.id.in_(ids)).order_by(WalletAccount.id).with_for_update(),
        execution_options={"populate_existing": True},
    )


async def _replayed(session: AsyncSession, key: str, digest: str) -> LedgerTransaction | None:
    done = await session.scalar(select(LedgerTransaction).where(LedgerTransaction.idempotency_key == key))
    if done is not None and done.request_hash != digest:
        raise IdempotencyKeyReused()
    return done


# Moving tokens


async def _post(
    session: AsyncSession,
    *,
    kind: TransactionKind,
    key: str,
    digest: str,
    movements: Sequence[Movement],
    memo: str = "",
    reference: tuple[str, uuid.UUID] | None = None,
    actor_id: uuid.UUID | None = None,
    details: dict[str, object] | None = None,
    carry_expiry: bool = False,
) -> LedgerTransaction:
    """Write one balanced transaction: entries, cached balances, lots and events (the
    arithmetic is `posting.post`)."""
    transaction = LedgerTransaction(
        id=new_id(),
        kind=kind,
        idempotency_key=key,
        request_hash=digest,
        memo=memo,
        reference_type=reference[0] if reference else None,
        reference_id=reference[1] if reference else None,
        actor_id=actor_id,
        details=details or {},
    )
    session.add(transaction)
    # Entries and lots reference it; without ORM relationships the flush order is not implied.
    await session.flush()
    lots = {holder.id: await _open_lots(session, holder.id) for holder in posting.needs_lots(movements)}
    written = posting.post(
        movements, transaction.id, lambda holder: lots[holder.id], carry_expiry=carry_expiry
    )
    session.add_all([LedgerEntry(**entry) for entry in written.entries])
    session.add_all([TokenLot(**lot) for lot in written.new_lots])
    for topic, tenant_id, payload in written.events:
        outbox.emit(session, topic, tenant_id=tenant_id, payload=payload)
    return transaction


async def _open_lots(session: AsyncSession, account_id: uuid.UUID) -> Sequence[TokenLot]:
    """An account's lots with tokens left, in the order they are spent: soonest expiry first."""
    return (
        await session.scalars(
            select(TokenLot)
            .where(TokenLot.account_id == account_id, TokenLot.remaining > 0)
            .order_by(TokenLot.expires_at.is_(None), TokenLot.expires_at, TokenLot.id)
        )
    ).all()


async def grant(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    amount: int,
    idempotency_key: str,
    expires_at: datetime | None = None,
    memo: str = "",
    actor_id: uuid.UUID | None = None,
) -> LedgerTransaction:
    """Tokens from the tenant's grants account to a member (a level's allowance)."""
    digest = request_hash(op="grant", user=user_id, amount=amount, expires=expires_at)
    source = await account(session, AccountKind.GRANTS)
    target = await account(session, AccountKind.USER, user_id)
    await _lock(session, [source, target])
    if done := await _replayed(session, idempotency_key, digest):
        return done
    return await _post(
        session,
        kind=TransactionKind.GRANT,
        key=idempotency_key,
        digest=digest,
        movements=[Movement(source, -amount), Movement(target, amount, expires_at)],
        memo=memo,
        actor_id=actor_id,
        details={"expires_at": expires_at.isoformat() if expires_at else None},
    )


async def top_up(
    session: AsyncSession,
    *,
    target: WalletAccount,
    amount: int,
    idempotency_key: str,
    memo: str = "",
    actor_id: uuid.UUID | None = None,
) -> LedgerTransaction:
    """Purchased tokens into a member's wallet or the tenant pool; they do not expire."""
    digest = request_hash(op="top_up", account=target.id, amount=amount)
    source = await account(session, AccountKind.PURCHASES)
    await _lock(session, [source, target])
    if done := await _replayed(session, idempotency_key, digest):
        return done
    return await _post(
        session,
        kind=TransactionKind.TOP_UP,
        key=idempotency_key,
        digest=digest,
        movements=[Movement(source, -amount), Movement(target, amount)],
        memo=memo,
        actor_id=actor_id,
    )


async def transfer(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    amount: int,
    idempotency_key: str,
    memo: str = "",
    actor_id: uuid.UUID | None = None,
) -> LedgerTransaction:
    """Tokens from the tenant pool to a member; they keep the expiry they had in the pool."""
    digest = request_hash(op="transfer", user=user_id, amount=amount)
    pool = await account(session, AccountKind.POOL)
    target = await account(session, AccountKind.USER, user_id)
    await _lock(session, [pool, target])
    if done := await _replayed(session, idempotency_key, digest):
        return done
    if posting.available(pool) < amount:
        raise InsufficientTokens(params={"needed": amount, "available": max(posting.available(pool), 0)})
    return await _post(
        session,
        kind=TransactionKind.TRANSFER,
        key=idempotency_key,
        digest=digest,
        movements=[Movement(pool, -amount), Movement(target, amount)],
        memo=memo,
        actor_id=actor_id,
        carry_expiry=True,
    )


# Holds around an AI call


async def hold(
    session: AsyncSession,
    *,
    holder: WalletAccount,
    amount: int,
    idempotency_key: str,
    overdraft: int = 0,
    ttl: timedelta = DEFAULT_HOLD_TTL,
    reference_id: uuid.UUID | None = None,
) -> WalletHold:
    """Set `amount` aside, or refuse with 402 when the wallet cannot cover it. The check
    and the write happen under the account's lock, so concurrent calls never overspend."""
    await _lock(session, [holder])
    existing = await session.scalar(select(WalletHold).where(WalletHold.idempotency_key == idempotency_key))
    if existing is not None:
        if existing.account_id != holder.id or existing.amount != amount:
            raise IdempotencyKeyReused()
        return existing
    posting.reserve(holder, amount, overdraft)
    placed = WalletHold(
        id=new_id(),
        account_id=holder.id,
        amount=amount,
        idempotency_key=idempotency_key,
        expires_at=utcnow() + ttl,
        reference_id=reference_id,
    )
    session.add(placed)
    await session.flush()
    return placed


async def _open_hold(session: AsyncSession, hold_id: uuid.UUID) -> tuple[WalletHold, WalletAccount]:
    placed = await session.get_one(WalletHold, hold_id)
    holder = await session.get_one(WalletAccount, placed.account_id)
    await _lock(session, [holder])
    await session.refresh(placed)
    return placed, holder


async def settle(
    session: AsyncSession, *, hold_id: uuid.UUID, used: int, overdraft: int = 0, memo: str = ""
) -> LedgerTransaction | None:
    """Charge the real usage and free the rest of the hold. Usage beyond the hold is
    charged as far as the wallet (and its overdraft) allows, never further; what could
    not be charged is recorded on the transaction. Settling twice returns the first result."""
    placed, holder = await _open_hold(session, hold_id)
    if placed.state is HoldState.SETTLED:
        return (
            await session.get(LedgerTransaction, placed.settle_transaction_id)
            if placed.settle_transaction_id
            else None
        )
    if placed.state is not HoldState.HELD:
        raise HoldNotOpen()
    charge = posting.unreserve(holder, placed.amount, used, overdraft)
    placed.state = HoldState.SETTLED
    placed.settled_amount = charge
    if charge == 0:
        return None
    consumption = await account(session, AccountKind.CONSUMPTION)
    await _lock(session, [consumption])
    transaction = await _post(
        session,
        kind=TransactionKind.SETTLE,
        key=f"settle:{placed.id}",
        digest=request_hash(op="settle", hold=placed.id, used=used),
        movements=[Movement(holder, -charge), Movement(consumption, charge)],
        memo=memo,
        reference=("hold", placed.id),
        details=posting.settle_details(used, charge, placed.amount),
    )
    placed.settle_transaction_id = transaction.id
    return transaction


async def release(session: AsyncSession, *, hold_id: uuid.UUID) -> WalletHold:
    """Give a hold back untouched (the call failed). Releasing twice is harmless."""
    placed, holder = await _open_hold(session, hold_id)
    if placed.state is HoldState.RELEASED:
        return placed
    if placed.state is not HoldState.HELD:
        raise HoldNotOpen()
    holder.held -= placed.amount
    placed.state = HoldState.RELEASED
    return placed


async def refund(
    session: AsyncSession,
    *,
    transaction_id: uuid.UUID,
    amount: int,
    idempotency_key: str,
    memo: str = "",
    actor_id: uuid.UUID | None = None,
) -> LedgerTransaction:
    """Give back (part of) a charge; never more than was charged and not yet refunded."""
    charged = await session.get(LedgerTransaction, transaction_id)
    if charged is None or charged.kind is not TransactionKind.SETTLE:
        raise TransactionNotFound()
    debit = await session.scalar(
        select(LedgerEntry).where(LedgerEntry.transaction_id == charged.id, LedgerEntry.amount < 0)
    )
    assert debit is not None
    holder = await session.get_one(WalletAccount, debit.account_id)
    consumption = await account(session, AccountKind.CONSUMPTION)
    await _lock(session, [holder, consumption])
    digest = request_hash(op="refund", transaction=transaction_id, amount=amount)
    if done := await _replayed(session, idempotency_key, digest):
        return done
    refunded = await session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(
            LedgerTransaction.kind == TransactionKind.REFUND,
            LedgerTransaction.reference_id == charged.id,
            LedgerEntry.account_id == holder.id,
        )
    )
    refundable = -debit.amount - int(refunded or 0)
    if amount > refundable:
        raise RefundTooLarge(params={"refundable": refundable})
    return await _post(
        session,
        kind=TransactionKind.REFUND,
        key=idempotency_key,
        digest=digest,
        movements=[Movement(consumption, -amount), Movement(holder, amount)],
        memo=memo,
        reference=("transaction", charged.id),
        actor_id=actor_id,
    )


# The sweeper


async def expire_holds(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Free holds whose caller never settled them (it crashed): the tokens come back."""
    now = now or utcnow()
    stale = (
        await session.scalars(
            select(WalletHold.id).where(WalletHold.state == HoldState.HELD, WalletHold.expires_at <= now)
        )
    ).all()
    for hold_id in stale:
        placed, holder = await _open_hold(session, hold_id)
        if placed.state is HoldState.HELD:
            holder.held -= placed.amount
            placed.state = HoldState.EXPIRED
    return len(stale)


async def expire_lots(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Move what is left of expired lots to the expired account, one transaction per lot."""
    now = now or utcnow()
    lots = (
        await session.scalars(
            select(TokenLot).where(TokenLot.remaining > 0, TokenLot.expires_at <= now).order_by(TokenLot.id)
        )
    ).all()
    if not lots:
        return 0
    sink = await account(session, AccountKind.EXPIRED)
    for lot in lots:
        holder = await session.get_one(WalletAccount, lot.account_id)
        await _lock(session, [holder, sink])
        await session.refresh(lot)
        amount = lot.remaining
        if amount <= 0:
            continue
        await _post(
            session,
            kind=TransactionKind.EXPIRE,
            key=f"expire:{lot.id}",
            digest=request_hash(op="expire", lot=lot.id),
            movements=[Movement(holder, -amount, lot=lot), Movement(sink, amount)],
            reference=("lot", lot.id),
        )
    return len(lots)


# Reading


@dataclass(frozen=True, slots=True)
class StatementLine:
    entry: LedgerEntry
    transaction: LedgerTransaction


async def statement(
    session: AsyncSession, *, holder: WalletAccount, before: uuid.UUID | None, limit: int
) -> list[StatementLine]:
    """Entries of an account, newest first, with the running balance after each."""
    query = (
        select(LedgerEntry, LedgerTransaction)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerEntry.account_id == holder.id)
        .order_by(LedgerEntry.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(LedgerEntry.id < before)
    return [StatementLine(entry, transaction) for entry, transaction in (await session.execute(query)).all()]
