"""Small builders for test data, going through the services as the app does."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from athanor.auth import service as auth_service
from athanor.auth.models import SessionKind
from athanor.db.scope import DbScope, set_scope
from athanor.runtime import Runtime
from athanor.tenancy import service as tenancy_service
from athanor.tenancy.models import Membership, Role

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Member:
    user_id: uuid.UUID
    email: str
    tenant_id: uuid.UUID | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_member(
    runtime: Runtime,
    email: str,
    *,
    tenant_id: uuid.UUID | None = None,
    tenant_name: str | None = None,
    role: Role = Role.OWNER,
    superadmin: bool = False,
    verified: bool = True,
) -> Member:
    """A user with a bearer token: owner of a new tenant (`tenant_name`), member of
    `tenant_id` with `role`, or in no tenant at all."""
    async with runtime.db.session(DbScope.anonymous()) as session, session.begin():
        user = await auth_service.create_user(
            session,
            email=email,
            password=PASSWORD,
            name=email.split("@")[0],
            verified=verified,
            superadmin=superadmin,
        )
        if tenant_name:
            tenant = await tenancy_service.create_tenant(session, name=tenant_name, owner=user)
            tenant_id = tenant.id
        elif tenant_id:
            await set_scope(session, DbScope.for_tenant(tenant_id, user.id))
            session.add(Membership(tenant_id=tenant_id, user_id=user.id, role=role))
            await session.flush()
        _auth, token = await auth_service.open_session(
            session,
            user=user,
            kind=SessionKind.BEARER,
            ttl=timedelta(hours=1),
            token_key=runtime.token_key,
            tenant_id=tenant_id,
        )
    return Member(user_id=user.id, email=user.email, tenant_id=tenant_id, token=token)
