"""API keys: creation with scopes, lookup by secret, rotation with grace, revocation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.apikeys.exceptions import ApiKeyInvalid, ApiKeyNotFound, ScopeNotAllowed
from athanor.apikeys.models import ApiKey, ApiKeySecret
from athanor.core.security import new_token, token_hash
from athanor.db.scope import DbScope, set_scope
from athanor.db.types import utcnow
from athanor.tenancy.models import Role
from athanor.tenancy.permissions import Scope, scopes_allowed_for

KEY_PREFIX = "ath_"
VISIBLE_PREFIX_LENGTH = 12


@dataclass(frozen=True, slots=True)
class NewKey:
    name: str
    scopes: list[Scope]
    expires_at: datetime | None
    rate_limit: str | None


def key_status(key: ApiKey) -> str:
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= utcnow():
        return "expired"
    return "active"


def looks_like_api_key(credential: str) -> bool:
    return credential.startswith(KEY_PREFIX)


async def _add_secret(session: AsyncSession, *, key: ApiKey, token_key: str) -> str:
    secret = new_token(KEY_PREFIX)
    key.prefix = secret[:VISIBLE_PREFIX_LENGTH]
    session.add(
        ApiKeySecret(
            api_key_id=key.id,
            tenant_id=key.tenant_id,
            secret_hash=token_hash(secret, key=token_key),
            prefix=key.prefix,
        )
    )
    await session.flush()
    return secret


async def create_key(
    session: AsyncSession, *, user_id: uuid.UUID, role: Role, data: NewKey, token_key: str
) -> tuple[ApiKey, str]:
    """A key for `user_id` in the session's tenant; the secret is returned once."""
    allowed = scopes_allowed_for(role)
    for scope in data.scopes:
        if scope not in allowed:
            raise ScopeNotAllowed(params={"scope": scope.value})
    key = ApiKey(
        user_id=user_id,
        name=data.name,
        prefix="",
        scopes=[scope.value for scope in data.scopes],
        expires_at=data.expires_at,
        rate_limit=data.rate_limit,
    )
    session.add(key)
    await session.flush()
    secret = await _add_secret(session, key=key, token_key=token_key)
    return key, secret


async def get_key(session: AsyncSession, key_id: uuid.UUID) -> ApiKey:
    key = await session.scalar(select(ApiKey).where(ApiKey.id == key_id))
    if key is None:
        raise ApiKeyNotFound()
    return key


async def resolve_key(session: AsyncSession, *, secret: str, token_key: str) -> ApiKey:
    """The live key for a secret. Moves the session into the key's tenant."""
    return (await resolve_secret(session, secret=secret, token_key=token_key))[0]


async def resolve_secret(
    session: AsyncSession, *, secret: str, token_key: str
) -> tuple[ApiKey, datetime | None]:
    """The live key for a secret and when this secret stops working (its key's expiry, or
    the end of its rotation grace period), if ever."""
    now = utcnow()
    found = await session.scalar(
        select(ApiKeySecret).where(ApiKeySecret.secret_hash == token_hash(secret, key=token_key))
    )
    if found is None or (found.retires_at is not None and found.retires_at <= now):
        raise ApiKeyInvalid()
    await set_scope(session, DbScope.for_tenant(found.tenant_id))
    key = await session.scalar(select(ApiKey).where(ApiKey.id == found.api_key_id))
    if key is None or key_status(key) != "active":
        raise ApiKeyInvalid()
    ends = [moment for moment in (key.expires_at, found.retires_at) if moment is not None]
    return key, min(ends) if ends else None


async def rotate_key(session: AsyncSession, *, key: ApiKey, grace: timedelta, token_key: str) -> str:
    """A new secret; the old ones keep working until the grace period ends."""
    if key_status(key) != "active":
        raise ApiKeyNotFound()
    retire_at = utcnow() + grace
    await session.execute(
        update(ApiKeySecret)
        .where(
            ApiKeySecret.api_key_id == key.id,
            (ApiKeySecret.retires_at.is_(None)) | (ApiKeySecret.retires_at > retire_at),
        )
        .values(retires_at=retire_at)
        .execution_options(synchronize_session=False)
    )
    return await _add_secret(session, key=key, token_key=token_key)


async def revoke_key(session: AsyncSession, *, key: ApiKey) -> None:
    key.revoked_at = key.revoked_at or utcnow()
    await session.execute(
        update(ApiKeySecret)
        .where(ApiKeySecret.api_key_id == key.id)
        .values(retires_at=key.revoked_at)
        .execution_options(synchronize_session=False)
    )
