"""Users, passwords, sign-in sessions and single-use tokens. No tenants here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.auth.exceptions import (
    AccountDisabled,
    AccountLocked,
    EmailTaken,
    InvalidCredentials,
    InvalidToken,
    WrongPassword,
)
from athanor.auth.models import AuthSession, OneTimeToken, SessionKind, TokenPurpose, User
from athanor.core.logging import get_logger
from athanor.core.security import (
    hash_password,
    new_token,
    password_needs_rehash,
    token_hash,
    verify_password,
)
from athanor.db.types import utcnow

log = get_logger(__name__)

TOKEN_LIFETIMES = {
    TokenPurpose.VERIFY_EMAIL: timedelta(hours=48),
    TokenPurpose.RESET_PASSWORD: timedelta(hours=1),
    TokenPurpose.INVITATION: timedelta(days=7),
}


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int
    lockout: timedelta


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == normalize_email(email)))


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password: str | None,
    name: str = "",
    locale: str | None = None,
    verified: bool = False,
    superadmin: bool = False,
) -> User:
    """A new account; raises EmailTaken when the email is in use."""
    email = normalize_email(email)
    if await find_user_by_email(session, email):
        raise EmailTaken()
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password) if password else None,
        locale=locale,
        email_verified_at=utcnow() if verified else None,
        is_superadmin=superadmin,
    )
    try:
        # A concurrent sign-up with the same address passes the check above; the unique
        # index stops it, and the savepoint keeps the transaction usable for the 409.
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        raise EmailTaken() from None
    return user


async def authenticate(session: AsyncSession, *, email: str, password: str, policy: LockoutPolicy) -> User:
    """Check a password. Failures are counted on the account (the caller must commit them
    even though it then refuses the request) and lock it out after too many."""
    # The row lock makes concurrent attempts on one account take turns: otherwise each
    # would read the same failure count, and a burst of guesses would count as one.
    user = await session.scalar(select(User).where(User.email == normalize_email(email)).with_for_update())
    now = utcnow()
    if user is not None and user.locked_until and user.locked_until > now:
        retry_after = int((user.locked_until - now).total_seconds()) + 1
        raise AccountLocked(params={"retry_after": retry_after}, headers={"Retry-After": str(retry_after)})
    if not verify_password(password, user.password_hash if user else None) or user is None:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= policy.max_failures:
                user.locked_until = now + policy.lockout
                user.failed_logins = 0
        raise InvalidCredentials()
    if not user.is_active:
        raise AccountDisabled()
    if user.password_hash and password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


async def change_password(session: AsyncSession, *, user: User, current: str, new: str) -> None:
    if not verify_password(current, user.password_hash):
        raise WrongPassword()
    user.password_hash = hash_password(new)
    await revoke_user_sessions(session, user_id=user.id)


async def open_session(
    session: AsyncSession,
    *,
    user: User,
    kind: SessionKind,
    ttl: timedelta,
    token_key: str,
    tenant_id: uuid.UUID | None,
    ip: str | None = None,
    user_agent: str | None = None,
    impersonator_id: uuid.UUID | None = None,
) -> tuple[AuthSession, str]:
    """A new sign-in session and its secret token (returned once, stored hashed)."""
    token = new_token("aths_")
    auth_session = AuthSession(
        user_id=user.id,
        token_hash=token_hash(token, key=token_key),
        kind=kind,
        active_tenant_id=tenant_id,
        impersonator_id=impersonator_id,
        expires_at=utcnow() + ttl,
        ip=ip,
        user_agent=(user_agent or "")[:512] or None,
    )
    session.add(auth_session)
    await session.flush()
    return auth_session, token


async def resolve_session(
    session: AsyncSession, *, token: str, token_key: str
) -> tuple[AuthSession, User] | None:
    """The live session and its user for a token, or None."""
    row = (
        await session.execute(
            select(AuthSession, User)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.token_hash == token_hash(token, key=token_key))
        )
    ).first()
    if row is None:
        return None
    auth_session, user = row
    if auth_session.revoked_at or auth_session.expires_at <= utcnow() or not user.is_active:
        return None
    return auth_session, user


async def revoke_session(session: AsyncSession, *, auth_session: AuthSession) -> None:
    auth_session.revoked_at = utcnow()


async def revoke_user_sessions(session: AsyncSession, *, user_id: uuid.UUID) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def issue_token(
    session: AsyncSession,
    *,
    purpose: TokenPurpose,
    email: str,
    token_key: str,
    user_id: uuid.UUID | None = None,
    payload: dict[str, str] | None = None,
    expires_at: datetime | None = None,
) -> str:
    """A single-use token for a link; earlier unused tokens of the same kind stop working."""
    email = normalize_email(email)
    if purpose is not TokenPurpose.INVITATION:
        await session.execute(
            update(OneTimeToken)
            .where(
                OneTimeToken.purpose == purpose,
                OneTimeToken.email == email,
                OneTimeToken.used_at.is_(None),
            )
            .values(used_at=utcnow())
        )
    token = new_token()
    session.add(
        OneTimeToken(
            purpose=purpose,
            token_hash=token_hash(token, key=token_key),
            email=email,
            user_id=user_id,
            payload=payload or {},
            expires_at=expires_at or utcnow() + TOKEN_LIFETIMES[purpose],
        )
    )
    await session.flush()
    return token


async def consume_token(
    session: AsyncSession, *, purpose: TokenPurpose, token: str, token_key: str
) -> OneTimeToken:
    """Use a token once; a used, expired or unknown token raises InvalidToken."""
    record = await session.scalar(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == token_hash(token, key=token_key),
            OneTimeToken.purpose == purpose,
        )
    )
    if record is None or record.used_at is not None or record.expires_at <= utcnow():
        raise InvalidToken()
    # Conditional update: of two concurrent uses, only one wins.
    claimed = await session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == record.id, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise InvalidToken()
    return record


async def verify_email(session: AsyncSession, *, token: str, token_key: str) -> User:
    record = await consume_token(session, purpose=TokenPurpose.VERIFY_EMAIL, token=token, token_key=token_key)
    user = await find_user_by_email(session, record.email)
    if user is None:
        raise InvalidToken()
    user.email_verified_at = user.email_verified_at or utcnow()
    return user


async def reset_password(session: AsyncSession, *, token: str, password: str, token_key: str) -> User:
    """Set a new password from a reset link and end every session of the account."""
    record = await consume_token(
        session, purpose=TokenPurpose.RESET_PASSWORD, token=token, token_key=token_key
    )
    user = await find_user_by_email(session, record.email)
    if user is None:
        raise InvalidToken()
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    # The link reached the mailbox, which proves the address.
    user.email_verified_at = user.email_verified_at or utcnow()
    await revoke_user_sessions(session, user_id=user.id)
    return user


def deliver_link(*, kind: str, email: str, url: str, reveal: bool, **context: Any) -> None:
    """Hand a link to the mail system. Until mail exists, development logs the link."""
    if reveal:
        log.info("mail.link", kind=kind, to=email, url=url, **context)
    else:
        log.warning("mail.not_configured", kind=kind, to=email, **context)


async def purge_expired(session: AsyncSession, *, keep: timedelta = timedelta(days=7)) -> int:
    """Delete sessions and tokens that ended before `keep` ago; returns how many."""
    cutoff = utcnow() - keep
    removed = 0
    for model in (AuthSession, OneTimeToken):
        result = await session.execute(delete(model).where(model.expires_at < cutoff))
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
