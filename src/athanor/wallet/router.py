"""Wallets of the caller's tenant: the caller's own, the tenant pool, and the movements
admins make. Every movement takes an `Idempotency-Key` header: the same key with the same
body returns the first result, with another body it is refused (409)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import DbSession, require
from athanor.access.principal import Principal
from athanor.audit import service as audit
from athanor.core.errors import AppError, problem_responses
from athanor.core.i18n import _
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, decode_cursor, page_of
from athanor.core.routing import StrictJsonRoute
from athanor.db.types import utcnow
from athanor.tenancy import service as tenancy_service
from athanor.tenancy.exceptions import MemberNotFound
from athanor.tenancy.permissions import Permission
from athanor.wallet import posting, service
from athanor.wallet.models import AccountKind, LedgerEntry, LedgerTransaction, WalletAccount
from athanor.wallet.schemas import (
    EntryRead,
    Refund,
    StatementLine,
    TopUp,
    TransactionRead,
    Transfer,
    WalletRead,
)

MAX_IDEMPOTENCY_KEY = 200
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/wallet",
    tags=["wallet"],
    responses=problem_responses(400, 401, 402, 403, 404, 409, 422, 429),
)

Reader = Annotated[Principal, Depends(require(Permission.WALLET_READ))]
Manager = Annotated[Principal, Depends(require(Permission.WALLET_MANAGE))]


class IdempotencyKeyMissing(AppError):
    code = "idempotency_key.missing"
    message = _("Send an Idempotency-Key header with this request.")


class IdempotencyKeyTooLong(AppError):
    code = "idempotency_key.too_long"
    message = _("The Idempotency-Key header is longer than {limit} characters.")


def idempotency_key(request: Request) -> str:
    """The ledger key for the client's Idempotency-Key. Hashed and prefixed, so a client
    key can never collide with the keys the platform derives itself (settle:..., level-grant:...)."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None or not key.strip():
        raise IdempotencyKeyMissing()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise IdempotencyKeyTooLong(params={"limit": MAX_IDEMPOTENCY_KEY})
    return "api:" + hashlib.sha256(key.encode()).hexdigest()


# Read by hand above, to answer its absence with a 400 problem of its own; documented here.
KEYED = {
    "parameters": [
        {
            "name": IDEMPOTENCY_HEADER,
            "in": "header",
            "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY, "pattern": r"\S"},
            "description": "A unique value per operation (a UUID, say); a retry sends the same one",
        }
    ]
}
IdempotencyKey = Annotated[str, Depends(idempotency_key)]


def _tenant(principal: Principal) -> uuid.UUID:
    assert principal.tenant_id is not None  # require() admitted a tenant member
    return principal.tenant_id


def _wallet_read(account: WalletAccount) -> WalletRead:
    return WalletRead(
        account_id=account.id,
        kind=account.kind,
        user_id=account.user_id,
        balance=account.balance,
        held=account.held,
        available=posting.available(account),
    )


async def _statement(
    session: AsyncSession, holder: WalletAccount, cursor: str | None, limit: int
) -> Page[StatementLine]:
    before = decode_cursor(cursor) if cursor else None
    lines = await service.statement(session, holder=holder, before=before, limit=limit + 1)

    def build(line: service.StatementLine) -> StatementLine:
        entry, transaction = line.entry, line.transaction
        return StatementLine(
            id=entry.id,
            transaction_id=transaction.id,
            kind=transaction.kind,
            amount=entry.amount,
            balance_after=entry.balance_after,
            memo=transaction.memo,
            reference_type=transaction.reference_type,
            reference_id=transaction.reference_id,
            created_at=entry.created_at,
        )

    return Page[StatementLine].model_validate(page_of(lines, limit, build, id_of=lambda line: line.entry.id))


async def _transaction_read(session: AsyncSession, transaction: LedgerTransaction) -> TransactionRead:
    rows = await session.execute(
        select(LedgerEntry, WalletAccount)
        .join(WalletAccount, WalletAccount.id == LedgerEntry.account_id)
        .where(LedgerEntry.transaction_id == transaction.id)
        .order_by(LedgerEntry.id)
    )
    entries = [
        EntryRead(
            account_id=account.id,
            account_kind=account.kind,
            user_id=account.user_id,
            amount=entry.amount,
            balance_after=entry.balance_after,
        )
        for entry, account in rows.all()
    ]
    return TransactionRead(
        id=transaction.id,
        kind=transaction.kind,
        memo=transaction.memo,
        reference_type=transaction.reference_type,
        reference_id=transaction.reference_id,
        created_at=transaction.created_at,
        entries=entries,
    )


async def _answer(
    session: AsyncSession,
    principal: Principal,
    response: Response,
    transaction: LedgerTransaction,
    *,
    replayed: bool,
    action: str,
    details: dict[str, object],
) -> TransactionRead:
    """The transaction as the response; a first run is audited, a replay only says so."""
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    else:
        await audit.record(
            session,
            action=action,
            actor=principal.actor(),
            tenant_id=_tenant(principal),
            target_type="ledger_transaction",
            target_id=transaction.id,
            details=details,
        )
    await session.flush()
    return await _transaction_read(session, transaction)


def _replayed(transaction: LedgerTransaction, started: datetime) -> bool:
    # A transaction written by this request gets its created_at at flush, after `started`;
    # one not flushed yet has none.
    created: datetime | None = transaction.created_at
    return created is not None and created < started


async def _member(session: AsyncSession, principal: Principal, user_id: uuid.UUID) -> uuid.UUID:
    if await tenancy_service.membership_of(session, tenant_id=_tenant(principal), user_id=user_id) is None:
        raise MemberNotFound()
    return user_id


@router.get("")
async def my_wallet(principal: Reader, session: DbSession) -> WalletRead:
    """The caller's tokens in this tenant."""
    return _wallet_read(await service.account(session, AccountKind.USER, principal.user.id))


@router.get("/statement")
async def my_statement(
    principal: Reader, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[StatementLine]:
    """Entries of the caller's wallet, newest first, each with the balance after it."""
    holder = await service.account(session, AccountKind.USER, principal.user.id)
    return await _statement(session, holder, cursor, limit)


@router.get("/pool")
async def pool(principal: Manager, session: DbSession) -> WalletRead:
    """The tenant's pool, from which members are given tokens."""
    return _wallet_read(await service.account(session, AccountKind.POOL))


@router.get("/pool/statement")
async def pool_statement(
    principal: Manager, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[StatementLine]:
    holder = await service.account(session, AccountKind.POOL)
    return await _statement(session, holder, cursor, limit)


@router.post("/top-up", openapi_extra=KEYED)
async def top_up(
    body: TopUp, principal: Manager, session: DbSession, key: IdempotencyKey, response: Response
) -> TransactionRead:
    """Credit tokens to the pool, to yourself or to a member. Purchases (payments) are not
    handled here: an admin credits tokens bought elsewhere."""
    started = utcnow()
    if body.target == "pool":
        target = await service.account(session, AccountKind.POOL)
    else:
        user_id = principal.user.id if body.target == "me" else await _member(session, principal, body.target)
        target = await service.account(session, AccountKind.USER, user_id)
    transaction = await service.top_up(
        session,
        target=target,
        amount=body.amount,
        idempotency_key=key,
        memo=body.memo,
        actor_id=principal.user.id,
    )
    details = {"amount": body.amount, "target": str(target.user_id) if target.user_id else "pool"}
    return await _answer(
        session,
        principal,
        response,
        transaction,
        replayed=_replayed(transaction, started),
        action="wallet.topped_up",
        details=details,
    )


@router.post("/transfer", openapi_extra=KEYED)
async def transfer(
    body: Transfer, principal: Manager, session: DbSession, key: IdempotencyKey, response: Response
) -> TransactionRead:
    """Move tokens from the pool to a member; they keep the expiry they had in the pool."""
    started = utcnow()
    user_id = await _member(session, principal, body.user_id)
    transaction = await service.transfer(
        session,
        user_id=user_id,
        amount=body.amount,
        idempotency_key=key,
        memo=body.memo,
        actor_id=principal.user.id,
    )
    return await _answer(
        session,
        principal,
        response,
        transaction,
        replayed=_replayed(transaction, started),
        action="wallet.transferred",
        details={"amount": body.amount, "user_id": str(user_id)},
    )


@router.post("/refund", openapi_extra=KEYED)
async def refund(
    body: Refund, principal: Manager, session: DbSession, key: IdempotencyKey, response: Response
) -> TransactionRead:
    """Give back part or all of a charge (a settled call), never more than was charged."""
    started = utcnow()
    transaction = await service.refund(
        session,
        transaction_id=body.transaction_id,
        amount=body.amount,
        idempotency_key=key,
        memo=body.memo,
        actor_id=principal.user.id,
    )
    return await _answer(
        session,
        principal,
        response,
        transaction,
        replayed=_replayed(transaction, started),
        action="wallet.refunded",
        details={"amount": body.amount, "charge_id": str(body.transaction_id)},
    )
