"""The platform scope: the one, audited way to cross tenants."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from athanor.access.dependencies import CurrentPrincipal, DbSession
from athanor.access.principal import Principal
from athanor.admin.exceptions import SuperAdminRequired
from athanor.audit import service as audit
from athanor.db.scope import DbScope, set_scope


async def platform_principal(request: Request, principal: CurrentPrincipal, session: DbSession) -> Principal:
    """A super admin, signed in as themselves; the session enters the platform scope and
    the access is written to the platform audit chain."""
    if not principal.user.is_superadmin or principal.impersonator_id or principal.api_key:
        raise SuperAdminRequired()
    await set_scope(session, DbScope.for_platform(principal.user.id))
    await audit.record(
        session,
        action="platform.access",
        actor=principal.actor(),
        tenant_id=None,
        details={"method": request.method, "path": request.url.path},
    )
    return principal


PlatformAdmin = Annotated[Principal, Depends(platform_principal)]
