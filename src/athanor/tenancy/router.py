"""Tenants, members and invitations of the caller's tenant."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status
from sqlalchemy import select

from athanor.access.dependencies import (
    Client,
    CurrentPrincipal,
    DbSession,
    MaybePrincipal,
    RuntimeDep,
    SessionPrincipal,
    require,
    tenants_of,
)
from athanor.access.principal import Principal
from athanor.audit import service as audit
from athanor.auth import service as auth_service
from athanor.auth.exceptions import EmailNotVerified
from athanor.core.errors import problem_responses
from athanor.core.pagination import DEFAULT_PAGE_SIZE, Cursor, Page, PageSize, page_of, paginate_query
from athanor.core.routing import StrictJsonRoute
from athanor.tenancy import service
from athanor.tenancy.models import Invitation, Membership, Role
from athanor.tenancy.permissions import Permission
from athanor.tenancy.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationRead,
    MemberRead,
    MemberUpdate,
    MyTenant,
    TenantCreate,
    TenantRead,
    TenantUpdate,
)

router = APIRouter(
    route_class=StrictJsonRoute,
    prefix="/api",
    tags=["tenancy"],
    responses=problem_responses(400, 401, 403, 404, 422, 429),
)

Reader = Annotated[Principal, Depends(require(Permission.TENANT_READ))]
Writer = Annotated[Principal, Depends(require(Permission.TENANT_WRITE))]
MemberReader = Annotated[Principal, Depends(require(Permission.MEMBERS_READ))]
MemberWriter = Annotated[Principal, Depends(require(Permission.MEMBERS_WRITE))]


def _role(principal: Principal) -> Role:
    assert principal.role is not None  # require() admitted a tenant member
    return principal.role


def _tenant_id(principal: Principal) -> uuid.UUID:
    assert principal.tenant_id is not None
    return principal.tenant_id


@router.post("/tenants", status_code=status.HTTP_201_CREATED, responses=problem_responses(409))
async def create_tenant(
    body: TenantCreate, principal: SessionPrincipal, session: DbSession, runtime: RuntimeDep
) -> TenantRead:
    """Create a tenant owned by the caller; the session switches to it."""
    if runtime.settings.require_email_verification and principal.user.email_verified_at is None:
        raise EmailNotVerified()
    tenant = await service.create_tenant(session, name=body.name, owner=principal.user, slug=body.slug)
    assert principal.auth_session is not None
    principal.auth_session.active_tenant_id = tenant.id
    await audit.record(
        session,
        action="tenant.created",
        actor=principal.actor(),
        tenant_id=tenant.id,
        target_type="tenant",
        target_id=tenant.id,
    )
    return TenantRead.model_validate(tenant)


@router.get("/tenants")
async def list_my_tenants(principal: CurrentPrincipal, session: DbSession) -> list[MyTenant]:
    """The tenants the caller belongs to, for the tenant switcher."""
    rows = await tenants_of(session, principal)
    return [MyTenant(id=t.id, name=t.name, slug=t.slug, status=t.status, role=role) for t, role in rows]


@router.get("/tenants/current")
async def read_current_tenant(principal: Reader, session: DbSession) -> TenantRead:
    return TenantRead.model_validate(await service.get_tenant(session, _tenant_id(principal)))


@router.patch("/tenants/current")
async def update_current_tenant(body: TenantUpdate, principal: Writer, session: DbSession) -> TenantRead:
    """Rename the tenant or change some of its settings (theme, language, network policy);
    settings left out keep their values, and `null` clears an optional one."""
    tenant = await service.get_tenant(session, _tenant_id(principal))
    patch = body.settings.model_dump(mode="json", exclude_unset=True) if body.settings else None
    changed = await service.update_tenant(session, tenant=tenant, name=body.name, settings_patch=patch)
    if changed:
        await audit.record(
            session,
            action="tenant.settings_changed",
            actor=principal.actor(),
            tenant_id=tenant.id,
            target_type="tenant",
            target_id=tenant.id,
            details={"changed": sorted(changed)},
        )
    return TenantRead.model_validate(tenant)


def _member_read(view: service.MemberView) -> MemberRead:
    member, user = view.membership, view.user
    return MemberRead(
        id=member.id,
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=member.role,
        created_at=member.created_at,
    )


@router.get("/members")
async def list_members(
    principal: MemberReader, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[MemberRead]:
    statement = paginate_query(service.members_with_users(), Membership.id, cursor, limit)
    rows = (await session.execute(statement)).all()
    page = page_of(
        rows, limit, lambda row: _member_read(service.MemberView(*row)), id_of=lambda row: row[0].id
    )
    return Page[MemberRead].model_validate(page)


@router.get("/members/{member_id:uuid}")
async def read_member(member_id: uuid.UUID, principal: MemberReader, session: DbSession) -> MemberRead:
    return _member_read(await service.get_member(session, membership_id=member_id))


@router.patch("/members/{member_id:uuid}", responses=problem_responses(409))
async def update_member(
    member_id: uuid.UUID, body: MemberUpdate, principal: MemberWriter, session: DbSession, runtime: RuntimeDep
) -> MemberRead:
    """Change a member's role; only owners grant or take away ownership."""
    member = await service.get_member(session, membership_id=member_id)
    before = member.membership.role
    await service.change_role(session, member=member, role=body.role, actor_role=_role(principal))
    await runtime.forget(tenant_id=principal.tenant_id)
    if before is not body.role:
        await audit.record(
            session,
            action="member.role_changed",
            actor=principal.actor(),
            tenant_id=principal.tenant_id,
            target_type="user",
            target_id=member.user.id,
            details={"from": before.value, "to": body.role.value},
        )
    return _member_read(member)


@router.delete(
    "/members/{member_id:uuid}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(409)
)
async def remove_member(
    member_id: uuid.UUID, principal: MemberWriter, session: DbSession, runtime: RuntimeDep
) -> None:
    member = await service.get_member(session, membership_id=member_id)
    await service.remove_member(session, member=member, actor_role=_role(principal))
    await runtime.forget(tenant_id=principal.tenant_id)
    await audit.record(
        session,
        action="member.removed",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="user",
        target_id=member.user.id,
        details={"role": member.membership.role.value},
    )


@router.post("/invitations", status_code=status.HTTP_201_CREATED, responses=problem_responses(409))
async def create_invitation(
    body: InvitationCreate, principal: MemberWriter, session: DbSession, runtime: RuntimeDep
) -> InvitationRead:
    """Invite someone by email with a role; the link is valid for seven days."""
    invitation, token = await service.invite(
        session,
        tenant_id=_tenant_id(principal),
        email=body.email,
        role=body.role,
        actor_role=_role(principal),
        invited_by=principal.user.id,
        token_key=runtime.token_key,
    )
    auth_service.deliver_link(
        kind="invitation",
        email=invitation.email,
        url=f"{runtime.settings.public_url}/accept-invitation?token={token}",
        reveal=runtime.reveals_links,
        tenant_id=str(principal.tenant_id),
    )
    await audit.record(
        session,
        action="invitation.created",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="invitation",
        target_id=invitation.id,
        details={"email": invitation.email, "role": invitation.role.value},
    )
    return InvitationRead.model_validate(invitation)


@router.get("/invitations")
async def list_invitations(
    principal: MemberReader, session: DbSession, cursor: Cursor = None, limit: PageSize = DEFAULT_PAGE_SIZE
) -> Page[InvitationRead]:
    rows = (await session.scalars(paginate_query(select(Invitation), Invitation.id, cursor, limit))).all()
    return Page[InvitationRead].model_validate(page_of(rows, limit, InvitationRead.model_validate))


@router.delete("/invitations/{invitation_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_invitation(invitation_id: uuid.UUID, principal: MemberWriter, session: DbSession) -> None:
    invitation = await service.get_invitation(session, invitation_id)
    await service.revoke_invitation(session, invitation=invitation)
    await audit.record(
        session,
        action="invitation.revoked",
        actor=principal.actor(),
        tenant_id=principal.tenant_id,
        target_type="invitation",
        target_id=invitation.id,
    )


@router.post("/invitations/accept", responses=problem_responses(409))
async def accept_invitation(
    body: InvitationAccept, principal: MaybePrincipal, session: DbSession, runtime: RuntimeDep, client: Client
) -> MyTenant:
    """Join the invitation's tenant, signed in or by creating an account with it."""
    membership, user = await service.accept_invitation(
        session,
        token=body.token,
        token_key=runtime.token_key,
        signed_in=principal.user if principal else None,
        name=body.name,
        password=body.password,
    )
    tenant = await service.get_tenant(session, membership.tenant_id)
    actor = principal.actor() if principal else client.actor(user.id)
    await audit.record(
        session,
        action="invitation.accepted",
        actor=actor,
        tenant_id=tenant.id,
        target_type="user",
        target_id=user.id,
        details={"role": membership.role.value},
    )
    return MyTenant(
        id=tenant.id, name=tenant.name, slug=tenant.slug, status=tenant.status, role=membership.role
    )
