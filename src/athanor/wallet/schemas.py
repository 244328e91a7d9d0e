"""API shapes of wallets: balances, statements and the token movements admins make."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from athanor.core.schemas import JSON_INTEGER, Input, Output
from athanor.wallet.models import AccountKind, TransactionKind

Amount = Annotated[int, Field(ge=1, le=10**12, description="Tokens"), JSON_INTEGER]
Memo = Annotated[str, Field(max_length=500)]


class WalletRead(Output):
    account_id: uuid.UUID
    kind: AccountKind
    user_id: uuid.UUID | None
    balance: int
    held: int = Field(description="Set aside for calls in flight")
    available: int = Field(description="balance - held")


class StatementLine(Output):
    id: uuid.UUID = Field(description="The entry")
    transaction_id: uuid.UUID
    kind: TransactionKind
    amount: int = Field(description="Positive in, negative out")
    balance_after: int
    memo: str
    reference_type: str | None
    reference_id: uuid.UUID | None
    created_at: datetime


class TopUp(Input):
    """Tokens credited by an admin (purchases come with payments, later)."""

    amount: Amount
    target: Literal["pool", "me"] | uuid.UUID = Field(description='"pool", "me" or a member\'s user id')
    memo: Memo = ""


class Transfer(Input):
    """Tokens from the tenant pool to a member."""

    user_id: uuid.UUID
    amount: Amount
    memo: Memo = ""


class Refund(Input):
    """Give back (part of) a charge."""

    transaction_id: uuid.UUID
    amount: Amount
    memo: Memo = ""


class EntryRead(Output):
    account_id: uuid.UUID
    account_kind: AccountKind
    user_id: uuid.UUID | None
    amount: int
    balance_after: int


class TransactionRead(Output):
    id: uuid.UUID
    kind: TransactionKind
    memo: str
    reference_type: str | None
    reference_id: uuid.UUID | None
    created_at: datetime
    entries: list[EntryRead]
