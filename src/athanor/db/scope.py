"""Who a database session acts for, and the rules that keep it inside that scope.

Every ORM query of a tenant-owned model gets the tenant criterion added here, inserts
take their tenant from the scope, and on PostgreSQL each transaction hands the same
scope to the row-level security policies (see `db/rls.py`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, with_loader_criteria

from athanor.db.base import SharedOrTenant, TenantOwned, UserVisible

SCOPE_KEY = "db_scope"


class TenantScopeError(RuntimeError):
    """A query or write of tenant rows from a scope that has no tenant: a programming error."""


@dataclass(frozen=True, slots=True)
class DbScope:
    tenant_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    platform: bool = False

    @classmethod
    def anonymous(cls) -> DbScope:
        return cls()

    @classmethod
    def for_user(cls, user_id: uuid.UUID) -> DbScope:
        return cls(user_id=user_id)

    @classmethod
    def for_tenant(cls, tenant_id: uuid.UUID, user_id: uuid.UUID | None = None) -> DbScope:
        return cls(tenant_id=tenant_id, user_id=user_id)

    @classmethod
    def for_platform(cls, admin_id: uuid.UUID | None) -> DbScope:
        """Crosses tenants: only the audited super-admin path may create it."""
        return cls(user_id=admin_id, platform=True)


def scope_of(session: Session | AsyncSession) -> DbScope:
    scope = session.info.get(SCOPE_KEY)
    return scope if isinstance(scope, DbScope) else DbScope.anonymous()


async def set_scope(session: AsyncSession, scope: DbScope) -> None:
    """Change the scope of a session, including its open transaction on PostgreSQL."""
    session.info[SCOPE_KEY] = scope
    if session.in_transaction():
        connection = await session.connection()
        await connection.run_sync(_publish_scope, scope)


def _publish_scope(connection: Connection, scope: DbScope) -> None:
    if connection.dialect.name != "postgresql":
        return
    connection.execute(
        text(
            "SELECT set_config('app.tenant_id', :tenant, true),"
            " set_config('app.user_id', :user, true),"
            " set_config('app.platform', :platform, true)"
        ),
        {
            "tenant": str(scope.tenant_id) if scope.tenant_id else "",
            "user": str(scope.user_id) if scope.user_id else "",
            "platform": "on" if scope.platform else "",
        },
    )


@event.listens_for(Session, "after_begin")
def _scope_transaction(session: Session, _tx: SessionTransaction, connection: Connection) -> None:
    _publish_scope(connection, scope_of(session))


@event.listens_for(Session, "do_orm_execute")
def _scope_orm_statement(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    scope = scope_of(state.session)
    if scope.platform:
        return
    if scope.tenant_id is not None:
        tenant_id = scope.tenant_id
        state.statement = state.statement.options(
            with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True),
            with_loader_criteria(
                SharedOrTenant,
                lambda cls: (cls.tenant_id == tenant_id) | cls.tenant_id.is_(None),
                include_aliases=True,
            ),
        )
        return
    # Outside a tenant only the platform's shared rows are visible.
    state.statement = state.statement.options(
        with_loader_criteria(SharedOrTenant, lambda cls: cls.tenant_id.is_(None), include_aliases=True)
    )
    for mapper in state.all_mappers:
        owned = issubclass(mapper.class_, TenantOwned)
        if owned and not (issubclass(mapper.class_, UserVisible) and scope.user_id):
            raise TenantScopeError(f"{mapper.class_.__name__} needs a tenant scope")
    if scope.user_id is not None:
        user_id = scope.user_id
        state.statement = state.statement.options(
            with_loader_criteria(UserVisible, lambda cls: cls.user_id == user_id, include_aliases=True)
        )


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session: Session, _ctx: Any, _instances: Any) -> None:
    scope = scope_of(session)
    for obj in session.new:
        if isinstance(obj, SharedOrTenant):
            _stamp_shared(obj, scope)
            continue
        if not isinstance(obj, TenantOwned):
            continue
        if obj.tenant_id is None:
            if scope.tenant_id is None:
                raise TenantScopeError(f"{type(obj).__name__} created without a tenant scope")
            obj.tenant_id = scope.tenant_id
        elif not scope.platform and obj.tenant_id != scope.tenant_id:
            raise TenantScopeError(f"{type(obj).__name__} written into another tenant")


def _stamp_shared(obj: SharedOrTenant, scope: DbScope) -> None:
    """A shared row is the platform's only when written from the platform scope."""
    if scope.platform:
        return
    if scope.tenant_id is None:
        raise TenantScopeError(f"{type(obj).__name__} created without a tenant scope")
    if obj.tenant_id is None:
        obj.tenant_id = scope.tenant_id
    elif obj.tenant_id != scope.tenant_id:
        raise TenantScopeError(f"{type(obj).__name__} written into another tenant")
