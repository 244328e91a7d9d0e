"""The platform scope: the one, audited way to cross tenants."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError

from athanor.access.dependencies import CurrentPrincipal, DbSession
from athanor.access.principal import Principal
from athanor.admin.exceptions import SuperAdminRequired
from athanor.audit import service as audit
from athanor.core.errors import AppError, ValidationFailed
from athanor.db.scope import DbScope, set_scope


def _error_code(error: BaseException) -> str:
    if isinstance(error, AppError):
        return error.code
    if isinstance(error, RequestValidationError):
        return ValidationFailed.code
    return "internal_error"


async def platform_principal(
    request: Request, principal: CurrentPrincipal, session: DbSession
) -> AsyncIterator[Principal]:
    """A super admin, signed in as themselves; the session enters the platform scope and
    the access is written to the platform audit chain, refused calls included."""
    if not principal.user.is_superadmin or principal.impersonator_id or principal.api_key:
        raise SuperAdminRequired()
    # Plain values: a rollback below expires the ORM objects.
    scope = DbScope.for_platform(principal.user.id)
    actor = principal.actor()
    details = {"method": request.method, "path": request.url.path}
    await set_scope(session, scope)
    await audit.record(session, action="platform.access", actor=actor, tenant_id=None, details=details)
    try:
        yield principal
    except Exception as error:
        # The call's changes are undone, but the attempt stays on record.
        await session.rollback()
        await set_scope(session, scope)
        await audit.record(
            session,
            action="platform.access",
            actor=actor,
            tenant_id=None,
            outcome="failure",
            details={**details, "error": _error_code(error)},
        )
        await session.commit()
        raise


PlatformAdmin = Annotated[Principal, Depends(platform_principal, scope="function")]
