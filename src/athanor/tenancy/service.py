"""Tenants, memberships, roles and invitations."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from athanor.auth import service as auth_service
from athanor.auth.models import TokenPurpose, User
from athanor.core.errors import FieldProblem, ValidationFailed
from athanor.core.i18n import _
from athanor.db.base import new_id
from athanor.db.scope import DbScope, scope_of, set_scope
from athanor.db.types import utcnow
from athanor.tenancy.exceptions import (
    AlreadyMember,
    InvitationEmailMismatch,
    InvitationNotFound,
    InvitationSignInRequired,
    LastOwner,
    MemberNotFound,
    RoleNotGrantable,
    SlugTaken,
    TenantNotFound,
)
from athanor.tenancy.models import Invitation, Membership, Role, Tenant, TenantStatus
from athanor.tenancy.permissions import GRANTABLE_ROLES
from athanor.tenancy.schemas import TenantSettings


@dataclass(frozen=True, slots=True)
class MemberView:
    membership: Membership
    user: User


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48]
    return slug or "tenant"


async def _free_slug(session: AsyncSession, wanted: str | None, name: str) -> str:
    if wanted:
        if await session.scalar(select(Tenant.id).where(Tenant.slug == wanted)):
            raise SlugTaken()
        return wanted
    base = slugify(name)
    taken = set((await session.scalars(select(Tenant.slug).where(Tenant.slug.startswith(base)))).all())
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


async def create_tenant(session: AsyncSession, *, name: str, owner: User, slug: str | None = None) -> Tenant:
    """A new tenant with `owner` as its first owner. Moves the session into the tenant."""
    tenant = Tenant(
        id=new_id(),
        name=name,
        slug=await _free_slug(session, slug, name),
        settings=TenantSettings().model_dump(mode="json"),
    )
    try:
        # A concurrent creation can take the slug after the check; the unique index
        # refuses it and the savepoint keeps the transaction usable for the 409.
        async with session.begin_nested():
            session.add(tenant)
    except IntegrityError:
        raise SlugTaken() from None
    previous = scope_of(session)
    await set_scope(session, DbScope(tenant_id=tenant.id, user_id=owner.id, platform=previous.platform))
    session.add(Membership(tenant_id=tenant.id, user_id=owner.id, role=Role.OWNER))
    await session.flush()
    return tenant


async def get_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> Tenant:
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None:
        raise TenantNotFound()
    return tenant


def tenant_settings(tenant: Tenant) -> TenantSettings:
    return TenantSettings.model_validate(tenant.settings or {})


def _merged(current: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key, value in patch.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = _merged(old, value)
        else:
            merged[key] = value
    return merged


async def update_tenant(
    session: AsyncSession,
    *,
    tenant: Tenant,
    name: str | None,
    settings_patch: Mapping[str, Any] | None,
) -> dict[str, object]:
    """Rename and merge `settings_patch` (only the settings the caller sent, nested
    objects merged key by key) into the settings; returns what changed, for the audit log."""
    changed: dict[str, object] = {}
    if name is not None and name != tenant.name:
        tenant.name = name
        changed["name"] = name
    if settings_patch:
        old_settings = tenant_settings(tenant).model_dump(mode="json")
        merged = _merged(old_settings, settings_patch)
        new_settings = TenantSettings.model_validate(merged).model_dump(mode="json")
        changed_keys = sorted(k for k in new_settings if new_settings[k] != old_settings.get(k))
        if changed_keys:
            tenant.settings = new_settings
            changed["settings"] = changed_keys
    await session.flush()
    return changed


async def set_tenant_status(
    session: AsyncSession, *, tenant: Tenant, status: TenantStatus, reason: str | None
) -> None:
    tenant.status = status
    tenant.suspended_reason = reason if status is TenantStatus.SUSPENDED else None
    await session.flush()


async def my_tenants(session: AsyncSession, *, user_id: uuid.UUID) -> Sequence[tuple[Tenant, Role]]:
    """Tenants the user belongs to; readable from a user scope, across tenants."""
    rows = await session.execute(
        select(Tenant, Membership.role)
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(Membership.user_id == user_id)
        .order_by(Tenant.name)
    )
    return [(tenant, role) for tenant, role in rows.all()]


async def membership_of(
    session: AsyncSession, *, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(Membership.tenant_id == tenant_id, Membership.user_id == user_id)
    )


async def first_tenant_of(session: AsyncSession, *, user_id: uuid.UUID) -> uuid.UUID | None:
    return await session.scalar(
        select(Membership.tenant_id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.created_at)
        .limit(1)
    )


def members_with_users() -> Select[Membership, User]:
    return select(Membership, User).join(User, User.id == Membership.user_id)


async def get_member(session: AsyncSession, *, membership_id: uuid.UUID) -> MemberView:
    row = (await session.execute(members_with_users().where(Membership.id == membership_id))).first()
    if row is None:
        raise MemberNotFound()
    return MemberView(membership=row[0], user=row[1])


def _check_grantable(actor_role: Role, role: Role) -> None:
    if role not in GRANTABLE_ROLES[actor_role]:
        raise RoleNotGrantable(params={"role": role.value})


async def _count_owners(session: AsyncSession) -> int:
    """The tenant's owners, locked until commit: two owners demoting each other at once
    must not both see the other still there (PostgreSQL re-reads locked rows)."""
    owners = await session.scalars(
        select(Membership.id).where(Membership.role == Role.OWNER).with_for_update()
    )
    return len(owners.all())


async def change_role(session: AsyncSession, *, member: MemberView, role: Role, actor_role: Role) -> None:
    """Only roles the actor may grant, on members the actor outranks or equals."""
    _check_grantable(actor_role, role)
    _check_grantable(actor_role, member.membership.role)
    demoting_owner = member.membership.role is Role.OWNER and role is not Role.OWNER
    if demoting_owner and await _count_owners(session) <= 1:
        raise LastOwner()
    member.membership.role = role
    await session.flush()


async def remove_member(session: AsyncSession, *, member: MemberView, actor_role: Role) -> None:
    _check_grantable(actor_role, member.membership.role)
    if member.membership.role is Role.OWNER and await _count_owners(session) <= 1:
        raise LastOwner()
    await session.delete(member.membership)
    await session.flush()


async def invite(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    email: str,
    role: Role,
    actor_role: Role,
    invited_by: uuid.UUID,
    token_key: str,
) -> tuple[Invitation, str]:
    """An invitation and the secret token for its link."""
    _check_grantable(actor_role, role)
    email = auth_service.normalize_email(email)
    existing_user = await auth_service.find_user_by_email(session, email)
    if existing_user and await membership_of(session, tenant_id=tenant_id, user_id=existing_user.id):
        raise AlreadyMember()
    invitation = Invitation(
        email=email,
        role=role,
        invited_by_id=invited_by,
        expires_at=utcnow() + auth_service.TOKEN_LIFETIMES[TokenPurpose.INVITATION],
    )
    session.add(invitation)
    await session.flush()
    token = await auth_service.issue_token(
        session,
        purpose=TokenPurpose.INVITATION,
        email=email,
        token_key=token_key,
        payload={"tenant_id": str(tenant_id), "invitation_id": str(invitation.id)},
        expires_at=invitation.expires_at,
    )
    return invitation, token


async def get_invitation(session: AsyncSession, invitation_id: uuid.UUID) -> Invitation:
    invitation = await session.scalar(select(Invitation).where(Invitation.id == invitation_id))
    if invitation is None:
        raise InvitationNotFound()
    return invitation


async def revoke_invitation(session: AsyncSession, *, invitation: Invitation) -> None:
    if invitation.accepted_at is None:
        invitation.revoked_at = invitation.revoked_at or utcnow()
    await session.flush()


async def accept_invitation(
    session: AsyncSession,
    *,
    token: str,
    token_key: str,
    signed_in: User | None,
    name: str | None,
    password: str | None,
) -> tuple[Membership, User]:
    """Join the tenant of an invitation; creates the account when the address has none.

    Moves the session into the invitation's tenant.
    """
    record = await auth_service.consume_token(
        session, purpose=TokenPurpose.INVITATION, token=token, token_key=token_key
    )
    tenant_id = uuid.UUID(record.payload["tenant_id"])
    await set_scope(session, DbScope.for_tenant(tenant_id, signed_in.id if signed_in else None))
    invitation = await session.get(Invitation, uuid.UUID(record.payload["invitation_id"]))
    if invitation is None or invitation.revoked_at or invitation.accepted_at:
        raise InvitationNotFound()
    user = signed_in or await auth_service.find_user_by_email(session, record.email)
    if user is not None and signed_in is None:
        # The address has an account: its owner joins signed in, so a forwarded link
        # cannot add someone to a tenant, and a password sent here is never ignored.
        raise InvitationSignInRequired()
    if user is None:
        if not password:
            raise ValidationFailed(
                fields=[FieldProblem("body.password", "required", _("This field is required."))]
            )
        user = await auth_service.create_user(
            session, email=record.email, password=password, name=name or "", verified=True
        )
    elif user.email != record.email:
        raise InvitationEmailMismatch()
    await set_scope(session, DbScope.for_tenant(tenant_id, user.id))
    if await membership_of(session, tenant_id=tenant_id, user_id=user.id):
        raise AlreadyMember()
    membership = Membership(tenant_id=tenant_id, user_id=user.id, role=invitation.role)
    try:
        # Two invitations of one person accepted at once: the unique index decides.
        async with session.begin_nested():
            session.add(membership)
    except IntegrityError:
        raise AlreadyMember() from None
    invitation.accepted_at = utcnow()
    user.email_verified_at = user.email_verified_at or utcnow()
    await session.flush()
    return membership, user
