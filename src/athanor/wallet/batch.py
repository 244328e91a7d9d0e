"""Holds and settlements of many calls in one transaction, through Core statements.

The hot path of every AI call places a hold before the provider is called and settles it
after. Done one by one through the ORM that is a dozen statements a call; here a batch
locks its accounts once (in id order, like every wallet operation, so nothing deadlocks),
reads the holds and lots it needs in one query each, applies the same arithmetic as the
one-at-a-time operations (`posting`), and writes each table with one executemany.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from athanor.core.errors import AppError
from athanor.db.base import new_id
from athanor.db.bulk import insert_many, update_many
from athanor.db.types import utcnow
from athanor.outbox import service as outbox
from athanor.wallet import posting
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
from athanor.wallet.service import DEFAULT_HOLD_TTL, request_hash

ACCOUNTS = WalletAccount.__table__
HOLDS = WalletHold.__table__
LOTS = TokenLot.__table__


@dataclass(slots=True)
class AccountRow:
    id: uuid.UUID
    tenant_id: uuid.UUID
    kind: AccountKind
    user_id: uuid.UUID | None
    balance: int
    held: int
    low_balance_threshold: int


@dataclass(slots=True)
class LotRow:
    id: uuid.UUID
    remaining: int
    expires_at: datetime | None


@dataclass(slots=True)
class HoldRow:
    id: uuid.UUID
    account_id: uuid.UUID
    amount: int
    state: HoldState
    settled_amount: int | None
    settle_transaction_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class NewHold:
    hold_id: uuid.UUID
    account_id: uuid.UUID
    amount: int
    overdraft: int
    idempotency_key: str
    reference_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Settlement:
    """Settle a hold with the tokens used; nothing used releases it."""

    hold_id: uuid.UUID
    account_id: uuid.UUID
    used: int
    overdraft: int


@dataclass(frozen=True, slots=True)
class Settled:
    charged: int
    # The holder's tokens available afterwards.
    available: int


async def locked_accounts(
    connection: AsyncConnection, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, AccountRow]:
    """The accounts, row-locked in id order (on SQLite the transaction holds the write lock)."""
    rows = await connection.execute(
        select(
            ACCOUNTS.c.id,
            ACCOUNTS.c.tenant_id,
            ACCOUNTS.c.kind,
            ACCOUNTS.c.user_id,
            ACCOUNTS.c.balance,
            ACCOUNTS.c.held,
            ACCOUNTS.c.low_balance_threshold,
        )
        .where(ACCOUNTS.c.id.in_(sorted(set(ids))))
        .order_by(ACCOUNTS.c.id)
        .with_for_update()
    )
    return {row.id: AccountRow(*row) for row in rows}


async def place_holds(
    connection: AsyncConnection, accounts: dict[uuid.UUID, AccountRow], holds: Sequence[NewHold]
) -> list[AppError | None]:
    """Reserve each hold in order against the locked accounts; a hold the wallet cannot
    cover is refused (402) and the others go on."""
    outcomes: list[AppError | None] = []
    placed = []
    expires_at = utcnow() + DEFAULT_HOLD_TTL
    for item in holds:
        try:
            posting.reserve(accounts[item.account_id], item.amount, item.overdraft)
        except AppError as refused:
            outcomes.append(refused)
            continue
        outcomes.append(None)
        placed.append(
            {
                "id": item.hold_id,
                "tenant_id": accounts[item.account_id].tenant_id,
                "account_id": item.account_id,
                "amount": item.amount,
                "state": HoldState.HELD,
                "idempotency_key": item.idempotency_key,
                "expires_at": expires_at,
                "reference_id": item.reference_id,
            }
        )
    await _write_accounts(connection, accounts.values())
    await insert_many(connection, WalletHold, placed)
    return outcomes


@dataclass(slots=True)
class _Writes:
    transactions: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    new_lots: list[dict[str, Any]] = field(default_factory=list)
    spent_lots: dict[uuid.UUID, posting.Lot] = field(default_factory=dict)
    events: list[tuple[str, uuid.UUID, dict[str, Any]]] = field(default_factory=list)


async def settle_holds(
    connection: AsyncConnection,
    accounts: dict[uuid.UUID, AccountRow],
    consumption: AccountRow,
    settlements: Sequence[Settlement],
) -> list[Settled]:
    """Settle or release each hold, as `service.settle` / `service.release` would. A hold
    the sweeper already expired (or a repeated settlement) charges nothing more."""
    holds = await _holds(connection, [item.hold_id for item in settlements])
    lots = await _open_lots(connection, {item.account_id for item in settlements if item.used > 0})
    writes = _Writes()
    outcomes = []
    for item in settlements:
        found = holds[item.hold_id]
        holder = accounts[found.account_id]
        if found.state == HoldState.HELD:
            _settle(found, holder, consumption, item, lots, writes)
        outcomes.append(
            Settled(charged=found.settled_amount or 0, available=posting.available(holder, item.overdraft))
        )
    await _write_accounts(connection, accounts.values())
    await update_many(
        connection,
        WalletHold,
        [
            {
                "id": row.id,
                "state": row.state,
                "settled_amount": row.settled_amount,
                "settle_transaction_id": row.settle_transaction_id,
            }
            for row in holds.values()
        ],
    )
    await insert_many(connection, LedgerTransaction, writes.transactions)
    await insert_many(connection, LedgerEntry, writes.entries)
    await update_many(
        connection,
        TokenLot,
        [{"id": lot.id, "remaining": lot.remaining} for lot in writes.spent_lots.values()],
    )
    await insert_many(connection, TokenLot, writes.new_lots)
    await outbox.emit_many(connection, writes.events)
    return outcomes


def _settle(
    found: HoldRow,
    holder: AccountRow,
    consumption: AccountRow,
    item: Settlement,
    lots: dict[uuid.UUID, list[LotRow]],
    writes: _Writes,
) -> None:
    charge = posting.unreserve(holder, found.amount, item.used, item.overdraft)
    found.state = HoldState.SETTLED if item.used > 0 else HoldState.RELEASED
    if item.used > 0:
        found.settled_amount = charge
    if charge == 0:
        return
    transaction_id = new_id()
    writes.transactions.append(
        {
            "id": transaction_id,
            "tenant_id": holder.tenant_id,
            "kind": TransactionKind.SETTLE,
            "idempotency_key": f"settle:{found.id}",
            "request_hash": request_hash(op="settle", hold=found.id, used=item.used),
            "memo": "",
            "reference_type": "hold",
            "reference_id": found.id,
            "actor_id": None,
            "details": posting.settle_details(item.used, charge, found.amount),
        }
    )
    written = posting.post(
        [Movement(holder, -charge), Movement(consumption, charge)],
        transaction_id,
        lambda account: lots.get(account.id, []),
    )
    found.settle_transaction_id = transaction_id
    writes.entries += written.entries
    writes.new_lots += written.new_lots
    writes.spent_lots.update({lot.id: lot for lot in written.spent_lots})
    writes.events += written.events


async def _holds(connection: AsyncConnection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, HoldRow]:
    rows = await connection.execute(
        select(
            HOLDS.c.id,
            HOLDS.c.account_id,
            HOLDS.c.amount,
            HOLDS.c.state,
            HOLDS.c.settled_amount,
            HOLDS.c.settle_transaction_id,
        ).where(HOLDS.c.id.in_(ids))
    )
    return {row.id: HoldRow(*row) for row in rows}


async def _open_lots(
    connection: AsyncConnection, account_ids: set[uuid.UUID]
) -> dict[uuid.UUID, list[LotRow]]:
    """Open lots per account, in the order they are spent (as `service._open_lots`)."""
    if not account_ids:
        return {}
    rows = await connection.execute(
        select(LOTS.c.account_id, LOTS.c.id, LOTS.c.remaining, LOTS.c.expires_at)
        .where(LOTS.c.account_id.in_(account_ids), LOTS.c.remaining > 0)
        .order_by(LOTS.c.expires_at.is_(None), LOTS.c.expires_at, LOTS.c.id)
    )
    lots: dict[uuid.UUID, list[LotRow]] = {}
    for row in rows:
        lots.setdefault(row.account_id, []).append(LotRow(row.id, row.remaining, row.expires_at))
    return lots


async def _write_accounts(connection: AsyncConnection, accounts: Iterable[AccountRow]) -> None:
    await update_many(
        connection,
        WalletAccount,
        [{"id": row.id, "balance": row.balance, "held": row.held} for row in accounts],
    )
