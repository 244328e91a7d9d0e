"""The ledger's arithmetic, apart from how rows are read and written.

The same rules serve the ORM operations in `service` (one at a time) and the batched
ones in `batch` (many per transaction): what a posting debits and credits, which lots it
spends, the entries with their running balances, and the low-balance events. Accounts and
lots are anything with the attributes below (ORM rows, or plain rows read by Core); they
are changed in place, and the rows to insert are returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from athanor.wallet.exceptions import InsufficientTokens
from athanor.wallet.models import HOLDER_KINDS, AccountKind


class Account(Protocol):
    balance: int
    held: int

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def tenant_id(self) -> uuid.UUID: ...
    @property
    def kind(self) -> AccountKind: ...
    @property
    def user_id(self) -> uuid.UUID | None: ...
    @property
    def low_balance_threshold(self) -> int: ...


class Lot(Protocol):
    remaining: int

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def expires_at(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class Movement:
    account: Account
    amount: int
    # For credits to a holder account: when the credited tokens expire.
    expires_at: datetime | None = None
    # For a debit that must come out of one lot (its expiry), not the soonest-expiring ones.
    lot: Lot | None = None


@dataclass(slots=True)
class Posting:
    """What one balanced transaction writes besides the accounts it changed."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    new_lots: list[dict[str, Any]] = field(default_factory=list)
    spent_lots: list[Lot] = field(default_factory=list)
    # (topic, tenant_id, payload) for the outbox.
    events: list[tuple[str, uuid.UUID, dict[str, Any]]] = field(default_factory=list)


def available(account: Account, overdraft: int = 0) -> int:
    return account.balance - account.held + overdraft


def needs_lots(movements: Sequence[Movement]) -> list[Account]:
    """The holder accounts whose lots a posting spends (their lots must be at hand)."""
    return [
        item.account
        for item in movements
        if item.account.kind in HOLDER_KINDS and item.amount < 0 and item.lot is None
    ]


def post(
    movements: Sequence[Movement],
    transaction_id: uuid.UUID,
    lots_of: Callable[[Account], Sequence[Lot]],
    *,
    carry_expiry: bool = False,
) -> Posting:
    """Apply one balanced transaction. Debits run first and spend lots soonest-expiry
    first (`lots_of` gives an account's open lots in that order); with `carry_expiry` (a
    transfer) the credited tokens keep the expiries of the lots they came from."""
    if sum(item.amount for item in movements) != 0:
        raise ValueError("a transaction's entries must sum to zero")
    posting = Posting()
    spent: list[tuple[int, datetime | None]] = []
    for movement in sorted(movements, key=lambda item: item.amount >= 0):
        account = movement.account
        holder = account.kind in HOLDER_KINDS
        before = account.balance
        if holder and movement.amount < 0 and movement.lot is not None:
            movement.lot.remaining += movement.amount
            posting.spent_lots.append(movement.lot)
            spent.append((-movement.amount, movement.lot.expires_at))
        elif holder and movement.amount < 0:
            spent += _spend_lots(lots_of(account), -movement.amount, posting)
        account.balance = before + movement.amount
        if holder and movement.amount > 0:
            shares = spent if carry_expiry else [(movement.amount, movement.expires_at)]
            posting.new_lots += _credit_lots(account, transaction_id, shares, debt=max(0, -before))
        posting.entries.append(
            {
                "tenant_id": account.tenant_id,
                "transaction_id": transaction_id,
                "account_id": account.id,
                "amount": movement.amount,
                "balance_after": account.balance,
            }
        )
        if holder and movement.amount < 0:
            posting.events += _balance_events(account, before)
    return posting


def _spend_lots(lots: Sequence[Lot], amount: int, posting: Posting) -> list[tuple[int, datetime | None]]:
    """Draw `amount` from the lots, in order; returns what was taken from each (amount,
    expiry). Past the lots (an overdraft) nothing is taken."""
    taken: list[tuple[int, datetime | None]] = []
    for lot in lots:
        if amount <= 0:
            break
        if lot.remaining <= 0:
            continue
        share = min(lot.remaining, amount)
        lot.remaining -= share
        amount -= share
        posting.spent_lots.append(lot)
        taken.append((share, lot.expires_at))
    if amount > 0:
        taken.append((amount, None))
    return taken


def _credit_lots(
    holder: Account,
    transaction_id: uuid.UUID,
    shares: Sequence[tuple[int, datetime | None]],
    *,
    debt: int,
) -> list[dict[str, Any]]:
    """Credits first repay an overdraft; what is left becomes lots that can expire."""
    lots = []
    for amount, expires_at in shares:
        repaid = min(amount, debt)
        debt -= repaid
        lots.append(
            {
                "tenant_id": holder.tenant_id,
                "account_id": holder.id,
                "transaction_id": transaction_id,
                "amount": amount,
                "remaining": amount - repaid,
                "expires_at": expires_at,
            }
        )
    return lots


def _balance_events(holder: Account, before: int) -> list[tuple[str, uuid.UUID, dict[str, Any]]]:
    after = holder.balance
    payload: dict[str, Any] = {
        "account_id": str(holder.id),
        "user_id": str(holder.user_id) if holder.user_id else None,
        "balance": after,
    }
    if before > 0 >= after:
        return [("wallet.depleted", holder.tenant_id, payload)]
    if before > holder.low_balance_threshold >= after:
        return [("wallet.low_balance", holder.tenant_id, payload)]
    return []


# Holds


def reserve(holder: Account, amount: int, overdraft: int) -> None:
    """Set `amount` aside, or refuse with 402 when the wallet cannot cover it."""
    room = available(holder, overdraft)
    if room < amount:
        raise InsufficientTokens(params={"needed": amount, "available": max(room, 0)})
    holder.held += amount


def unreserve(holder: Account, held: int, used: int, overdraft: int) -> int:
    """Free a hold of `held` and return what of `used` the wallet can be charged: usage
    beyond the hold is charged as far as the wallet (and its overdraft) allows, never
    further."""
    holder.held -= held
    return max(0, min(used, available(holder, overdraft)))


def settle_details(used: int, charge: int, held: int) -> dict[str, Any]:
    return {"used": used, "uncharged": used - charge, "held": held}
