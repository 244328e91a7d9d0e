"""Sign-up, sign-in (cookie or bearer), sign-out, email and password flows, and /me."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.access.csrf import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for
from athanor.access.dependencies import (
    AnonymousLimit,
    Client,
    CurrentPrincipal,
    DbSession,
    MaybePrincipal,
    RuntimeDep,
    SessionPrincipal,
    tenants_of,
)
from athanor.access.principal import ClientInfo
from athanor.access.schemas import (
    Accepted,
    ChangePasswordRequest,
    ForgotPasswordRequest,
    LoginRequest,
    MembershipSummary,
    MeRead,
    ProfileUpdate,
    RegisterRequest,
    ResetPasswordRequest,
    SessionRead,
    SwitchTenantRequest,
    TokenInput,
    TokenRead,
    TokenRequest,
    UserRead,
)
from athanor.access.views import user_read
from athanor.audit import service as audit
from athanor.auth import service as auth_service
from athanor.auth.exceptions import AccountLocked, InvalidCredentials
from athanor.auth.models import AuthSession, SessionKind, TokenPurpose, User
from athanor.core.errors import problem_responses
from athanor.core.metrics import LOGINS
from athanor.core.routing import StrictJsonRoute
from athanor.db.scope import DbScope, set_scope
from athanor.runtime import Runtime
from athanor.tenancy import service as tenancy_service
from athanor.tenancy.exceptions import TenantNotFound

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/auth",
    tags=["auth"],
    responses=problem_responses(400, 401, 403, 422, 429),
)
me_router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/me",
    tags=["auth"],
    responses=problem_responses(400, 401, 403, 422, 429),
)


# The page of the web app that each kind of link opens.
LINK_PAGES = {TokenPurpose.VERIFY_EMAIL: "verify-email", TokenPurpose.RESET_PASSWORD: "reset-password"}


async def _send_link(session: AsyncSession, runtime: Runtime, user: User, purpose: TokenPurpose) -> None:
    """Issue a single-use token for `user` and send its link."""
    token = await auth_service.issue_token(
        session, purpose=purpose, email=user.email, user_id=user.id, token_key=runtime.token_key
    )
    auth_service.deliver_link(
        kind=purpose.value,
        email=user.email,
        url=f"{runtime.settings.public_url}/{LINK_PAGES[purpose]}?token={token}",
        reveal=runtime.reveals_links,
    )


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    dependencies=[AnonymousLimit],
    responses=problem_responses(409),
)
async def register(
    body: RegisterRequest, session: DbSession, runtime: RuntimeDep, client: Client
) -> UserRead:
    """Create an account; a verification link is sent to the address."""
    user = await auth_service.create_user(
        session, email=body.email, password=body.password, name=body.name, locale=body.locale
    )
    await _send_link(session, runtime, user, TokenPurpose.VERIFY_EMAIL)
    await audit.record(
        session,
        action="user.registered",
        actor=client.actor(user.id),
        tenant_id=None,
        target_type="user",
        target_id=user.id,
    )
    return user_read(user)


async def _sign_in(
    session: AsyncSession,
    runtime: Runtime,
    client: ClientInfo,
    *,
    email: str,
    password: str,
    kind: SessionKind,
    tenant_id: uuid.UUID | None,
) -> tuple[AuthSession, str, User]:
    settings = runtime.settings
    policy = auth_service.LockoutPolicy(
        max_failures=settings.login_max_failures,
        lockout=timedelta(seconds=settings.login_lockout_seconds),
    )
    try:
        user = await auth_service.authenticate(session, email=email, password=password, policy=policy)
    except (InvalidCredentials, AccountLocked) as failure:
        LOGINS.labels("failure").inc()
        await audit.record(
            session,
            action="auth.login_failed",
            actor=client.actor(),
            tenant_id=None,
            outcome="failure",
            details={"email": auth_service.normalize_email(email)[:320], "reason": failure.code},
        )
        # The failure count and its audit event must outlive the refused request.
        await session.commit()
        raise
    await set_scope(session, DbScope.for_user(user.id))
    if tenant_id is not None:
        if not await tenancy_service.membership_of(session, tenant_id=tenant_id, user_id=user.id):
            raise TenantNotFound()
    else:
        tenant_id = await tenancy_service.first_tenant_of(session, user_id=user.id)
    ttl = settings.session_ttl_seconds if kind is SessionKind.COOKIE else settings.bearer_ttl_seconds
    auth_session, token = await auth_service.open_session(
        session,
        user=user,
        kind=kind,
        ttl=timedelta(seconds=ttl),
        token_key=runtime.token_key,
        tenant_id=tenant_id,
        ip=client.ip,
        user_agent=client.user_agent,
    )
    LOGINS.labels("success").inc()
    await set_scope(
        session, DbScope.for_tenant(tenant_id, user.id) if tenant_id else DbScope.for_user(user.id)
    )
    await audit.record(
        session,
        action="auth.login",
        actor=client.actor(user.id),
        tenant_id=tenant_id,
        details={"kind": kind.value},
    )
    return auth_session, token, user


def set_session_cookies(response: Response, runtime: Runtime, auth_session: AuthSession, token: str) -> str:
    csrf = csrf_token_for(auth_session.id, key=runtime.token_key)
    max_age = runtime.settings.session_ttl_seconds
    secure = runtime.settings.cookie_secure
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, secure=secure, samesite="lax")
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False, secure=secure, samesite="lax")
    return csrf


def clear_session_cookies(response: Response, runtime: Runtime) -> None:
    # The same attributes as when set, so that every browser drops them.
    secure = runtime.settings.cookie_secure
    response.delete_cookie(SESSION_COOKIE, httponly=True, secure=secure, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, httponly=False, secure=secure, samesite="lax")


@router.post("/login", dependencies=[AnonymousLimit], responses=problem_responses(404, 423))
async def login(
    body: LoginRequest, response: Response, session: DbSession, runtime: RuntimeDep, client: Client
) -> SessionRead:
    """Sign in a browser: sets an HTTP-only session cookie and returns the CSRF token."""
    auth_session, token, user = await _sign_in(
        session,
        runtime,
        client,
        email=body.email,
        password=body.password,
        kind=SessionKind.COOKIE,
        tenant_id=body.tenant_id,
    )
    csrf = set_session_cookies(response, runtime, auth_session, token)
    return SessionRead(
        user=user_read(user),
        tenant_id=auth_session.active_tenant_id,
        csrf_token=csrf,
        expires_at=auth_session.expires_at,
    )


@router.post("/token", dependencies=[AnonymousLimit], responses=problem_responses(404, 423))
async def issue_bearer_token(
    body: TokenRequest, session: DbSession, runtime: RuntimeDep, client: Client
) -> TokenRead:
    """Sign in a program: returns a bearer token for the Authorization header."""
    auth_session, token, _user = await _sign_in(
        session,
        runtime,
        client,
        email=body.email,
        password=body.password,
        kind=SessionKind.BEARER,
        tenant_id=None,
    )
    return TokenRead(
        access_token=token, expires_at=auth_session.expires_at, tenant_id=auth_session.active_tenant_id
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    principal: MaybePrincipal, response: Response, session: DbSession, runtime: RuntimeDep
) -> None:
    """End the current session (cookie or bearer token); the browser's cookies are cleared
    even when the session had already ended."""
    if principal is not None and principal.auth_session is not None:
        await auth_service.revoke_session(session, auth_session=principal.auth_session)
        await audit.record(
            session, action="auth.logout", actor=principal.actor(), tenant_id=principal.tenant_id
        )
    clear_session_cookies(response, runtime)


@router.post("/verify-email", dependencies=[AnonymousLimit])
async def verify_email(body: TokenInput, session: DbSession, runtime: RuntimeDep, client: Client) -> UserRead:
    user = await auth_service.verify_email(session, token=body.token, token_key=runtime.token_key)
    await audit.record(
        session,
        action="user.email_verified",
        actor=client.actor(user.id),
        tenant_id=None,
        target_type="user",
        target_id=user.id,
    )
    return user_read(user)


@router.post("/verify-email/resend", status_code=status.HTTP_202_ACCEPTED)
async def resend_verification(
    principal: SessionPrincipal, session: DbSession, runtime: RuntimeDep
) -> Accepted:
    if principal.user.email_verified_at is None:
        await _send_link(session, runtime, principal.user, TokenPurpose.VERIFY_EMAIL)
    return Accepted()


@router.post("/password/forgot", status_code=status.HTTP_202_ACCEPTED, dependencies=[AnonymousLimit])
async def forgot_password(
    body: ForgotPasswordRequest, session: DbSession, runtime: RuntimeDep, client: Client
) -> Accepted:
    """Sends a reset link if the account exists; the answer is the same either way."""
    user = await auth_service.find_user_by_email(session, body.email)
    if user is not None and user.is_active:
        await _send_link(session, runtime, user, TokenPurpose.RESET_PASSWORD)
        await audit.record(
            session,
            action="auth.password_reset_requested",
            actor=client.actor(user.id),
            tenant_id=None,
            target_type="user",
            target_id=user.id,
        )
    return Accepted()


@router.post("/password/reset", status_code=status.HTTP_204_NO_CONTENT, dependencies=[AnonymousLimit])
async def reset_password(
    body: ResetPasswordRequest, session: DbSession, runtime: RuntimeDep, client: Client
) -> None:
    user = await auth_service.reset_password(
        session, token=body.token, password=body.password, token_key=runtime.token_key
    )
    await audit.record(
        session,
        action="auth.password_reset",
        actor=client.actor(user.id),
        tenant_id=None,
        target_type="user",
        target_id=user.id,
    )


@router.post("/password/change", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    body: ChangePasswordRequest,
    principal: SessionPrincipal,
    session: DbSession,
    response: Response,
    runtime: RuntimeDep,
) -> None:
    """Change the password; every session of the account ends, this one included."""
    await auth_service.change_password(
        session, user=principal.user, current=body.current_password, new=body.new_password
    )
    await audit.record(
        session,
        action="auth.password_changed",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="user",
        target_id=principal.user.id,
    )
    if principal.via == "cookie":
        clear_session_cookies(response, runtime)


@router.post("/switch-tenant", responses=problem_responses(404))
async def switch_tenant(
    body: SwitchTenantRequest, principal: SessionPrincipal, session: DbSession, runtime: RuntimeDep
) -> SessionRead:
    """Make another of the user's tenants the active one for this session."""
    assert principal.auth_session is not None
    await set_scope(session, DbScope.for_tenant(body.tenant_id, principal.user.id))
    if not await tenancy_service.membership_of(session, tenant_id=body.tenant_id, user_id=principal.user.id):
        raise TenantNotFound()
    principal.auth_session.active_tenant_id = body.tenant_id
    await audit.record(
        session, action="auth.tenant_switched", actor=principal.actor(), tenant_id=body.tenant_id
    )
    return SessionRead(
        user=user_read(principal.user),
        tenant_id=body.tenant_id,
        csrf_token=csrf_token_for(principal.auth_session.id, key=runtime.token_key),
        expires_at=principal.auth_session.expires_at,
    )


async def _me(session: AsyncSession, principal: CurrentPrincipal) -> MeRead:
    tenants = await tenants_of(session, principal)
    return MeRead(
        user=user_read(principal.user),
        tenant_id=principal.tenant_id,
        role=principal.role,
        permissions=sorted(permission.value for permission in principal.permissions),
        via=principal.via,
        impersonator_id=principal.impersonator_id,
        memberships=[
            MembershipSummary(tenant_id=tenant.id, tenant_name=tenant.name, role=role)
            for tenant, role in tenants
        ],
    )


@me_router.get("")
async def read_me(principal: CurrentPrincipal, session: DbSession) -> MeRead:
    """The signed-in user, the active tenant, role and permissions, and all memberships."""
    return await _me(session, principal)


@me_router.patch("")
async def update_me(
    body: ProfileUpdate, principal: SessionPrincipal, session: DbSession, request: Request
) -> MeRead:
    if body.name is not None:
        principal.user.name = body.name
    if "locale" in body.model_fields_set:
        principal.user.locale = body.locale
        request.state.locale = body.locale
    return await _me(session, principal)
