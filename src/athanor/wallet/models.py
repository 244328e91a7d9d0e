"""The token ledger: accounts, transactions of balanced entries, lots that expire, holds.

Balances derive from entries; `WalletAccount.balance` is a cache of their sum kept in the
same transaction under a row lock, and `held` the sum of open holds.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from athanor.db.base import Base, TenantOwned
from athanor.db.types import EnumText, JsonDocument, UtcDateTime


class AccountKind(StrEnum):
    USER = "user"
    POOL = "pool"  # the tenant's shared pool, from which members are given tokens
    # Counterpart accounts, one of each per tenant: their balances go negative as tokens
    # flow out of them (grants, purchases) or positive as tokens flow in (consumption).
    GRANTS = "grants"
    PURCHASES = "purchases"
    CONSUMPTION = "consumption"
    EXPIRED = "expired"


HOLDER_KINDS = frozenset({AccountKind.USER, AccountKind.POOL})


class WalletAccount(TenantOwned, Base):
    __tablename__ = "wallet_account"
    # NULLS NOT DISTINCT: a tenant has one pool (user_id null), even when two requests race to open it.
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "user_id", postgresql_nulls_not_distinct=True),)

    kind: Mapped[AccountKind] = mapped_column(EnumText(AccountKind, 16))
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("user_account.id", ondelete="CASCADE")
    )
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    held: Mapped[int] = mapped_column(BigInteger, default=0)
    low_balance_threshold: Mapped[int] = mapped_column(BigInteger, default=0)


class TransactionKind(StrEnum):
    GRANT = "grant"
    TOP_UP = "top_up"
    SETTLE = "settle"
    REFUND = "refund"
    TRANSFER = "transfer"
    EXPIRE = "expire"


class LedgerTransaction(TenantOwned, Base):
    __tablename__ = "ledger_transaction"
    __table_args__ = (UniqueConstraint("tenant_id", "idempotency_key"),)

    kind: Mapped[TransactionKind] = mapped_column(EnumText(TransactionKind, 16))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the operation's parameters: the same key with other parameters is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    memo: Mapped[str] = mapped_column(String(500), default="")
    reference_type: Mapped[str | None] = mapped_column(String(32))
    reference_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)


class LedgerEntry(TenantOwned, Base):
    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_account_id_id", "account_id", "id"),)

    transaction_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("ledger_transaction.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("wallet_account.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(BigInteger)
    # The account's balance just after this entry: statements read it as the running balance.
    balance_after: Mapped[int] = mapped_column(BigInteger)


class TokenLot(TenantOwned, Base):
    """Tokens credited to a holder account, spent oldest-expiry first; what is left of
    a lot when it expires is moved to the expired account."""

    __tablename__ = "token_lot"
    __table_args__ = (Index("ix_token_lot_account_expires", "account_id", "expires_at"),)

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("wallet_account.id", ondelete="CASCADE"))
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("ledger_transaction.id", ondelete="CASCADE")
    )
    amount: Mapped[int] = mapped_column(BigInteger)
    remaining: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class HoldState(StrEnum):
    HELD = "held"
    SETTLED = "settled"
    RELEASED = "released"
    EXPIRED = "expired"


class WalletHold(TenantOwned, Base):
    """Tokens set aside before an AI call; settled with the real usage, released on
    failure, or expired by the sweeper when the caller crashed."""

    __tablename__ = "wallet_hold"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_wallet_hold_state_expires", "state", "expires_at"),
    )

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("wallet_account.id", ondelete="CASCADE"))
    amount: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[HoldState] = mapped_column(EnumText(HoldState, 16), default=HoldState.HELD)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    settled_amount: Mapped[int | None] = mapped_column(BigInteger)
    settle_transaction_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    reference_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
