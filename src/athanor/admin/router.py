"""Super admin API: tenants, users and impersonation across the platform."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from athanor.access.dependencies import DbSession, RuntimeDep
from athanor.admin.dependencies import PlatformAdmin
from athanor.admin.exceptions import CannotImpersonate, OwnerNotFound, UserNotFound
from athanor.admin.schemas import (
    AdminTenantCreate,
    AdminTenantRead,
    AdminUserRead,
    ImpersonationCreate,
    ImpersonationRead,
    SuspendRequest,
)
from athanor.audit import service as audit
from athanor.auth import service as auth_service
from athanor.auth.models import SessionKind, User
from athanor.core.errors import FieldProblem, problem_responses
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.db.types import utcnow
from athanor.runtime import Runtime
from athanor.tenancy import service as tenancy_service
from athanor.tenancy.exceptions import TenantNotFound
from athanor.tenancy.models import Tenant, TenantStatus

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api/admin",
    tags=["admin"],
    responses=problem_responses(400, 401, 403, 404, 422, 429),
)

Search = Annotated[str | None, Query(max_length=200, description="Part of a name, slug or email")]


def _contains(column: InstrumentedAttribute[str], text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match; `%` and `_` in the search are plain characters."""
    return column.icontains(text, autoescape=True)


def _user_read(user: User) -> AdminUserRead:
    return AdminUserRead(
        id=user.id,
        email=user.email,
        name=user.name,
        email_verified=user.email_verified_at is not None,
        is_superadmin=user.is_superadmin,
        is_active=user.is_active,
        locked=bool(user.locked_until and user.locked_until > utcnow()),
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


@router.get("/tenants")
async def list_tenants(
    admin: PlatformAdmin,
    session: DbSession,
    q: Search = None,
    cursor: Cursor = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
) -> Page[AdminTenantRead]:
    statement = select(Tenant)
    if q:
        statement = statement.where(_contains(Tenant.name, q) | _contains(Tenant.slug, q))
    rows = (await session.scalars(paginate_query(statement, Tenant.id, cursor, limit))).all()
    return Page[AdminTenantRead].model_validate(page_of(rows, limit, AdminTenantRead.model_validate))


@router.post("/tenants", status_code=status.HTTP_201_CREATED, responses=problem_responses(409))
async def create_tenant(body: AdminTenantCreate, admin: PlatformAdmin, session: DbSession) -> AdminTenantRead:
    """Create a tenant for an existing account, which becomes its owner."""
    owner = await auth_service.find_user_by_email(session, body.owner_email)
    if owner is None:
        raise OwnerNotFound(fields=[FieldProblem("body.owner_email", "not_found", OwnerNotFound.message)])
    tenant = await tenancy_service.create_tenant(session, name=body.name, owner=owner, slug=body.slug)
    await audit.record(
        session,
        action="tenant.created",
        actor=admin.actor(),
        tenant_id=tenant.id,
        target_type="tenant",
        target_id=tenant.id,
        details={"by_platform_admin": True, "owner": owner.email},
    )
    return AdminTenantRead.model_validate(tenant)


async def _set_status(
    session: DbSession,
    runtime: Runtime,
    admin: PlatformAdmin,
    tenant_id: uuid.UUID,
    new_status: TenantStatus,
    reason: str | None,
) -> AdminTenantRead:
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None:
        raise TenantNotFound()
    await tenancy_service.set_tenant_status(session, tenant=tenant, status=new_status, reason=reason)
    await runtime.forget(tenant_id=tenant.id)
    action = "tenant.suspended" if new_status is TenantStatus.SUSPENDED else "tenant.reactivated"
    await audit.record(
        session,
        action=action,
        actor=admin.actor(),
        tenant_id=tenant.id,
        target_type="tenant",
        target_id=tenant.id,
        details={"reason": reason} if reason else {},
    )
    return AdminTenantRead.model_validate(tenant)


@router.post("/tenants/{tenant_id:uuid}/suspend")
async def suspend_tenant(
    tenant_id: uuid.UUID, body: SuspendRequest, admin: PlatformAdmin, session: DbSession, runtime: RuntimeDep
) -> AdminTenantRead:
    """Block every request into the tenant until it is reactivated."""
    return await _set_status(session, runtime, admin, tenant_id, TenantStatus.SUSPENDED, body.reason)


@router.post("/tenants/{tenant_id:uuid}/reactivate")
async def reactivate_tenant(
    tenant_id: uuid.UUID, admin: PlatformAdmin, session: DbSession, runtime: RuntimeDep
) -> AdminTenantRead:
    return await _set_status(session, runtime, admin, tenant_id, TenantStatus.ACTIVE, None)


@router.get("/users")
async def list_users(
    admin: PlatformAdmin,
    session: DbSession,
    q: Search = None,
    cursor: Cursor = None,
    limit: PageSize = DEFAULT_PAGE_SIZE,
) -> Page[AdminUserRead]:
    statement = select(User)
    if q:
        statement = statement.where(_contains(User.email, q) | _contains(User.name, q))
    rows = (await session.scalars(paginate_query(statement, User.id, cursor, limit))).all()
    return Page[AdminUserRead].model_validate(page_of(rows, limit, _user_read))


@router.post("/impersonations", status_code=status.HTTP_201_CREATED)
async def impersonate(
    body: ImpersonationCreate, admin: PlatformAdmin, session: DbSession, runtime: RuntimeDep
) -> ImpersonationRead:
    """A short-lived bearer token acting as a user; every action in it names the admin."""
    user = await auth_service.get_user(session, body.user_id)
    if user is None or not user.is_active:
        raise UserNotFound()
    if user.is_superadmin:
        raise CannotImpersonate()
    tenant_id = body.tenant_id
    if tenant_id is not None:
        if await tenancy_service.membership_of(session, tenant_id=tenant_id, user_id=user.id) is None:
            raise TenantNotFound()
    else:
        tenant_id = await tenancy_service.first_tenant_of(session, user_id=user.id)
    auth_session, token = await auth_service.open_session(
        session,
        user=user,
        kind=SessionKind.BEARER,
        ttl=timedelta(minutes=body.minutes),
        token_key=runtime.token_key,
        tenant_id=tenant_id,
        ip=admin.client.ip,
        user_agent=admin.client.user_agent,
        impersonator_id=admin.user.id,
    )
    details = {"user_id": str(user.id), "minutes": body.minutes, "reason": body.reason}
    actor = replace(admin.actor(), admin_id=admin.user.id)
    await audit.record(
        session,
        action="admin.impersonation_started",
        actor=actor,
        tenant_id=None,
        target_type="user",
        target_id=user.id,
        details=details,
    )
    if tenant_id is not None:
        await audit.record(
            session,
            action="admin.impersonation_started",
            actor=actor,
            tenant_id=tenant_id,
            target_type="user",
            target_id=user.id,
            details=details,
        )
    return ImpersonationRead(
        access_token=token, user_id=user.id, tenant_id=tenant_id, expires_at=auth_session.expires_at
    )
