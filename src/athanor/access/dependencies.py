"""Request dependencies: the database session, the caller, and permission checks.

One database session (and transaction) per request: authentication runs in it, then moves
it into the caller's tenant scope, and the endpoint uses the same session. It commits once,
before the response is sent.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.csrf import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, csrf_ok
from athanor.access.principal import CachedPrincipal, ClientInfo, Principal, Via
from athanor.apikeys import service as apikeys_service
from athanor.apikeys.exceptions import ApiKeyInvalid
from athanor.auth import service as auth_service
from athanor.auth.exceptions import CsrfFailed, SessionExpired, SessionRequired
from athanor.core.context import current_request_id
from athanor.core.errors import Forbidden, Unauthenticated
from athanor.core.i18n import negotiate
from athanor.core.logging import bind_principal
from athanor.core.ratelimit import LimitRule, LimitState
from athanor.core.security import token_hash
from athanor.db.scope import DbScope, set_scope
from athanor.db.types import utcnow
from athanor.runtime import Runtime
from athanor.tenancy import service as tenancy_service
from athanor.tenancy.exceptions import TenantNotFound, TenantRequired, TenantSuspended
from athanor.tenancy.models import Role, Tenant, TenantStatus
from athanor.tenancy.permissions import Permission, permissions_for

TENANT_HEADER = "X-Athanor-Tenant"


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def request_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    async with runtime.db.session(DbScope.anonymous()) as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


DbSession = Annotated[AsyncSession, Depends(request_session, scope="function")]


def client_info(request: Request) -> ClientInfo:
    return ClientInfo(
        ip=request.client.host if request.client else None,
        user_agent=(request.headers.get("user-agent") or "")[:512] or None,
        request_id=current_request_id(),
    )


Client = Annotated[ClientInfo, Depends(client_info)]


def _bearer(request: Request) -> str | None:
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    return credential.strip() or None if scheme.lower() == "bearer" else None


def _requested_tenant(request: Request) -> uuid.UUID | None:
    raw = request.headers.get(TENANT_HEADER)
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise TenantNotFound() from None


async def _principal_from_api_key(
    session: AsyncSession, runtime: Runtime, secret: str, client: ClientInfo
) -> Principal:
    """The key's principal, from a short-lived cache when the key was seen in the last
    seconds (revocation and rotation clear it at once; other changes within its TTL)."""
    digest = token_hash(secret, key=runtime.token_key)
    cached = runtime.api_key_principals.get(digest)
    if cached is not None and (cached.valid_until is None or cached.valid_until > utcnow()):
        principal = cached.principal
        assert principal.tenant_id is not None
        await set_scope(session, DbScope.for_tenant(principal.tenant_id, principal.user.id))
        return replace(principal, client=client)
    key, valid_until = await apikeys_service.resolve_secret(
        session, secret=secret, token_key=runtime.token_key
    )
    user = await auth_service.get_user(session, key.user_id)
    membership = await tenancy_service.membership_of(session, tenant_id=key.tenant_id, user_id=key.user_id)
    if user is None or not user.is_active or membership is None:
        raise ApiKeyInvalid()
    principal = await _enter_scope(
        session,
        Principal(
            user=user,
            via="api_key",
            client=client,
            tenant_id=key.tenant_id,
            role=membership.role,
            permissions=permissions_for(membership.role, key.scopes),
            api_key=key,
        ),
    )
    # Shared with later requests: out of this session, so its rollback cannot expire them.
    session.expunge(user)
    session.expunge(key)
    runtime.api_key_principals.put(digest, CachedPrincipal(principal, valid_until))
    return principal


async def _principal_from_session(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    token: str,
    via: Via,
    client: ClientInfo,
) -> Principal | None:
    resolved = await auth_service.resolve_session(session, token=token, token_key=runtime.token_key)
    if resolved is None:
        # Treated as anonymous, so optional-auth endpoints (accepting an invitation,
        # logging out) still work; endpoints that need a caller answer session_expired.
        request.state.session_ended = True
        return None
    auth_session, user = resolved
    csrf_needed = via == "cookie" and request.method not in SAFE_METHODS
    if csrf_needed and not csrf_ok(auth_session.id, request.headers.get(CSRF_HEADER), key=runtime.token_key):
        raise CsrfFailed()
    requested = _requested_tenant(request)
    tenant_id = requested or auth_session.active_tenant_id
    if tenant_id is None:
        return Principal(user=user, via=via, client=client, auth_session=auth_session)
    await set_scope(session, DbScope.for_tenant(tenant_id, user.id))
    membership = await tenancy_service.membership_of(session, tenant_id=tenant_id, user_id=user.id)
    if membership is None:
        if requested:
            raise TenantNotFound()
        # Removed from the tenant since signing in: carry on without one.
        return Principal(user=user, via=via, client=client, auth_session=auth_session)
    return Principal(
        user=user,
        via=via,
        client=client,
        tenant_id=tenant_id,
        role=membership.role,
        permissions=permissions_for(membership.role),
        auth_session=auth_session,
    )


async def _authenticate(
    request: Request, session: AsyncSession, runtime: Runtime, client: ClientInfo
) -> Principal | None:
    bearer = _bearer(request)
    if bearer and apikeys_service.looks_like_api_key(bearer):
        return await _principal_from_api_key(session, runtime, bearer, client)
    if bearer:
        return await _principal_from_session(session, runtime, request, bearer, "bearer", client)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return await _principal_from_session(session, runtime, request, cookie, "cookie", client)
    return None


async def _enter_scope(session: AsyncSession, principal: Principal) -> Principal:
    if principal.tenant_id is None:
        await set_scope(session, DbScope.for_user(principal.user.id))
        return principal
    await set_scope(session, DbScope.for_tenant(principal.tenant_id, principal.user.id))
    tenant = await tenancy_service.get_tenant(session, principal.tenant_id)
    # A suspended tenant closes its data (`require`), not the account: its members can
    # still read /me, switch to another tenant and sign out, and a super admin whose
    # active tenant it is can still reach the platform API to reactivate it.
    return replace(principal, tenant_suspended=tenant.status is TenantStatus.SUSPENDED)


def _publish_limits(request: Request, response: Response, state: LimitState | None) -> None:
    """RateLimit-* headers on the response, and on the problem response should it fail."""
    if state is None:
        return
    response.headers.update(state.headers())
    request.state.rate_limit_headers = state.headers()


def _limit_rules(runtime: Runtime, principal: Principal) -> list[LimitRule]:
    settings = runtime.settings
    rules = [LimitRule("user", str(principal.user.id), settings.rate_limit_user)]
    if principal.tenant_id:
        rules.append(LimitRule("tenant", str(principal.tenant_id), settings.rate_limit_tenant))
    if principal.api_key:
        rate = principal.api_key.rate_limit or settings.rate_limit_api_key
        rules.append(LimitRule("api_key", str(principal.api_key.id), rate))
    return rules


async def optional_principal(
    request: Request, response: Response, session: DbSession, runtime: RuntimeDep, client: Client
) -> Principal | None:
    principal = await _authenticate(request, session, runtime, client)
    if principal is None:
        return None
    request.state.locale = negotiate(request.headers.get("accept-language"), principal.user.locale)
    if principal.api_key is None:
        principal = await _enter_scope(session, principal)
    bind_principal(tenant_id=principal.tenant_id, user_id=principal.user.id)
    _publish_limits(request, response, await runtime.limiter.enforce(_limit_rules(runtime, principal)))
    if principal.api_key is not None and principal.tenant_id is not None:
        # Counted once admitted: a refused call is not a use.
        runtime.key_usage.add(tenant_id=principal.tenant_id, key_id=principal.api_key.id)
    return principal


MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]


async def current_principal(request: Request, principal: MaybePrincipal) -> Principal:
    if principal is None:
        raise SessionExpired() if getattr(request.state, "session_ended", False) else Unauthenticated()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def session_principal(principal: CurrentPrincipal) -> Principal:
    """A person signed in (cookie or bearer session), not a program holding an API key:
    account and tenant changes are not an API key's to make, whatever its scopes."""
    if principal.auth_session is None:
        raise SessionRequired()
    return principal


SessionPrincipal = Annotated[Principal, Depends(session_principal)]


def require(permission: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets the request through only with `permission` in an active tenant."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.tenant_id is None:
            raise TenantRequired()
        if principal.tenant_suspended:
            raise TenantSuspended()
        if not principal.can(permission):
            raise Forbidden()
        return principal

    check.__name__ = f"require_{permission.value.replace(':', '_')}"
    return check


async def anonymous_rate_limit(request: Request, response: Response, runtime: RuntimeDep) -> None:
    """Limits sign-in, sign-up and token endpoints per client address."""
    address = request.client.host if request.client else "unknown"
    state = await runtime.limiter.enforce(
        [LimitRule("anonymous", address, runtime.settings.rate_limit_anonymous)]
    )
    _publish_limits(request, response, state)


AnonymousLimit = Depends(anonymous_rate_limit)


async def tenants_of(session: AsyncSession, principal: Principal) -> Sequence[tuple[Tenant, Role]]:
    """The caller's tenants with its role in each: every one of a signed-in user's, but
    only its own for an API key, which must not reveal the user's other tenants."""
    if principal.api_key is None:
        await set_scope(session, DbScope.for_user(principal.user.id))
    # An API key's session stays in its tenant scope, so only that membership is visible.
    return await tenancy_service.my_tenants(session, user_id=principal.user.id)


async def forget_caches_after_writes(request: Request, runtime: RuntimeDep) -> AsyncIterator[None]:
    """For routers whose writes change what the call path caches (providers, deployments,
    prices, levels): a successful write clears those caches on every API server. Such writes
    are rare, so everything is dropped rather than working out which tenants they touched."""
    yield
    if request.method not in SAFE_METHODS:
        await runtime.forget()


ForgetCachesAfterWrites = Depends(forget_caches_after_writes, scope="function")
