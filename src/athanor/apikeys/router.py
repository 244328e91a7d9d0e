"""API keys of the caller's tenant. Members manage their own keys, admins all keys."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.dependencies import DbSession, RuntimeDep, require
from athanor.access.principal import Principal
from athanor.apikeys import service
from athanor.apikeys.exceptions import ApiKeyNotFound, ImpersonationNotAllowed, NotKeyOwner
from athanor.apikeys.models import ApiKey
from athanor.apikeys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead, ApiKeyRotate
from athanor.audit import service as audit
from athanor.auth.exceptions import SessionRequired
from athanor.core.errors import problem_responses
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.runtime import Runtime
from athanor.tenancy.permissions import Permission

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/api-keys",
    tags=["api-keys"],
    responses=problem_responses(400, 401, 403, 404, 422, 429),
)

KeyUser = Annotated[Principal, Depends(require(Permission.API_KEYS_OWN))]


def _may_receive_secret(principal: Principal, key: ApiKey | None = None) -> None:
    """Who may be handed a key's secret: its owner, signed in as themselves. An API key
    never mints keys (they would outlive its revocation), an impersonating super admin
    never takes one, and a manager never receives another member's (it would act as them)."""
    if principal.api_key is not None:
        raise SessionRequired()
    if principal.impersonator_id is not None:
        raise ImpersonationNotAllowed()
    if key is not None and key.user_id != principal.user.id:
        raise NotKeyOwner()


def _read(key: ApiKey) -> ApiKeyRead:
    return ApiKeyRead.model_validate({**_fields(key), "status": service.key_status(key)})


def _fields(key: ApiKey) -> dict[str, object]:
    return {name: getattr(key, name) for name in ApiKeyRead.model_fields if name != "status"}


async def _current_usage(session: AsyncSession, runtime: Runtime, principal: Principal) -> None:
    """Usage is counted in memory on the hot path; what this process counted is written first."""
    assert principal.tenant_id is not None
    await runtime.key_usage.write(session, principal.tenant_id)


async def _visible_key(session: AsyncSession, principal: Principal, key_id: uuid.UUID) -> ApiKey:
    """A key the caller may act on; others' keys look absent to non-managers."""
    key = await service.get_key(session, key_id)
    if key.user_id != principal.user.id and not principal.can(Permission.API_KEYS_MANAGE):
        raise ApiKeyNotFound()
    return key


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_api_key(
    body: ApiKeyCreate, principal: KeyUser, session: DbSession, runtime: RuntimeDep
) -> ApiKeyCreated:
    """Create a key; its secret is in this response only."""
    assert principal.role is not None
    _may_receive_secret(principal)
    key, secret = await service.create_key(
        session,
        user_id=principal.user.id,
        role=principal.role,
        data=service.NewKey(
            name=body.name, scopes=body.scopes, expires_at=body.expires_at, rate_limit=body.rate_limit
        ),
        token_key=runtime.token_key,
    )
    await audit.record(
        session,
        action="api_key.created",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="api_key",
        target_id=key.id,
        details={"scopes": key.scopes, "prefix": key.prefix},
    )
    return ApiKeyCreated.model_validate({**_read(key).model_dump(), "secret": secret})


@router.get("")
async def list_api_keys(
    principal: KeyUser,
    session: DbSession,
    runtime: RuntimeDep,
    cursor: Cursor = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
) -> Page[ApiKeyRead]:
    await _current_usage(session, runtime, principal)
    statement = select(ApiKey)
    if not principal.can(Permission.API_KEYS_MANAGE):
        statement = statement.where(ApiKey.user_id == principal.user.id)
    rows = (await session.scalars(paginate_query(statement, ApiKey.id, cursor, limit))).all()
    return Page[ApiKeyRead].model_validate(page_of(rows, limit, _read))


@router.get("/{key_id:uuid}")
async def read_api_key(
    key_id: uuid.UUID, principal: KeyUser, session: DbSession, runtime: RuntimeDep
) -> ApiKeyRead:
    await _current_usage(session, runtime, principal)
    return _read(await _visible_key(session, principal, key_id))


@router.post("/{key_id:uuid}/rotate")
async def rotate_api_key(
    key_id: uuid.UUID,
    principal: KeyUser,
    session: DbSession,
    runtime: RuntimeDep,
    body: ApiKeyRotate | None = None,
) -> ApiKeyCreated:
    """A new secret; the old one keeps working for `grace_seconds` (a day when no body is sent)."""
    body = body or ApiKeyRotate()
    key = await _visible_key(session, principal, key_id)
    _may_receive_secret(principal, key)
    secret = await service.rotate_key(
        session, key=key, grace=timedelta(seconds=body.grace_seconds), token_key=runtime.token_key
    )
    await runtime.forget(key_id=key.id)
    await audit.record(
        session,
        action="api_key.rotated",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="api_key",
        target_id=key.id,
        details={"grace_seconds": body.grace_seconds, "prefix": key.prefix},
    )
    return ApiKeyCreated.model_validate({**_read(key).model_dump(), "secret": secret})


@router.post("/{key_id:uuid}/revoke")
async def revoke_api_key(
    key_id: uuid.UUID, principal: KeyUser, session: DbSession, runtime: RuntimeDep
) -> ApiKeyRead:
    """Stop the key at once, grace periods included."""
    key = await _visible_key(session, principal, key_id)
    await service.revoke_key(session, key=key)
    await runtime.forget(key_id=key.id)
    await audit.record(
        session,
        action="api_key.revoked",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="api_key",
        target_id=key.id,
    )
    return _read(key)
